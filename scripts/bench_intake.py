"""Time image intake and the pre-flight check on phone-sized photos; prints milliseconds.

    .venv/bin/python scripts/bench_intake.py [--repeat 5]

Photos are drawn by tests/faces.py (a 12 MP JPEG like an iPhone's, the same as HEIC, a
48 MP JPEG, a 20 MP PNG) plus a 30000 x 30000 PNG bomb that must be refused at once.
Each column: the fastest run (what an idle CPU does) and, in brackets, the median (this
machine is shared, so the median includes waiting for the CPU).
"""

from __future__ import annotations

import argparse
import functools
import io
import statistics
import struct
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image  # noqa: E402

from core.errors import UserInputError  # noqa: E402
from engine.facedetect import HaarFaceDetector  # noqa: E402
from engine.intake import Photo, load_photo  # noqa: E402
from engine.preflight import Verdict, check_photo  # noqa: E402
from tests.faces import make_face_photo  # noqa: E402


def photo(size: tuple[int, int], fmt: str, **options: object) -> bytes:
    """A face photo of ``size`` (drawn at a quarter size and enlarged: quicker to make)."""
    small = make_face_photo((size[0] // 4, size[1] // 4), face_width=size[0] // 10)
    out = io.BytesIO()
    small.resize(size, Image.Resampling.BICUBIC).save(out, fmt, **options)
    return out.getvalue()


def png_bomb(side: int = 30_000) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    packer = zlib.compressobj(9)
    row = b"\x00" * (1 + (side + 7) // 8)
    idat = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


def timed(action: Callable[[], object], repeat: int) -> tuple[float, float, object]:
    results, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        try:
            result = action()
        except UserInputError as exc:
            result = exc.message_id
        results.append((time.perf_counter() - started) * 1000)
    return min(results), statistics.median(results), result


def main() -> None:
    parser = argparse.ArgumentParser(description="Time image intake and the pre-flight check.")
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    detector = HaarFaceDetector()
    detector.detect(make_face_photo())  # load the cascades once, as a long-running process has

    cases = {
        "12 MP JPEG (4032x3024)": photo((4032, 3024), "JPEG", quality=90),
        "12 MP HEIC (4032x3024)": photo((4032, 3024), "HEIF", quality=70),
        "48 MP JPEG (8000x6000)": photo((8000, 6000), "JPEG", quality=85),
        "20 MP PNG (5472x3648)": photo((5472, 3648), "PNG", compress_level=1),
    }
    print(f"{'photo':28} {'MB':>6} {'intake ms':>16} {'pre-flight ms':>16}  verdict")
    for name, data in cases.items():
        med, worst, loaded = timed(functools.partial(load_photo, data), repeat)
        assert isinstance(loaded, Photo), loaded
        pmed, pworst, verdict = timed(functools.partial(check_photo, loaded, detector), repeat)
        assert isinstance(verdict, Verdict)
        print(f"{name:28} {len(data) / 2**20:6.1f} {med:8.1f} ({worst:5.1f}) "
              f"{pmed:8.1f} ({pworst:5.1f})  {verdict.message_id or 'ok'}")

    bomb = png_bomb()
    med, worst, outcome = timed(functools.partial(load_photo, bomb), repeat)
    print(f"{'PNG bomb 30000x30000':28} {len(bomb) / 2**20:6.2f} {med:8.2f} ({worst:5.2f}) "
          f"{'':>16}  {outcome}")


if __name__ == "__main__":
    main()
