"""One generation start to end without Redis, series and batches, and `portraitbot generate`,
against the fake fal queue, BytePlus and headshot servers over real HTTP."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from PIL import Image

from core.errors import PermanentUpstreamError
from core.request import GenerationRequest
from core.settings import Settings
from core.styles import Catalogue
from engine.generate import Generator, Item
from engine.providers.fal import FalProvider
from engine.providers.headshot import HeadshotProvider
from engine.providers.http import RetryPolicy
from engine.providers.seedream import SeedreamProvider
from tests.fakes.byteplus import DEFAULT_KEY as ARK_KEY
from tests.fakes.byteplus import fake_byteplus as fake_byteplus  # noqa: F401  (fixture)
from tests.fakes.fal_queue import DEFAULT_KEY as FAL_KEY
from tests.fakes.fal_queue import fake_fal as fake_fal  # noqa: F401  (fixture)
from tests.fakes.headshot_api import DEFAULT_KEY as HEADSHOT_KEY
from tests.fakes.headshot_api import fake_headshot as fake_headshot  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parent.parent
FAST_RETRY = RetryPolicy(attempts=2, base_s=0.01, max_s=0.02)


def photo_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), (190, 150, 130)).save(buffer, format="JPEG")
    return buffer.getvalue()


def selfie_bytes() -> bytes:
    """A photo with one clear face, which passes the pre-flight check."""
    from tests.faces import make_face_photo

    buffer = io.BytesIO()
    make_face_photo().save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


def generator(data_dir: Path, env: dict[str, str], providers: dict, **kwargs: object) -> Generator:
    settings = Settings.from_env({"DATA_DIR": str(data_dir), **env})
    return Generator(settings, providers, Catalogue.presets(), poll_first_s=0.01, poll_max_s=0.05,
                     **kwargs)  # type: ignore[arg-type]


def fal_setup(url: str, data_dir: Path, http: httpx.AsyncClient, **kwargs: object) -> Generator:
    env = {"FAL_KEY": FAL_KEY, "FAL_QUEUE_URL": url}
    settings = Settings.from_env(env)
    return generator(data_dir, env, {"fal": FalProvider(settings, http, retry=FAST_RETRY)}, **kwargs)


async def test_an_anime_portrait_is_saved_by_date_with_a_descriptive_name_and_a_record(fake_fal, http, data_dir):
    fake, url = fake_fal
    fake.credits_used = "0.15"
    outcome = await fal_setup(url, data_dir, http).run(
        Item(GenerationRequest(style="anime", model="nanopro"), (photo_bytes(),)))
    assert outcome.ok, outcome.error
    (path,) = outcome.paths
    assert path.parent.parent == data_dir / "output" / "images"
    assert len(path.parent.name) == 10 and path.parent.name[4] == "-"  # YYYY-MM-DD
    assert "_anime_nanopro_" in path.name and path.name.endswith("_01.jpg")
    assert path.read_bytes()[:3] == b"\xff\xd8\xff"
    record = json.loads(outcome.metadata.read_text())
    assert record["style"] == "anime" and record["model"] == "nanopro" and record["cost_usd"] == 0.15
    assert record["images"] == [path.name] and record["timings_s"]["total"] > 0
    sent_prompt = next(iter(fake.requests.values())).body["prompt"]
    assert sent_prompt not in outcome.metadata.read_text()
    assert FAL_KEY not in outcome.metadata.read_text()


async def test_six_images_go_to_fal_as_two_requests_of_at_most_four(fake_fal, http, data_dir):
    fake, url = fake_fal
    outcome = await fal_setup(url, data_dir, http).run(
        Item(GenerationRequest(style="casual", model="nano2", count=6), (photo_bytes(),)))
    assert outcome.ok and len(outcome.paths) == 6
    assert sorted(r.body["num_images"] for r in fake.requests.values()) == [2, 4]
    assert [p.name[-6:] for p in outcome.paths] == [f"{i:02d}.jpg" for i in range(1, 7)]


async def test_when_part_of_a_split_request_fails_the_paid_pictures_are_still_saved(fake_fal, http, data_dir):
    fake, url = fake_fal
    fake.balance_usd = 0.32  # enough for one of the two requests (4 or 2 images at $0.08)
    outcome = await fal_setup(url, data_dir, http).run(
        Item(GenerationRequest(style="casual", model="nano2", count=6), (photo_bytes(),)))
    assert outcome.ok and len(outcome.paths) in (2, 4)
    assert "fal.insufficient_credits" in outcome.notes


async def test_text_to_image_uses_the_generate_endpoint(fake_fal, http, data_dir):
    fake, url = fake_fal
    outcome = await fal_setup(url, data_dir, http).run(
        Item(GenerationRequest(prompt="a lighthouse at dawn", model="nanopro")))
    assert outcome.ok
    assert next(iter(fake.requests.values())).endpoint == "fal-ai/nano-banana-pro"


async def test_a_job_unfinished_at_the_deadline_is_cancelled_upstream(fake_fal, http, data_dir):
    fake, url = fake_fal
    fake.progress = ("IN_QUEUE", "IN_PROGRESS")
    outcome = await fal_setup(url, data_dir, http, deadline_s=0.3).run(
        Item(GenerationRequest(style="anime"), (photo_bytes(),)))
    assert isinstance(outcome.error, PermanentUpstreamError)
    assert outcome.error.message_id == "generate.timed_out"
    assert all(r.cancelled for r in fake.requests.values())
    assert not (data_dir / "output").exists()


async def test_a_series_keeps_its_order_and_one_bad_item_does_not_sink_the_rest(fake_fal, http, data_dir):
    fake, url = fake_fal
    styles = ["professional", "no_such_style", "cyberpunk"]
    outcomes = await fal_setup(url, data_dir, http).run_all(
        [Item(GenerationRequest(style=s), (photo_bytes(),)) for s in styles], concurrency=3)
    assert [o.ok for o in outcomes] == [True, False, True]
    assert outcomes[1].error is not None and outcomes[1].error.message_id == "styles.unknown"
    assert "_professional_" in outcomes[0].paths[0].name and "_cyberpunk_" in outcomes[2].paths[0].name
    assert fake.submit_count() == 2


async def test_series_items_wait_upstream_at_the_same_time_not_one_after_another(fake_fal, http, data_dir):
    import time

    fake, url = fake_fal
    fake.run_seconds = 1.0
    started = time.monotonic()
    outcomes = await fal_setup(url, data_dir, http).run_all(
        [Item(GenerationRequest(style=s), (photo_bytes(),)) for s in ("anime", "vintage", "casual", "chef")],
        concurrency=4)
    elapsed = time.monotonic() - started
    assert all(o.ok for o in outcomes)
    assert elapsed < 3.0, f"four 1-second generations took {elapsed:.1f} s"


async def test_a_batch_mixes_providers_and_names_files_by_label(fake_fal, fake_byteplus, http, data_dir):
    fal, fal_url = fake_fal
    ark, ark_url = fake_byteplus
    env = {"FAL_KEY": FAL_KEY, "FAL_QUEUE_URL": fal_url, "BYTEPLUS_API_KEY": ARK_KEY,
           "BYTEPLUS_BASE_URL": ark_url}
    settings = Settings.from_env(env)
    providers = {"fal": FalProvider(settings, http, retry=FAST_RETRY),
                 "seedream": SeedreamProvider(settings, http, retry=FAST_RETRY)}
    items = [
        Item(GenerationRequest(prompt="scene a", model="nanopro", label="scene_a", aspect_ratio="9:16"),
             (photo_bytes(),)),
        Item(GenerationRequest(prompt="scene b", model="seedream", label="scene_b", aspect_ratio="4:5"),
             (photo_bytes(),)),
        Item(GenerationRequest(prompt="poster", model="nano-banana-pro", label="poster")),
    ]
    outcomes = await generator(data_dir, env, providers).run_all(items)
    assert [o.model for o in outcomes] == ["nanopro", "seedream", "nanopro"]
    assert ["_scene_a_" in outcomes[0].paths[0].name, "_scene_b_" in outcomes[1].paths[0].name,
            "_poster_" in outcomes[2].paths[0].name] == [True, True, True]
    assert ark.requests[0]["size"] == "2560x3200" and fal.submit_count() == 2


async def test_a_model_without_credentials_falls_back_and_says_so(fake_fal, http, data_dir):
    _, url = fake_fal
    outcome = await fal_setup(url, data_dir, http).run(
        Item(GenerationRequest(style="anime", model="seedream"), (photo_bytes(),)))
    assert outcome.ok and outcome.model == "nanopro" and "model.unavailable" in outcome.notes


async def test_the_headshot_api_completes_inside_submit(fake_headshot, http, data_dir):
    _, url = fake_headshot
    env = {"HEADSHOT_API_URL": url, "HEADSHOT_API_KEY": HEADSHOT_KEY}
    provider = HeadshotProvider(Settings.from_env(env), http, retry=FAST_RETRY)
    outcome = await generator(data_dir, env, {"headshot": provider}).run(
        Item(GenerationRequest(style="linkedin", model="headshot", count=2), (photo_bytes(),)))
    assert outcome.ok and len(outcome.paths) == 2


async def test_an_id_photo_whose_ai_picture_has_no_face_is_kept_with_a_note(fake_fal, http, data_dir):
    _, url = fake_fal
    outcome = await fal_setup(url, data_dir, http).run(
        Item(GenerationRequest(style="id_photo_white", id_spec="us"), (photo_bytes(),)))
    assert outcome.ok and len(outcome.paths) == 1
    assert "idphoto.no_face" in outcome.notes


async def test_an_id_photo_yields_the_photo_and_a_print_sheet(fake_fal, http, data_dir):
    from engine.providers.base import OutputImage

    def comply(image: OutputImage, request: GenerationRequest, compliant: bool) -> list[tuple[OutputImage, str]]:
        return [(image, f"id_{request.id_spec}"), (image, "sheet_4x6")]

    _, url = fake_fal
    outcome = await fal_setup(url, data_dir, http, id_photo=comply).run(
        Item(GenerationRequest(style="id_photo_blue", id_spec="cn_1inch"), (photo_bytes(),)))
    assert [p.name.split("_01_")[-1] for p in outcome.paths] == ["id_cn_1inch.jpg", "sheet_4x6.jpg"]


async def test_an_ai_passport_photo_is_made_compliant_with_its_print_sheet(fake_fal, http, data_dir):
    fake, url = fake_fal
    fake.echo_reference = True
    outcome = await fal_setup(url, data_dir, http).run(
        Item(GenerationRequest(style="id_photo_white", id_spec="us"), (selfie_bytes(),)))
    assert outcome.ok, outcome.error
    photo, sheet = (Image.open(p) for p in outcome.paths)
    assert photo.size == (600, 600) and round(photo.info["dpi"][0]) == 300
    assert sheet.size == (1200, 1800)


async def test_without_any_key_the_offline_engine_makes_a_marked_preview(data_dir):
    from engine.providers import build_providers

    settings = Settings.from_env({"DATA_DIR": str(data_dir)})
    async with httpx.AsyncClient() as client:
        providers = build_providers(settings, client)
        if "offline" not in providers:
            pytest.skip("the offline engine is not installed")
        outcome = await Generator(settings, providers, Catalogue.presets()).run(
            Item(GenerationRequest(style="watercolor", model="nanopro"), (photo_bytes(),)))
    assert outcome.ok and outcome.model == "offline" and "offline.preview_caption" in outcome.notes
    assert Image.open(outcome.paths[0]).size[0] > 0


# -- the command ------------------------------------------------------------------------------

def run_cli(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """The installed command, as an operator runs it (the fake answers COMPLETED at once)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("FAL_", "BYTEPLUS_", "HEADSHOT_"))}
    command = [str(ROOT / ".venv" / "bin" / "portraitbot"), "generate", *args]
    if not Path(command[0]).exists():
        command = [sys.executable, "-m", "portraitbot.cli", "generate", *args]
    return subprocess.run(command, env=base | env, cwd=cwd, capture_output=True, text=True, timeout=120)


