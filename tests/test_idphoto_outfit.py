"""Formal wear on ID photos: "穿正装", "in a suit", "with a blazer" make the ID photo through the
edit model with the outfit asked for, then the same measured crop and compliance card."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import redis
from PIL import Image

from core.intent import recognize
from core.prompts import build_prompt
from core.request import GenerationRequest
from core.styles import PRESETS, Catalogue
from tests.fakes.fal_queue import FakeFalQueue, fake_fal  # noqa: F401  (fixture)
from tests.fakes.worker_process import WorkerProcess, wait_for
from tests.test_worker_chain import PERSON, env, fal, images_sent, queue  # noqa: F401  (fixtures)
from worker.queue import GenerationQueue

ASTRONAUT = Path(__file__).parent / "images" / "astronaut.jpg"


@pytest.mark.parametrize(
    ("text", "outfit"),
    [
        ("US passport photo in a suit", "suit"),
        ("US passport photo with a blazer", "blazer"),
        ("一寸照 穿正装", "formal"),
        ("美国签证照，穿西装", "suit"),
        ("Passbild im Anzug", "suit"),
        ("photo d'identité en costume", "suit"),
        ("фото на паспорт в костюме", "suit"),
        ("여권 사진 정장", "formal"),
        ("US passport photo without a blazer", None),
        ("护照照片，不穿西装", None),
        ("US passport photo", None),
    ],
)
def test_the_outfit_is_read_from_an_id_photo_request(text: str, outfit: str | None) -> None:
    intent = recognize(text)
    assert intent.style in ("id_photo_white", "id_photo_blue"), intent
    assert intent.outfit == outfit


def test_the_outfit_replaces_the_plain_clothing_and_keeps_the_head() -> None:
    catalogue = Catalogue(PRESETS)
    request = GenerationRequest(style="id_photo_white", id_spec="us", outfit="suit")
    prompt = build_prompt(request, catalogue, edit_mode=True)
    assert "business suit jacket" in prompt and "plain dark clothing" not in prompt
    assert "keep the face, hairstyle, head size and head position unchanged" in prompt
    plain = build_prompt(replace(request, outfit=None), catalogue, edit_mode=True)
    assert "suit" not in plain


def test_a_suit_through_the_queue_asks_the_edit_model_and_arrives_measured(
    queue: GenerationQueue, redis_client: redis.Redis, fal: FakeFalQueue, data_dir: Path,  # noqa: F811
    env: dict[str, str],  # noqa: F811
) -> None:
    from core.plan import plan

    intent = recognize("US passport photo in a suit")
    planned = plan(intent, style_facts=lambda _: None, available_providers=frozenset({"fal"}),
                   has_reference=True)
    (request,) = planned.requests
    assert request.outfit == "suit" and request.id_spec == "us"
    fal.echo_reference = True
    photo = data_dir / "photos" / "u1.jpg"
    photo.parent.mkdir(parents=True, exist_ok=True)
    photo.write_bytes(ASTRONAUT.read_bytes())
    worker = WorkerProcess(env, timing={"submit_lease_s": 30.0}, log_path=data_dir / "worker.log")
    queue.enqueue(PERSON, [request], reference=str(photo))
    try:
        sent = wait_for(lambda: images_sent(redis_client), timeout=60, what="the ID photo")
    finally:
        worker.stop()
    assert fal.submit_count() == 1
    (asked,) = [r.body for r in fal.requests.values()]
    assert "business suit jacket" in asked["prompt"] and asked.get("image_urls")
    caption = sent[0]["caption"]
    assert "Head " in caption and "✓ (50–69%)" in caption and "600×600 px" in caption, caption
    names = [Path(f).name for f in sent[0]["files"]]
    assert any("id-us" in n for n in names) and any("sheet" in n for n in names)


def test_offline_the_clothes_turn_dark_and_the_crop_still_measures_inside_the_bands() -> None:
    from engine.detector import build_detector
    from engine.idphoto import comply

    detector = build_detector(None)
    source = Image.open(ASTRONAUT).convert("RGB")
    dressed = comply(source, "us", detector=detector, outfit="suit")
    plain = comply(source, "us", detector=detector)
    assert dressed.card is not None and dressed.card.head_ok and dressed.card.eyes_ok
    below = (slice(500, 590), slice(60, 200))  # the left shoulder, well under the chin
    jacket = np.asarray(dressed.image)[below].reshape(-1, 3).mean(axis=0)
    before = np.asarray(plain.image)[below].reshape(-1, 3).mean(axis=0)
    assert jacket.max() < 80 and before[0] > 150, (jacket, before)  # orange suit -> navy jacket
    face = (slice(200, 300), slice(250, 350))
    assert np.abs(np.asarray(dressed.image)[face].astype(int) - np.asarray(plain.image)[face]).max() < 3
