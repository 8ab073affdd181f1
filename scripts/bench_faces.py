"""Likeness benchmark: does the face model tell same-person from different-person pairs?

Real faces used (all ship with packages; nothing is fetched):
  - tests/images/astronaut.jpg — scikit-image's astronaut (Eileen Collins, NASA, public domain)
  - /usr/share/doc/opencv-doc/examples/data/messi5.jpg, basketball1.png — Debian's opencv-doc
    examples (BSD-licensed OpenCV sample data); used only when opencv-doc is installed.
Same person = generated variations of one real face (crop, scale, light, slight rotation,
JPEG, blur); different person = variations of two different real faces. Prints the AUC and
seconds of face analysis (detect + landmarks + embedding) per photo on one core. Then every
ID-photo spec is cropped from every real face and from variations a person might send (tilted
by 8 and -7 degrees, off-centre in a wider frame, asking for a suit) with
``engine.idphoto.comply`` and the default detector; the head height and eye line measured on
the delivered file (its compliance card) are printed against the spec's bands. Run it on one
core: ``taskset -c 0 python scripts/bench_faces.py``.

    python scripts/bench_faces.py
"""

from __future__ import annotations

import itertools
import os
import sys
import time
from io import BytesIO
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

from PIL import Image, ImageEnhance, ImageFilter  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.faces import analyse, likeness  # noqa: E402

OPENCV_DOC = Path("/usr/share/doc/opencv-doc/examples/data")
SOURCES = {
    "astronaut": ROOT / "tests/images/astronaut.jpg",
    "messi": OPENCV_DOC / "messi5.jpg",
    "basketball": OPENCV_DOC / "basketball1.png",
}


def variations(image: Image.Image) -> list[Image.Image]:
    w, h = image.size
    out = [image]
    out.append(image.crop((w // 10, h // 10, w - w // 10, h - h // 10)))
    out.append(image.resize((int(w * 1.6), int(h * 1.6))))
    out.append(ImageEnhance.Brightness(image).enhance(0.6))
    out.append(ImageEnhance.Brightness(image).enhance(1.3))
    out.append(ImageEnhance.Contrast(image).enhance(0.7))
    out.append(image.rotate(6, resample=Image.Resampling.BICUBIC))
    out.append(image.rotate(-6, resample=Image.Resampling.BICUBIC))
    out.append(image.filter(ImageFilter.GaussianBlur(1.0)))
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=40)
    out.append(Image.open(BytesIO(buffer.getvalue())).convert("RGB"))
    out.append(image.transpose(Image.Transpose.FLIP_LEFT_RIGHT))
    return out


def auc(positives: list[float], negatives: list[float]) -> float:
    wins = sum((p > n) + 0.5 * (p == n) for p in positives for n in negatives)
    return wins / (len(positives) * len(negatives))


def main() -> int:
    embeddings: dict[str, list] = {}
    seconds = 0.0
    photos = 0
    analyse(Image.new("RGB", (64, 64)))  # load the models outside the timing
    for name, path in SOURCES.items():
        if not path.is_file():
            print(f"skip {name}: {path} not installed")
            continue
        for variant in variations(Image.open(path).convert("RGB")):
            start = time.perf_counter()
            faces = analyse(variant)
            seconds += time.perf_counter() - start
            photos += 1
            if faces:
                embeddings.setdefault(name, []).append(faces[0].embedding)
        print(f"{name}: face found in {len(embeddings.get(name, []))} of {len(variations(Image.open(path)))} variations")
    same = [likeness(a, b) for vs in embeddings.values() for a, b in itertools.combinations(vs, 2)]
    different = [
        likeness(a, b)
        for (_, va), (_, vb) in itertools.combinations(embeddings.items(), 2)
        for a in va
        for b in vb
    ]
    if not same or not different:
        print("need at least two people with faces found")
        return 1
    print(f"pairs: {len(same)} same-person, {len(different)} different-person")
    print(f"likeness same-person   min {min(same):.3f} mean {sum(same) / len(same):.3f}")
    print(f"likeness different     max {max(different):.3f} mean {sum(different) / len(different):.3f}")
    print(f"AUC {auc(same, different):.4f} (target >= 0.95)")
    print(f"face analysis {seconds / photos:.3f} s per photo over {photos} photos (target <= 0.5 s)")
    return id_bands()


def id_faces() -> dict[str, Image.Image]:
    """The real faces for the ID crop, and variations of them a person might send: tilted,
    off-centre in a wider frame, and asking for a suit (the offline outfit)."""
    faces: dict[str, Image.Image] = {}
    for name, path in SOURCES.items():
        if path.is_file():
            faces[name] = Image.open(path).convert("RGB")
    if "astronaut" in faces:
        base = faces["astronaut"]
        faces["astronaut+8deg"] = base.rotate(8, resample=Image.Resampling.BICUBIC, fillcolor=(205, 200, 195))
        faces["astronaut-7deg"] = base.rotate(-7, resample=Image.Resampling.BICUBIC, fillcolor=(205, 200, 195))
        wide = Image.new("RGB", (900, 700), (205, 200, 195))
        wide.paste(base, (330, 150))
        faces["astronaut-wide"] = wide
    return faces


def id_bands() -> int:
    """Per spec and real face: head height and eye line measured on the delivered file (the
    compliance card) against the spec's bands, and the time per ID photo on one core."""
    from core.errors import UserInputError
    from core.idspecs import SPECS
    from engine.detector import build_detector
    from engine.idphoto import comply

    detector = build_detector(None)
    inside = total = refused = 0
    seconds: list[float] = []
    for name, image in id_faces().items():
        for outfit in (None, "suit") if name == "astronaut" else (None,):
            label = f"{name}+suit" if outfit else name
            for key, spec in SPECS.items():
                start = time.perf_counter()
                try:
                    photo = comply(image, key, detector=detector, outfit=outfit)
                except UserInputError as error:
                    refused += 1
                    print(f"id {label:16} {key:12} refused: {error.message_id}")
                    continue
                seconds.append(time.perf_counter() - start)
                card = photo.card
                assert card is not None
                total += 1
                inside += card.head_ok and card.eyes_ok
                print(
                    f"id {label:16} {key:12} head {card.head or 0:6.1%} "
                    f"{'ok ' if card.head_ok else 'OUT'} ({spec.head_min:.1%}-{spec.head_max:.1%})  "
                    f"eyes {card.eyes or 0:6.1%} {'ok ' if card.eyes_ok else 'OUT'} "
                    f"({spec.eye_min:.1%}-{spec.eye_max:.1%})  background "
                    f"{'even' if card.background_even else 'UNEVEN'}  {card.width}x{card.height} "
                    f"{card.dpi} DPI {card.kb:.0f} KB  tilt {photo.tilt_degrees:+.1f}deg"
                )
    print(f"ID photos inside both bands (measured on the delivered file): {inside} of {total} crops;"
          f" {refused} refused with a reason")
    if seconds:
        seconds.sort()
        print(f"ID photo (detect, level, segment, crop, encode, measure the file): median "
              f"{seconds[len(seconds) // 2]:.3f} s, max {seconds[-1]:.3f} s on one core")
    return 0 if inside == total else 1


if __name__ == "__main__":
    raise SystemExit(main())