def media_paths(stdout: str) -> list[Path]:
    return [Path(line.removeprefix("MEDIA: ")) for line in stdout.splitlines() if line.startswith("MEDIA: ")]


def test_cli_prints_one_media_line_per_image_and_never_the_key(fake_fal, tmp_path):
    fake, url = fake_fal
    fake.progress = ("COMPLETED",)
    (tmp_path / "photo.jpg").write_bytes(selfie_bytes())
    env = {"FAL_KEY": FAL_KEY, "FAL_QUEUE_URL": url, "DATA_DIR": str(tmp_path / "data")}
    done = run_cli(["photo.jpg", "--style", "anime", "--count", "2"], env, tmp_path)
    assert done.returncode == 0, done.stderr
    paths = media_paths(done.stdout)
    assert len(paths) == 2 and all(p.is_file() for p in paths)
    assert all((tmp_path / "data" / "output" / "images") in p.parents for p in paths)
    records = list(paths[0].parent.glob("*.json"))
    assert FAL_KEY not in done.stdout + done.stderr + records[0].read_text()
    assert fake.submit_count() == 1


def test_cli_series_prints_what_worked_and_fails_with_the_reason(fake_fal, tmp_path):
    fake, url = fake_fal
    fake.progress = ("COMPLETED",)
    (tmp_path / "photo.jpg").write_bytes(selfie_bytes())
    env = {"FAL_KEY": FAL_KEY, "FAL_QUEUE_URL": url, "DATA_DIR": str(tmp_path / "data")}
    done = run_cli(["photo.jpg", "--series", "professional,anime", "--out", "out"], env, tmp_path)
    assert done.returncode == 0, done.stderr
    paths = media_paths(done.stdout)
    assert [p.parent for p in paths] == [Path("out"), Path("out")]
    assert "_professional_" in paths[0].name and "_anime_" in paths[1].name

    fake.reject = (422, [{"loc": ["body", "prompt"], "msg": "Prompt too long", "type": "x"}])
    failed = run_cli(["photo.jpg", "--style", "anime"], env, tmp_path)
    assert failed.returncode == 1 and failed.stdout == ""
    assert "The model couldn't accept this request: prompt: Prompt too long" in failed.stderr


