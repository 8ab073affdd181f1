"""Planning turns what a person asked for into the generations to run."""

from __future__ import annotations

from core.plan import DEFAULT_SERIES, StyleFacts, plan
from core.request import Intent, SeriesItem
from core.styles import Catalogue

CATALOGUE = Catalogue.presets()
FAL = frozenset({"fal"})


def facts(key: str) -> StyleFacts | None:
    style = CATALOGUE.get(key)
    if style is None:
        return None
    return StyleFacts(style.aspect_ratio, style.needs_photo, style.seed, style.background, style.model)


def test_four_dating_photos_at_a_cafe_are_one_request_for_four_images_on_nanopro() -> None:
    result = plan(Intent("generate", style="dating_cafe", count=4), style_facts=facts,
                  available_providers=FAL, has_reference=True)
    (request,) = result.requests
    assert (request.style, request.count, request.model) == ("dating_cafe", 4, "nanopro")
    assert result.needs_photo


def test_best_quality_routes_to_gpt_and_a_vertical_request_gets_9_16() -> None:
    result = plan(Intent("generate", style="anime", model="gpt", aspect_ratio="9:16"),
                  style_facts=facts, available_providers=FAL, has_reference=True)
    assert result.model.key == "gpt" and result.requests[0].aspect_ratio == "9:16"


def test_with_no_provider_key_everything_runs_on_the_offline_engine_without_a_note() -> None:
    result = plan(Intent("generate", style="anime"), style_facts=facts,
                  available_providers=frozenset(), has_reference=True)
    assert result.model.key == "offline" and result.note is None


def test_asking_for_a_model_that_is_not_configured_says_so_and_uses_one_that_is() -> None:
    result = plan(Intent("generate", style="anime", model="seedream"), style_facts=facts,
                  available_providers=FAL, has_reference=True)
    assert result.model.key == "nanopro" and result.note == "model.unavailable"


def test_a_series_with_no_styles_named_makes_the_default_set_one_image_each() -> None:
    result = plan(Intent("series"), style_facts=facts, available_providers=FAL, has_reference=True)
    assert [r.style for r in result.requests] == list(DEFAULT_SERIES)
    assert all(r.count == 1 for r in result.requests)


def test_a_series_keeps_each_items_scene_and_custom_prompt_in_order() -> None:
    items = (SeriesItem(style="professional"), SeriesItem(style="casual", scene="at a rooftop bar"),
             SeriesItem(prompt="portrait as a superhero"))
    result = plan(Intent("series", series=items), style_facts=facts, available_providers=FAL,
                  has_reference=True)
    assert [(r.style, r.scene, r.prompt) for r in result.requests] == [
        ("professional", None, None), ("casual", "at a rooftop bar", None),
        ("professional", None, "portrait as a superhero"),
    ]


def test_a_passport_photo_in_blue_keeps_the_spec_and_background() -> None:
    result = plan(Intent("generate", style="id_photo_blue", id_spec="cn_1inch", background="blue"),
                  style_facts=facts, available_providers=FAL, has_reference=True)
    request = result.requests[0]
    assert (request.id_spec, request.background) == ("cn_1inch", "blue")


def test_a_smile_edit_goes_to_live_portrait_on_fal_and_offline_without_it() -> None:
    smile = Intent("edit_expression", expression={"smile": 1.0})
    assert plan(smile, style_facts=facts, available_providers=FAL, has_reference=True).model.key == "live_portrait"
    assert plan(smile, style_facts=facts, available_providers=frozenset({"seedream"}),
                has_reference=True).model.key == "offline"


def test_random_faces_need_no_photo_and_make_one_request_per_face() -> None:
    prompts = lambda n: [(f"face {i}", 100 + i) for i in range(n)]  # noqa: E731
    result = plan(Intent("random_face", count=3), style_facts=facts, available_providers=FAL,
                  has_reference=False, random_prompts=prompts)
    assert not result.needs_photo
    assert [r.seed for r in result.requests] == [100, 101, 102]
    assert result.model.generate_endpoint is not None


def test_a_count_beyond_eight_is_capped() -> None:
    result = plan(Intent("generate", style="anime", count=50), style_facts=facts,
                  available_providers=FAL, has_reference=True)
    assert result.requests[0].count == 8
