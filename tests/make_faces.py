"""Write the face fixtures in tests/images/ from tests/faces.py: `python -m tests.make_faces`."""

from __future__ import annotations

from pathlib import Path

from tests.faces import make_empty_photo, make_face_photo, make_group_photo

DATA = Path(__file__).resolve().parent / "images"
JPEG_QUALITY = 88
"""Like a phone's photo, small enough to keep in git (tens of KB)."""


def main() -> None:
    DATA.mkdir(exist_ok=True)
    fixtures = {
        "face.jpg": make_face_photo((640, 800)),
        "group.jpg": make_group_photo((1200, 700), 2),
        "noface.jpg": make_empty_photo((640, 800)),
    }
    for name, image in fixtures.items():
        image.save(DATA / name, "JPEG", quality=JPEG_QUALITY)
        print(DATA / name)


if __name__ == "__main__":
    main()
