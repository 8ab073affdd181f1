"""Likeness benchmark: does the face model tell same-person from different-person pairs?

Real faces used (all ship with packages; nothing is fetched):
  - tests/images/astronaut.jpg — scikit-image's astronaut (Eileen Collins, NASA, public domain)
  - /usr/share/doc/opencv-doc/examples/data/messi5.jpg, basketball1.png — Debian's opencv-doc
    examples (BSD-licensed OpenCV sample data); used only when opencv-doc is installed.
Same person = generated variations of one real face (crop, scale, light, slight rotation,
JPEG, blur); different person = variations of two different real faces. Prints the AUC and
seconds of face analysis (detect + landmarks + embedding) per photo on one core. Then every
ID-photo spec is cropped from every real face (``engine.idphoto.comply`` with the default
detector) and the measured head height and eye line are printed against the spec's bands.

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


def id_bands() -> int:
    """Per spec and real face: head and eye-line fractions against the spec's bands."""
    from core.errors import UserInputError
    from core.idspecs import SPECS
    from engine.detector import build_detector
    from engine.idphoto import comply

    detector = build_detector(None)
    inside = total = 0
    for name, path in SOURCES.items():
        if not path.is_file():
            continue
        image = Image.open(path).convert("RGB")
        for key, spec in SPECS.items():
            try:
                photo = comply(image, key, detector=detector)
            except UserInputError as error:
                print(f"id {name:10} {key:12} refused: {error.message_id}")
                continue
            head_ok = spec.head_min <= photo.head_fraction <= spec.head_max
            eyes_ok = spec.eye_min <= photo.eye_line_fraction <= spec.eye_max
            total += 1
            inside += head_ok and eyes_ok
            print(
                f"id {name:10} {key:12} head {photo.head_fraction:6.1%} "
                f"{'ok ' if head_ok else 'OUT'} ({spec.head_min:.0%}-{spec.head_max:.0%})  "
                f"eyes {photo.eye_line_fraction:6.1%} {'ok ' if eyes_ok else 'OUT'} "
                f"({spec.eye_min:.0%}-{spec.eye_max:.0%})  {photo.image.width}x{photo.image.height} "
                f"{photo.kb:.0f} KB"
            )
    print(f"ID photos inside both bands: {inside} of {total} crops")
    return 0 if inside == total else 1


if __name__ == "__main__":
    raise SystemExit(main())
