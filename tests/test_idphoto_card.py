"""The compliance card: an ID photo made through the queue (fake fal echoing the person's real
face) arrives with a caption saying what the delivered file measures, in the person's language."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import redis

from core.idcard import card_line
from core.request import GenerationRequest
from tests.fakes.fal_queue import FakeFalQueue, fake_fal  # noqa: F401  (fixture)
from tests.fakes.worker_process import WorkerProcess, wait_for
from tests.test_worker_chain import PERSON, env, fal, images_sent, queue  # noqa: F401  (fixtures)
from worker.queue import GenerationQueue
from worker.records import Records

ASTRONAUT = Path(__file__).parent / "images" / "astronaut.jpg"


def _id_photo_through_the_queue(
    queue: GenerationQueue, redis_client: redis.Redis, fal: FakeFalQueue, data_dir: Path,  # noqa: F811
    env: dict[str, str], language: str, request: GenerationRequest,  # noqa: F811
) -> tuple[dict, list[dict]]:
    fal.echo_reference = True
    photo = data_dir / "photos" / "u1.jpg"
    photo.parent.mkdir(parents=True, exist_ok=True)
    photo.write_bytes(ASTRONAUT.read_bytes())
    worker = WorkerProcess(env, timing={"submit_lease_s": 30.0}, log_path=data_dir / "worker.log")
    ticket = queue.enqueue(replace(PERSON, language=language), [request], reference=str(photo))
    try:
        sent = wait_for(lambda: images_sent(redis_client), timeout=60, what="the ID photo")
    finally:
        worker.stop()
    record = Records(redis_client).gen(ticket.generation_ids[0])
    return sent[0], record.json("id_cards", [])


def test_the_id_photo_caption_carries_the_measured_card_in_the_persons_language(
    queue: GenerationQueue, redis_client: redis.Redis, fal: FakeFalQueue, data_dir: Path,  # noqa: F811
    env: dict[str, str],  # noqa: F811
) -> None:
    request = GenerationRequest(style="id_photo_white", model="nano2", id_spec="us")
    sent, cards = _id_photo_through_the_queue(queue, redis_client, fal, data_dir, env, "zh", request)
    caption = sent["caption"]
    head = re.search(r"头部 (\d+)% ✓（50–69%）", caption)
    eyes = re.search(r"眼睛高度 (\d+)% ✓（56–69%）", caption)
    assert head and eyes, caption
    assert "背景均匀 ✓" in caption and "600×600 像素 · 300 DPI" in caption
    # The numbers are the delivered file's: measured again here on what was sent.
    from core.idspecs import SPECS
    from engine.detector import build_detector
    from engine.idmeasure import measure_file

    photo = next(Path(f) for f in sent["files"] if "id-us" in Path(f).name)
    again = measure_file(photo.read_bytes(), SPECS["us"], "white", build_detector(None))
    assert int(head.group(1)) == round(again.head * 100)
    assert int(eyes.group(1)) == round(again.eyes * 100)
    assert f"{round(photo.stat().st_size / 1024)} KB" in caption
    assert len(cards) == 1 and cards[0]["head"] == again.head


def test_a_card_marks_what_is_outside_its_band() -> None:
    import locales

    card = {"head": 0.72, "eyes": 0.60, "head_band": (0.50, 0.69), "eye_band": (0.5625, 0.6875),
            "background_even": False, "width": 600, "height": 600, "dpi": 300, "kb": 87.4}
    line = card_line(card, locales.load().text, "en")
    assert line == ("Head 72% ✗ (50–69%) · Eyes 60% ✓ (56–69%) · Background uneven ✗ · "
                    "600×600 px · 300 DPI · 87 KB")