def test_cli_batch_file_runs_each_prompt_with_its_label(fake_fal, tmp_path):
    fake, url = fake_fal
    fake.progress = ("COMPLETED",)
    (tmp_path / "ref.jpg").write_bytes(photo_bytes())
    (tmp_path / "batch.json").write_text(json.dumps([
        {"prompt": "scene one", "refs": ["ref.jpg"], "aspect_ratio": "9:16", "label": "scene_a"},
        {"prompt": "a poster", "model": "nano-banana-pro", "label": "poster"},
    ]))
    env = {"FAL_KEY": FAL_KEY, "FAL_QUEUE_URL": url, "DATA_DIR": str(tmp_path / "data")}
    done = run_cli(["--batch", "batch.json"], env, tmp_path)
    assert done.returncode == 0, done.stderr
    names = [p.name for p in media_paths(done.stdout)]
    assert "_scene_a_" in names[0] and "_poster_" in names[1]


def test_cli_refuses_a_photo_without_a_face_before_paying_unless_told_to_go_anyway(fake_fal, tmp_path):
    fake, url = fake_fal
    fake.progress = ("COMPLETED",)
    (tmp_path / "wall.jpg").write_bytes(photo_bytes())
    env = {"FAL_KEY": FAL_KEY, "FAL_QUEUE_URL": url, "DATA_DIR": str(tmp_path / "data")}
    refused = run_cli(["wall.jpg", "--style", "anime"], env, tmp_path)
    assert refused.returncode == 1 and "--go-anyway" in refused.stderr
    assert fake.submit_attempts == 0
    insisted = run_cli(["wall.jpg", "--style", "anime", "--go-anyway"], env, tmp_path)
    assert insisted.returncode == 0 and len(media_paths(insisted.stdout)) == 1


async def test_a_photo_link_to_a_private_address_is_refused_without_fetching(http):
    from core.errors import UserInputError
    from portraitbot.commands.generate import load_photo_from

    with pytest.raises(UserInputError) as caught:
        await load_photo_from("https://127.0.0.1/me.jpg", http)
    assert caught.value.message_id.startswith("intake.url_")


def test_cli_with_no_keys_makes_an_offline_preview(tmp_path):
    (tmp_path / "photo.jpg").write_bytes(photo_bytes())
    done = run_cli(["photo.jpg", "--style", "oil_painting"], {"DATA_DIR": str(tmp_path / "data")}, tmp_path)
    assert done.returncode == 0, done.stderr
    assert len(media_paths(done.stdout)) == 1 and "Offline preview" in done.stderr


def test_cli_missing_photo_is_a_clear_error(tmp_path):
    done = run_cli(["nowhere.jpg", "--style", "anime"], {"DATA_DIR": str(tmp_path)}, tmp_path)
    assert done.returncode == 1
    assert "I can't find the photo nowhere.jpg" in done.stderr and "Traceback" not in done.stderr
