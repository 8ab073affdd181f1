"""Decode bombs against the photo desk: peak memory, and another person's selfie meanwhile.

    .venv/bin/python scripts/bench_bombs.py

Each scenario runs in a fresh process (peak RSS is per process) through ``PhotoDesk.accept``,
the path every channel's photo takes, on a thread pool the size of the server's default
executor (bot/http.py HANDLER_THREADS), where ``Conversation`` handles messages. The bomb is a 95 KB 7000 x 7000 16-bit greyscale PNG
(1.4 GB before the byte bound); the "heavy" photo is a legal 6000 x 6000 16-bit PNG just under
the bound, which must be decoded. The selfie is a 12 MP phone JPEG sent 50 ms after the others.
Targets: one input <= 300 MB, six at once < 1 GB, the selfie < 1 s.
"""

from __future__ import annotations

import io
import json
import resource
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def png16(side: int) -> bytes:
    """A valid side x side 16-bit greyscale PNG, all black: ~95 KB at 7000."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    packer = zlib.compressobj(9)
    row = b"\x00" * (1 + side * 2)
    idat = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 16, 0, 0, 0, 0))
            + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


def selfie() -> bytes:
    from PIL import Image

    from tests.faces import make_face_photo

    small = make_face_photo((1008, 756), face_width=300)
    out = io.BytesIO()
    small.resize((4032, 3024), Image.Resampling.BICUBIC).save(out, "JPEG", quality=90)
    return out.getvalue()


def scenario(kind: str, count: int) -> dict[str, object]:
    """Run in a child: ``count`` inputs of ``kind`` at once, then a selfie."""
    from bot.http import HANDLER_THREADS
    from bot.photos import PhotoDesk
    from core.errors import UserInputError
    from engine.facedetect import HaarFaceDetector
    from tests.faces import make_face_photo

    detector = HaarFaceDetector()
    detector.detect(make_face_photo())
    face = selfie()
    data = png16(7000 if kind == "bomb" else 6000)
    with tempfile.TemporaryDirectory() as folder:
        desk = PhotoDesk(Path(folder), detector)
        desk.accept("warm-up", face)
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024

        def accept(person: str, payload: bytes) -> tuple[str, float]:
            started = time.perf_counter()
            try:
                desk.accept(person, payload)
                outcome = "accepted"
            except UserInputError as exc:
                outcome = exc.message_id
            return outcome, time.perf_counter() - started

        pool = ThreadPoolExecutor(max_workers=HANDLER_THREADS)
        started = time.perf_counter()
        others = [pool.submit(accept, f"p{i}", data) for i in range(count)]
        time.sleep(0.05)
        sent = time.perf_counter()
        mine = pool.submit(accept, "selfie", face)
        selfie_outcome, _ = mine.result()
        selfie_s = time.perf_counter() - sent
        outcomes = [f.result()[0] for f in others]
        total = time.perf_counter() - started
    return {"base_mb": base, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
            "outcomes": sorted(set(outcomes)), "selfie": selfie_outcome,
            "selfie_s": round(selfie_s, 2), "all_s": round(total, 2)}


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        print(json.dumps(scenario(sys.argv[2], int(sys.argv[3]))))
        return
    print(f"{'scenario':34} {'base MB':>8} {'peak MB':>8} {'selfie s':>9} {'all s':>6}  outcome")
    for kind, count, label in (("bomb", 1, "one 16-bit bomb 7000x7000"),
                               ("bomb", 6, "six 16-bit bombs at once"),
                               ("heavy", 1, "one legal 16-bit PNG 6000x6000"),
                               ("heavy", 6, "six legal 16-bit PNGs at once")):
        run = subprocess.run([sys.executable, __file__, "--child", kind, str(count)],
                             capture_output=True, text=True, check=True)
        row = json.loads(run.stdout.strip().splitlines()[-1])
        print(f"{label:34} {row['base_mb']:8} {row['peak_mb']:8} {row['selfie_s']:9} "
              f"{row['all_s']:6}  {','.join(row['outcomes'])}; selfie {row['selfie']}")


if __name__ == "__main__":
    main()
