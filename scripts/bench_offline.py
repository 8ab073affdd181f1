"""Time the offline engine on a 1024 px photo, one line per style: `python scripts/bench_offline.py`.

Not a test (timings depend on the machine); the target is well under a second per image.
"""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.facedetect import HaarFaceDetector  # noqa: E402
from engine.offline.render import render  # noqa: E402
from engine.offline.treatments import STYLE_TREATMENTS  # noqa: E402
from engine.providers.base import ProviderJob  # noqa: E402
from tests.faces import make_face_photo  # noqa: E402


def main() -> None:
    buffer = io.BytesIO()
    make_face_photo((1024, 1024), face_width=380).save(buffer, "JPEG", quality=90)
    reference = buffer.getvalue()
    detector = HaarFaceDetector()
    detector.detect(make_face_photo((256, 256)))  # load the cascades outside the timings
    slowest = 0.0
    for style, treatment in STYLE_TREATMENTS.items():
        job = ProviderJob("offline", "offline", "", (reference,), extra={"style": style})
        start = time.perf_counter()
        render(job, detector)
        took = time.perf_counter() - start
        slowest = max(slowest, took)
        print(f"{style:20} {treatment.family:13} {took * 1000:7.0f} ms")
    start = time.perf_counter()
    render(ProviderJob("offline", "offline", "a wizard", (), count=1), detector)
    print(f"{'placeholder':20} {'default':13} {(time.perf_counter() - start) * 1000:7.0f} ms")
    print(f"slowest style: {slowest * 1000:.0f} ms")


if __name__ == "__main__":
    main()
