"""The style catalogue: seed 000 §5's 39 presets as data, operator templates (seed 001) from a
TOML file checked with clear errors, and `portraitbot styles`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import locales
from core.errors import ConfigError, UserInputError
from core.models import SEED_ASPECT_RATIOS
from core.settings import Settings
from core.styles import Catalogue, parse_operator_styles
from engine.styles_file import load_catalogue

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "styles.toml"

SEED_000_KEYS = [
    "professional", "artistic", "anime", "cyberpunk", "oil_painting", "watercolor", "vintage",
    "casual", "dating_cafe", "dating_beach", "dating_city", "dating_restaurant", "travel_europe",
    "travel_japan", "travel_tropical", "sports_gym", "sports_running", "social_media", "linkedin",
    "personal_brand", "christmas", "halloween", "graduation", "wedding", "business_speech",
    "musician", "chef", "outdoor_adventure", "pet_together", "reading", "night_city", "hanfu",
    "avatar_3d", "avatar_gaming", "avatar_vtuber", "child_portrait", "family_photo",
    "id_photo_white", "id_photo_blue",
]
CJK = re.compile(r"[\u4e00-\u9fff]")
PRESETS = Catalogue.presets()


def test_catalogue_holds_exactly_the_39_presets_of_seed_000_in_its_order() -> None:
    assert PRESETS.keys() == SEED_000_KEYS


@pytest.mark.parametrize("key", SEED_000_KEYS)
def test_every_preset_has_english_and_chinese_names_and_a_best_for_line(key: str) -> None:
    style = PRESETS[key]
    assert style.name("en") and not CJK.search(style.name("en"))
    assert CJK.search(style.name("zh")), f"{key} has no Chinese name"
    assert style.best_for("en") and CJK.search(style.best_for("zh"))
    assert style.emoji


@pytest.mark.parametrize("key", SEED_000_KEYS)
def test_every_prompt_names_its_lighting_and_its_background(key: str) -> None:
    prompt = PRESETS[key].prompt
    assert re.search(r"\blight(ing)?\b|\blights\b|light\b", prompt), f"{key}: no lighting"
    assert "background" in prompt, f"{key}: no background"
    # Seven elements, comma-separated: a preset shorter than that skipped some.
    assert prompt.count(",") >= 6, f"{key}: fewer than seven elements"


@pytest.mark.parametrize(
    ("key", "anchors"),
    [
        ("anime", ["Studio Ghibli", "cel-shaded"]),
        ("oil_painting", ["impasto", "canvas texture"]),
        ("watercolor", ["color bleeds", "fine art watercolor"]),
        ("vintage", ["Kodak Portra", "film grain"]),
        ("avatar_3d", ["Pixar"]),
        ("avatar_gaming", ["League of Legends splash art"]),
        ("outdoor_adventure", ["National Geographic"]),
        ("musician", ["passionate expression"]),
        ("professional", ["soft diffused studio lighting", "head and shoulders", "85mm"]),
        ("id_photo_white", ["flat lighting", "neutral calm expression with mouth closed"]),
        ("id_photo_blue", ["flat lighting", "neutral calm expression with mouth closed"]),
    ],
)
def test_prompts_carry_the_quality_anchors_of_seed_000_section_8(key: str, anchors: list[str]) -> None:
    for anchor in anchors:
        assert anchor in PRESETS[key].prompt


def test_only_the_three_avatars_skip_the_likeness_prefix() -> None:
    skipping = {s.key for s in PRESETS if not s.likeness}
    assert skipping == {"avatar_3d", "avatar_gaming", "avatar_vtuber"}


def test_every_preset_needs_a_photo_and_pins_no_seed() -> None:
    assert all(s.needs_photo and s.seed is None and s.source == "preset" for s in PRESETS)


def test_default_aspect_ratios_fit_the_use() -> None:
    assert all(s.aspect_ratio in SEED_ASPECT_RATIOS for s in PRESETS)
    assert {PRESETS[k].aspect_ratio for k in ("avatar_3d", "avatar_gaming", "avatar_vtuber")} == {"1:1"}
    assert PRESETS["professional"].aspect_ratio == "3:4"
    assert PRESETS["social_media"].aspect_ratio == "9:16"
    assert PRESETS["id_photo_white"].aspect_ratio == "3:4"


def test_id_photo_styles_carry_their_backdrop_colour() -> None:
    assert PRESETS["id_photo_white"].background == "white"
    assert PRESETS["id_photo_blue"].background == "blue"
    assert [s.key for s in PRESETS if s.is_id_photo] == ["id_photo_white", "id_photo_blue"]


def test_styles_group_under_seed_000_categories_with_english_and_chinese_headings() -> None:
    groups = PRESETS.by_category()
    assert [(c.code, len(styles)) for c, styles in groups] == [
        ("A", 8), ("B", 12), ("D", 12), ("O", 3), ("T", 2), ("U", 2)
    ]
    assert groups[5][0].name("en") == "ID & passport photos"
    assert groups[5][0].name("zh") == "证件照"
    assert [c.code for c in PRESETS.categories()] == ["A", "B", "D", "O", "T", "U"]


def test_an_unknown_style_is_told_to_the_person_in_their_language() -> None:
    assert PRESETS.get("steampunk") is None
    with pytest.raises(UserInputError) as caught:
        PRESETS.require("steampunk")
    messages = locales.load()
    assert "steampunk" in messages.error_text("en", caught.value)
    assert "风格" in messages.error_text("zh", caught.value)


# ── operator templates ──────────────────────────────────────────────────────────────────

def test_the_example_file_adds_two_styles_and_overrides_one_field_of_linkedin() -> None:
    styles = {s.key: s for s in parse_operator_styles(EXAMPLE.read_text(encoding="utf-8"))}
    assert set(styles) == {"corp_blue", "linkedin", "dream_poster"}
    corp = styles["corp_blue"]
    assert corp.seed == 424242 and corp.category == "A" and corp.name_zh == "商务蓝调"
    assert "\n" not in corp.prompt and corp.prompt.startswith("corporate team headshot")
    assert corp.source == "operator" and corp.likeness and corp.needs_photo
    linkedin = styles["linkedin"]
    assert linkedin.aspect_ratio == "3:4"
    assert linkedin.prompt == PRESETS["linkedin"].prompt
    assert linkedin.name_zh == PRESETS["linkedin"].name_zh
    assert styles["dream_poster"].needs_photo is False


def test_operator_styles_merge_over_presets_keeping_the_preset_order() -> None:
    merged = PRESETS.merged(parse_operator_styles(EXAMPLE.read_text(encoding="utf-8")))
    assert len(merged) == 41
    assert merged.keys()[:39] == SEED_000_KEYS
    assert merged["linkedin"].aspect_ratio == "3:4"
    assert [c.code for c in merged.categories()] == ["A", "B", "D", "O", "T", "U", "C"]


def test_a_new_style_needs_only_a_key_and_a_prompt() -> None:
    (style,) = parse_operator_styles('[[style]]\nkey = "plain"\nprompt = "a portrait, soft light, grey background"\n')
    assert (style.name_en, style.name_zh, style.category, style.aspect_ratio) == ("Plain", "Plain", "C", "1:1")


def test_an_empty_styles_file_adds_nothing() -> None:
    assert parse_operator_styles("# nothing yet\n") == []


STYLE = '[[style]]\nkey = "corp_blue"\nprompt = "corporate headshot, soft light, blue background"\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[style]]\nkey = "corp_blue"\nname_en = "Corporate blue"\n',
         "styles file: style 'corp_blue' has no prompt"),
        ('[[style]]\nkey = "corp_blue"\nprompt = "   "\n',
         "styles file: style 'corp_blue' has no prompt"),
        (STYLE + 'promt = "typo"\n', "styles file: style 'corp_blue' has unknown field 'promt'"),
        (STYLE + 'aspect_ratio = "5:7"\n',
         "styles file: style 'corp_blue' has aspect_ratio '5:7'; use one of 1:1, 3:4"),
        (STYLE + "seed = -3\n",
         "styles file: style 'corp_blue' has seed -3; it must be a positive whole number"),
        (STYLE + "seed = 0\n", "style 'corp_blue' has seed 0; it must be a positive whole number"),
        (STYLE + 'seed = "42"\n', "style 'corp_blue' has seed '42'; it must be a positive whole number"),
        (STYLE + "seed = 1.5\n", "style 'corp_blue' has seed 1.5; it must be a positive whole number"),
        (STYLE + "seed = 99999999999\n", "style 'corp_blue' has seed 99999999999"),
        (STYLE + STYLE, "styles file: style 'corp_blue' is defined twice"),
        (STYLE + 'likeness = "yes"\n', "style 'corp_blue' has likeness = 'yes'; write true or false"),
        (STYLE + 'background = "green"\n', "style 'corp_blue' has background 'green'; use one of white"),
        (STYLE + 'model = "dalle"\n', "style 'corp_blue' has model 'dalle'; use one of nano2"),
        (STYLE + 'category = "Z"\n', "style 'corp_blue' has category 'Z'"),
        (STYLE + "name_en = 5\n", "style 'corp_blue' has name_en = 5; it must be text in quotes"),
        (STYLE + f'name_en = "{"x" * 41}"\n', "style 'corp_blue' has a name_en of 41 characters"),
        (STYLE + 'keywords = "blue"\n', "style 'corp_blue' has keywords that are not a list"),
        ('[[style]]\nkey = "x"\nprompt = "p"\n', "style 'x' has a bad key"),
        ('[[style]]\nkey = "Corp Blue"\nprompt = "p"\n', "style 'Corp Blue' has a bad key"),
        ('[[style]]\nprompt = "p"\n', "styles file: style number 1 has no key"),
        ('[[style]]\nkey = "id_green"\nprompt = "ID photo, {background} background, flat light"\n',
         "style 'id_green' uses {background} in its prompt but sets no background"),
        ('[style]\nkey = "corp_blue"\n', "write [[style]], not [style]"),
        ('[[styles]]\nkey = "corp_blue"\n', "styles file: unknown top-level key 'styles'"),
        ('[[style]\nkey = "corp_blue"\n', "styles file: not valid TOML"),
    ],
)
def test_a_bad_styles_file_is_refused_with_a_sentence_naming_style_and_field(
    text: str, message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_operator_styles(text)
    assert message in str(caught.value)
    assert caught.value.message_id == "error.config"


def test_load_catalogue_without_a_styles_file_gives_the_presets() -> None:
    assert load_catalogue(Settings()).keys() == SEED_000_KEYS


def test_load_catalogue_reads_the_styles_file_named_by_the_settings(tmp_path: Path) -> None:
    path = tmp_path / "styles.toml"
    path.write_text(STYLE + "seed = 7\n", encoding="utf-8")
    catalogue = load_catalogue(Settings.from_env({"STYLES_FILE": str(path)}))
    assert len(catalogue) == 40 and catalogue["corp_blue"].seed == 7


def test_load_catalogue_names_a_missing_or_broken_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_catalogue(Settings(styles_file=tmp_path / "missing.toml"))
    broken = tmp_path / "broken.toml"
    broken.write_text('[[style]]\nkey = "corp_blue"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_catalogue(Settings(styles_file=broken))
    assert "style 'corp_blue' has no prompt" in str(caught.value)
    assert str(broken) in str(caught.value)


# ── portraitbot styles ──────────────────────────────────────────────────────────────────

def run_styles(*args: str, styles_file: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "STYLES_FILE"}
    if styles_file is not None:
        env["STYLES_FILE"] = str(styles_file)
    return subprocess.run(
        [sys.executable, "-m", "portraitbot.cli", "styles", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )


def test_portraitbot_styles_json_lists_the_39_presets() -> None:
    done = run_styles("--json")
    assert done.returncode == 0, done.stderr
    listed = json.loads(done.stdout)
    assert [s["key"] for s in listed] == SEED_000_KEYS
    anime = next(s for s in listed if s["key"] == "anime")
    assert anime["name_zh"] == "动漫风" and anime["category"] == "A" and anime["likeness"] is True
    assert anime["category_name_en"] == "Identity styles"


def test_portraitbot_styles_json_adds_the_operator_styles_of_styles_file() -> None:
    done = run_styles("--json", styles_file=EXAMPLE)
    assert done.returncode == 0, done.stderr
    listed = {s["key"]: s for s in json.loads(done.stdout)}
    assert len(listed) == 41
    assert listed["corp_blue"]["seed"] == 424242 and listed["corp_blue"]["source"] == "operator"
    assert listed["dream_poster"]["needs_photo"] is False


def test_portraitbot_styles_prints_a_table_by_category_in_chinese() -> None:
    done = run_styles("--lang", "zh")
    assert done.returncode == 0, done.stderr
    assert "共 39 种风格" in done.stdout
    assert "U · 证件照" in done.stdout
    assert re.search(r"id_photo_blue\s+🛂 证件照（蓝底）\s+签证、工作证", done.stdout)


def test_portraitbot_styles_table_in_english_marks_operator_styles() -> None:
    done = run_styles(styles_file=EXAMPLE)
    assert done.returncode == 0, done.stderr
    assert "A · Identity styles" in done.stdout
    assert re.search(r"corp_blue\s+🔷 Corporate blue\s+.*\(operator\)", done.stdout)


def test_portraitbot_styles_with_a_bad_styles_file_exits_with_the_sentence(tmp_path: Path) -> None:
    bad = tmp_path / "styles.toml"
    bad.write_text(STYLE + 'aspect_ratio = "5:7"\n', encoding="utf-8")
    done = run_styles("--json", styles_file=bad)
    assert done.returncode == 2
    assert "style 'corp_blue' has aspect_ratio '5:7'" in done.stderr
    assert "Traceback" not in done.stderr
