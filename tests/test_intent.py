"""Intent recognition: the labelled corpus, the tricky behaviours, and `portraitbot intent`."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from core.intent import clean_text, recognize
from core.intent.numbers import find_count, zh_number
from core.intent.style_words import STYLE_KEYS
from core.intent.text import normalize, tokenize, typo_of
from core.request import ACTIONS, QUIET_ACTIONS, Intent

ROOT = Path(__file__).resolve().parent.parent
PORTRAITBOT = ROOT / ".venv" / "bin" / "portraitbot"

_spec = importlib.util.spec_from_file_location("intent_accuracy",
                                               ROOT / "scripts" / "intent_accuracy.py")
assert _spec and _spec.loader
accuracy = importlib.util.module_from_spec(_spec)
sys.modules["intent_accuracy"] = accuracy
_spec.loader.exec_module(accuracy)

DATING = ("dating_cafe", "dating_beach", "dating_city")


def test_every_corpus_utterance_is_understood() -> None:
    cases = accuracy.load_corpus()
    assert len(cases) >= 400
    failures = [(c.line, c.text, wrong) for c in cases if (wrong := accuracy.mismatches(c))]
    for line, text, wrong in failures:
        print(f"line {line}: {text!r}: {wrong}")
    assert failures == [], f"{len(failures)} of {len(cases)} corpus utterances misread"


def test_corpus_covers_english_and_chinese_and_every_action() -> None:
    cases = accuracy.load_corpus()
    chinese = [c for c in cases if any("\u4e00" <= ch <= "\u9fff" for ch in c.text)]
    assert len(chinese) >= 150
    assert {c.expected["action"] for c in cases} == {
        "generate", "series", "edit_expression", "random_face", "choose", "choose_id_spec",
        "help", "none"}
    # "none" there is the older label for the quiet actions (cancel, chat, unknown).
    named = {c.expected.get("style") for c in cases}
    assert set(STYLE_KEYS) <= named


# --- seed 000 §10 and the examples ---

def test_make_me_anime_is_an_anime_generation_on_the_default_model() -> None:
    intent = recognize("make me anime")
    assert (intent.action, intent.style, intent.model, intent.count) == (
        "generate", "anime", None, None)


def test_dating_photo_asks_which_vibe() -> None:
    intent = recognize("dating photo")
    assert intent.action == "choose"
    assert intent.style is None
    assert intent.choices == DATING


def test_dating_photos_at_a_cafe_need_no_question() -> None:
    intent = recognize("4 dating photos at a cafe")
    assert (intent.action, intent.style, intent.count, intent.scene) == (
        "generate", "dating_cafe", 4, None)


def test_linkedin_headshot_keeps_the_office_as_scene() -> None:
    intent = recognize("LinkedIn headshot in a modern office")
    assert intent.style == "linkedin"
    assert intent.scene == "in a modern office"


def test_a_portrait_no_preset_covers_becomes_a_custom_prompt() -> None:
    intent = recognize("me as a wizard in a magical forest")
    assert (intent.action, intent.style) == ("generate", None)
    assert intent.prompt == "a wizard in a magical forest"


def test_a_look_the_catalogue_lacks_wins_over_style_words() -> None:
    intent = recognize("Make me a retro pixel art avatar")
    assert intent.style is None
    assert intent.prompt is not None and "pixel art" in intent.prompt


def test_quality_words_pick_gpt_and_speed_words_pick_nano2() -> None:
    assert recognize("best quality anime").model == "gpt"
    assert recognize("最高画质的油画").model == "gpt"
    assert recognize("quick anime draft").model == "nano2"
    assert recognize("快速生成动漫头像").model == "nano2"


def test_an_explicit_model_beats_quality_words() -> None:
    assert recognize("use seedream, highest quality anime").model == "seedream"
    assert recognize("--model nbp headshot").model == "nanopro"
    assert recognize("anime with flux").model == "flux"


def test_ordinary_words_that_are_model_aliases_do_not_pick_a_model() -> None:
    assert recognize("a pro headshot with a free spirit vibe").model is None


# --- numbers ---

@pytest.mark.parametrize(("text", "count"), [
    ("four anime portraits", 4), ("4 anime portraits", 4), ("四张动漫头像", 4),
    ("两张职业照", 2), ("十张圣诞照片", 8), ("twelve headshots", 8), ("a couple of headshots", 2),
])
def test_counts_in_words_and_digits_in_both_languages_are_capped_at_eight(
    text: str, count: int
) -> None:
    assert recognize(text).count == count


@pytest.mark.parametrize("text", [
    "anime 3:4", "3d avatar", "nano banana 2 anime", "2 inch photo", "一寸照", "80s retro",
    "me and my two dogs", "do a watercolor one",
])
def test_numbers_that_are_sizes_ratios_or_names_are_not_counts(text: str) -> None:
    assert recognize(text).count is None


def test_chinese_numerals_read_as_numbers() -> None:
    assert [zh_number(n) for n in ("四", "两", "十", "十二", "二十", "12")] == [4, 2, 10, 12, 20, 12]
    text = normalize("生成十二张")
    assert find_count(text, tokenize(text), []) == 8


# --- orientation ---

@pytest.mark.parametrize(("text", "ratio"), [
    ("vertical anime", "9:16"), ("竖版动漫", "9:16"), ("for my instagram story", "9:16"),
    ("landscape oil painting", "16:9"), ("横版油画", "16:9"), ("a banner headshot", "16:9"),
    ("square headshot", "1:1"), ("方形头像", "1:1"), ("anime 4:5", "4:5"),
])
def test_orientation_words_choose_the_aspect_ratio(text: str, ratio: str) -> None:
    assert recognize(text).aspect_ratio == ratio


def test_portrait_alone_is_a_picture_not_an_orientation() -> None:
    assert recognize("oil painting portrait").aspect_ratio is None


# --- ID photos ---

def test_a_passport_photo_with_no_country_asks_which_country() -> None:
    intent = recognize("passport photo")
    assert intent.action == "choose_id_spec"
    assert (intent.style, intent.id_spec, intent.background) == ("id_photo_white", None, None)
    assert intent.choices is not None and {"us", "uk", "cn_passport", "icao"} <= set(intent.choices)


def test_passport_photo_in_chinese_picks_white_background() -> None:
    assert recognize("给我做一张证件照").style == "id_photo_white"
    assert recognize("给我做一张证件照").action == "generate"  # a plain ID photo: no question
    assert recognize("护照照片").style == "id_photo_white"
    assert recognize("护照照片").action == "choose_id_spec"


@pytest.mark.parametrize("text", ["签证照", "visa photo", "帮我做个签证照片"])
def test_a_visa_photo_with_no_country_asks_which_country(text: str) -> None:
    intent = recognize(text)
    assert intent.action == "choose_id_spec" and intent.id_spec is None
    assert intent.choices is not None and {"us", "schengen", "cn_visa", "jp_visa"} <= set(intent.choices)


@pytest.mark.parametrize("text", ["US visa photo", "中国护照", "申根签证", "日本签证照", "蓝底签证照",
                                  "passport photo for Canada"])
def test_a_country_or_a_backdrop_named_needs_no_question(text: str) -> None:
    assert recognize(text).action == "generate"


def test_visa_photo_is_blue_unless_the_country_rules_otherwise() -> None:
    assert recognize("visa photo").style == "id_photo_blue"
    assert recognize("签证照").style == "id_photo_blue"
    us = recognize("US visa photo")
    assert (us.style, us.id_spec) == ("id_photo_white", "us")


def test_a_colour_the_country_refuses_makes_its_colour_and_keeps_what_was_asked() -> None:
    for text in ("canadian passport photo with blue background", "加拿大护照照片蓝底"):
        intent = recognize(text)
        assert (intent.style, intent.id_spec, intent.background) == ("id_photo_white", "ca", "blue")


def test_named_countries_and_sizes_pick_the_specification() -> None:
    assert recognize("passport photo for Canada").id_spec == "ca"
    assert recognize("Schengen visa photo").id_spec == "schengen"
    assert recognize("中国护照照片").id_spec == "cn_passport"
    assert recognize("日本签证照").id_spec == "jp_visa"
    assert recognize("2x2 passport photo").id_spec == "us"


def test_chinese_inch_sizes_carry_the_named_backdrop() -> None:
    blue = recognize("一寸蓝底")
    assert (blue.style, blue.id_spec, blue.background) == ("id_photo_blue", "cn_1inch", "blue")
    red = recognize("二寸红底")
    assert (red.id_spec, red.background) == ("cn_2inch", "red")


def test_id_photos_keep_their_own_aspect_ratio() -> None:
    assert recognize("passport photo vertical").aspect_ratio is None


def test_a_japan_visa_photo_is_not_a_travel_photo() -> None:
    assert recognize("Japan visa photo").style == "id_photo_white"


# --- series and choices ---

def test_series_lists_the_styles_named_in_order() -> None:
    intent = recognize("photo series professional, anime and cyberpunk")
    assert intent.action == "series"
    assert [item.style for item in intent.series or ()] == ["professional", "anime", "cyberpunk"]
    zh = recognize("做一组写真：职业照、动漫、赛博朋克")
    assert [item.style for item in zh.series or ()] == ["professional", "anime", "cyberpunk"]


def test_series_without_styles_gets_the_default_set_sized_by_the_count() -> None:
    assert len(recognize("a set of photos").series or ()) == 4
    assert len(recognize("a collection of 6 portraits").series or ()) == 6


def test_this_or_that_asks_the_person_to_choose() -> None:
    intent = recognize("anime or cyberpunk?")
    assert (intent.action, intent.choices) == ("choose", ("anime", "cyberpunk"))


def test_a_style_and_who_is_in_it_is_not_a_series() -> None:
    intent = recognize("Can you make a Christmas card of me and my dog")
    assert (intent.action, intent.style) == ("generate", "christmas")


def test_a_setting_after_a_comma_is_the_scene_not_a_second_picture() -> None:
    intent = recognize("婚纱照，海边")
    assert (intent.action, intent.style, intent.scene) == ("generate", "wedding", "海边")


def test_a_look_named_as_a_style_beats_the_kind_of_photo() -> None:
    assert recognize("I want a headshot, but in anime style").style == "anime"
    assert recognize("职业照，但是要动漫风格").style == "anime"


def test_a_place_word_after_a_preposition_does_not_steal_the_style() -> None:
    intent = recognize("wedding photo on the beach")
    assert (intent.style, intent.scene) == ("wedding", "on the beach")
    assert recognize("在海边的职业照").style == "professional"


def test_a_family_word_with_a_member_picks_the_member() -> None:
    assert recognize("vacation in Japan").style == "travel_japan"
    assert recognize("travel photo").action == "choose"


def test_a_question_about_price_is_help_even_when_a_style_is_named() -> None:
    assert recognize("how much does a headshot cost").action == "help"
    assert recognize("证件照多少钱").action == "help"


def test_a_described_setting_without_a_preset_is_a_scene_for_the_default_style() -> None:
    intent = recognize("put me on the moon")
    assert (intent.action, intent.style, intent.scene) == ("generate", None, "on the moon")


# --- expressions, random faces, help, small talk ---

@pytest.mark.parametrize(("text", "param"), [
    ("make me smile", "smile"), ("wink", "wink"), ("look left", "pupil_x"),
    ("turn my head left", "rotate_yaw"), ("raise my eyebrows", "eyebrow"), ("微笑", "smile"),
    ("向左看", "pupil_x"), ("闭眼", "blink"),
])
def test_expression_edits_map_to_live_portrait_parameters(text: str, param: str) -> None:
    intent = recognize(text)
    assert intent.action == "edit_expression"
    assert intent.expression is not None and param in intent.expression


def test_make_me_smile_is_a_full_smile_and_softeners_soften_it() -> None:
    assert recognize("make me smile").expression == {"smile": 1.0}
    assert (recognize("smile a little").expression or {})["smile"] < 1.0


def test_a_smiling_headshot_is_a_generation_not_an_edit() -> None:
    assert recognize("smiling LinkedIn headshot").action == "generate"


@pytest.mark.parametrize("text", ["random face", "随机人脸", "/random", "4 random faces"])
def test_random_face_requests(text: str) -> None:
    assert recognize(text).action == "random_face"


@pytest.mark.parametrize("text", ["help", "what can you do", "/help", "/start", "帮助", "怎么用"])
def test_help_questions(text: str) -> None:
    assert recognize(text).action == "help"


@pytest.mark.parametrize("text", ["thanks", "hello", "哈哈", "谢谢"])
def test_small_talk_asks_for_nothing(text: str) -> None:
    assert recognize(text) == Intent(action="chat")


@pytest.mark.parametrize("text", ["", "   ", "\x00\x07"])
def test_nothing_at_all_is_unknown(text: str) -> None:
    assert recognize(text) == Intent(action="unknown", confidence=0.0)


# --- robustness ---

@pytest.mark.parametrize(("text", "style"), [
    ("anmie", "anime"), ("cyberpunck", "cyberpunk"), ("linkdin photo", "linkedin"),
    ("watercolour", "watercolor"), ("headhsot", "professional"),
])
def test_small_typos_are_forgiven(text: str, style: str) -> None:
    assert recognize(text).style == style


@pytest.mark.parametrize(("text", "not_style"), [
    ("me eating cake at a party", "dating_cafe"), ("me on a park bench", "travel_tropical"),
    ("two pairs of sunglasses on my head", "travel_europe"), ("square format please", "professional"),
])
def test_real_words_are_not_mistaken_for_typos(text: str, not_style: str) -> None:
    assert recognize(text).style != not_style
    assert recognize(text).action != "choose"


def test_typos_need_the_first_letter_right() -> None:
    assert typo_of("anmie", "anime") and typo_of("linkdin", "linkedin")
    assert not typo_of("eating", "dating")


@pytest.mark.parametrize("text", [
    "@PortraitBot make me anime", "/anime@PortraitBot", "/anime", "make me 动漫",
    "could you please turn me into an anime character?", "把我变成动漫风格",
])
def test_mentions_commands_and_mixed_language_reach_the_style(text: str) -> None:
    assert recognize(text, bot_username="PortraitBot").style == "anime"


def test_chinese_without_spaces() -> None:
    intent = recognize("帮我生成四张海边约会照")
    assert (intent.style, intent.count) == ("dating_beach", 4)
    assert recognize("来张赛博朋克头像").style == "cyberpunk"
    assert recognize("汉服写真").style == "hanfu"
    assert recognize("圣诞节照片").style == "christmas"


def test_operator_styles_are_recognised() -> None:
    extra = {"corporate_blue": ["corporate blue", "蓝色商务"]}
    assert recognize("a corporate blue headshot", extra_styles=extra).style == "corporate_blue"
    assert recognize("来张蓝色商务照", extra_styles=extra).style == "corporate_blue"
    assert recognize("/corporate_blue", extra_styles=extra).style == "corporate_blue"


def test_user_text_is_cleaned_and_capped() -> None:
    assert clean_text("make\x00 me\x1b anime\u200b") == "make me anime"
    assert len(clean_text("a" * 9000)) <= 4096
    intent = recognize("me as a wizard " + "with a long beard " * 100)
    assert intent.prompt is not None and len(intent.prompt) <= 300


def test_a_long_message_is_read_to_its_end() -> None:
    story = "so my cousin is getting married next spring and everyone is sending photos. " * 9
    assert len(story) > 600
    assert recognize(story + "so please make me anime").style == "anime"


def test_insisting_after_a_photo_warning_is_go_anyway() -> None:
    assert recognize("go anyway").go_anyway is True
    assert recognize("就用这张，继续生成").go_anyway is True


# --- the command line ---

KEYS = {"action", "style", "model", "count", "aspect_ratio", "scene", "prompt", "choices",
        "expression", "id_spec", "series"}


def test_cli_prints_one_json_object_for_text() -> None:
    done = subprocess.run([str(PORTRAITBOT), "intent", "make me anime"], capture_output=True,
                          text=True, timeout=60, check=True)
    data = json.loads(done.stdout)
    assert set(data) >= KEYS
    assert (data["action"], data["style"], data["model"]) == ("generate", "anime", None)


def test_cli_reads_stdin_one_json_line_per_utterance_blank_lines_included() -> None:
    lines = "passport photo for Canada\n\n帮我生成四张海边约会照\n/anime@MyBot\n动漫风格，背景是樱花树下\n"
    done = subprocess.run([str(PORTRAITBOT), "intent", "--bot-username", "MyBot"],
                          input=lines, capture_output=True, text=True, timeout=60, check=True)
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [o["action"] for o in out] == ["generate", "unknown", "generate", "generate", "generate"]
    assert out[0]["id_spec"] == "ca"
    assert (out[2]["style"], out[2]["count"]) == ("dating_beach", 4)
    assert "樱花" in out[4]["scene"] and "樱花" in done.stdout, "Chinese is printed as itself"
    assert "\\u" not in done.stdout  # ensure_ascii=False
    assert out[3]["style"] == "anime"


def test_any_text_at_all_gives_an_intent_quickly() -> None:
    import random
    import time

    rng = random.Random(7)
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789 :/@,.，。、-'!?动漫证件照一二四张竖版蓝底\u200b\x00🎄"
    started = time.perf_counter()
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80)))
        intent = recognize(text, bot_username="PortraitBot", extra_styles={"x_y": ["zz top"]})
        assert intent.action in ACTIONS
        assert intent.count is None or 1 <= intent.count <= 8
    assert time.perf_counter() - started < 10


# --- Traditional Chinese and the person's own words ---

def test_traditional_chinese_reads_like_simplified() -> None:
    assert recognize("動漫頭像").style == "anime"
    assert recognize("婚紗照").style == "wedding"
    intent = recognize("一寸藍底證件照")
    assert (intent.style, intent.id_spec, intent.background) == (
        "id_photo_blue", "cn_1inch", "blue")


def test_scene_and_prompt_keep_the_persons_capitals_and_accents() -> None:
    assert recognize("LinkedIn headshot in a modern Office").scene == "in a modern Office"
    prompt = recognize("me as a Wizard in the Forest of Brocéliande").prompt
    assert prompt == "a Wizard in the Forest of Brocéliande"


def test_a_traditional_chinese_scene_stays_in_traditional_characters() -> None:
    intent = recognize("在東京街頭的職業照")
    assert intent.style == "professional"
    assert intent.scene == "在東京街頭"


# --- negation ---

@pytest.mark.parametrize("text", ["not anime, cyberpunk please", "不要动漫，要赛博朋克",
                                  "cyberpunk instead of anime", "要赛博朋克而不是动漫",
                                  "I don't want anime, give me cyberpunk"])
def test_a_style_ruled_out_is_not_offered(text: str) -> None:
    intent = recognize(text)
    assert (intent.action, intent.style, intent.series) == ("generate", "cyberpunk", None)


def test_no_watermark_does_not_change_the_request() -> None:
    assert recognize("anime portrait, no watermark").style == "anime"


def test_not_sure_rules_nothing_out() -> None:
    assert recognize("not sure, maybe anime?").style == "anime"


# --- background edits ---

def test_changing_the_background_keeps_the_default_style_and_names_the_backdrop() -> None:
    intent = recognize("change the background to White")
    assert (intent.action, intent.style, intent.scene, intent.background) == (
        "generate", None, "White background", "white")


def test_chinese_backdrop_jargon_is_an_id_photo_in_the_new_colour() -> None:
    intent = recognize("白底换成蓝底")
    assert (intent.style, intent.background) == ("id_photo_blue", "blue")


def test_a_new_background_in_chinese_is_the_scene() -> None:
    intent = recognize("把背景换成海边")
    assert (intent.action, intent.style, intent.scene) == ("generate", None, "海边背景")


def test_a_how_to_question_is_help_even_when_it_names_a_style() -> None:
    assert recognize("how do I get a passport photo?").action == "help"
    assert recognize("怎么做证件照").action == "help"
    assert recognize("how would I look as a viking?").prompt == "a viking"


def test_wechat_emoticons_are_not_expression_edits() -> None:
    assert recognize("谢谢[微笑]").action == "chat"


def test_a_place_before_de_is_the_setting_of_the_picture() -> None:
    intent = recognize("海边的婚纱照")
    assert (intent.style, intent.scene) == ("wedding", "海边")


def test_a_size_with_its_unit_is_an_id_photo_of_that_specification() -> None:
    intent = recognize("passport photo 35x45mm")
    assert (intent.style, intent.id_spec) == ("id_photo_white", "icao")
    assert recognize("2x2 inch photo").id_spec == "us"


def test_becoming_an_animal_is_a_custom_picture_not_a_photo_with_a_pet() -> None:
    assert recognize("turn me into a cat").prompt == "a cat"
    assert recognize("Photo of me and my dog on the beach").style == "pet_together"


def test_nano_pro_with_a_space_is_nanopro_and_any_model_is_no_question() -> None:
    assert recognize("用 nano pro 做职业照").model == "nanopro"
    intent = recognize("随便哪个模型都行，动漫")
    assert (intent.action, intent.style, intent.model) == ("generate", "anime", None)


@pytest.mark.parametrize("text", ["delete my photos", "帮我取消", "never mind, thanks", "算了"])
def test_calling_a_request_off_asks_for_nothing(text: str) -> None:
    assert recognize(text).action in QUIET_ACTIONS


@pytest.mark.parametrize("text", ["which style is best for LinkedIn?", "can I upload two photos?",
                                  "is my photo safe?", "I don't know what I want"])
def test_questions_about_the_service_are_help(text: str) -> None:
    assert recognize(text).action == "help"


def test_a_couple_photo_is_not_two_photos() -> None:
    intent = recognize("a couple photo, wedding style")
    assert (intent.style, intent.count) == ("wedding", None)
    assert recognize("a couple of anime pics").count == 2


@pytest.mark.parametrize("text", ["笑死我了", "好开心", "lol I can't stop laughing",
                                  "you made me smile, thanks", "it looks so real"])
def test_feelings_and_feedback_are_chat_not_edits(text: str) -> None:
    assert recognize(text).action in QUIET_ACTIONS


def test_a_photo_count_before_da_is_not_an_open_mouth() -> None:
    intent = recognize("一张大头照")
    assert (intent.action, intent.style, intent.count) == ("generate", "professional", 1)


def test_a_named_place_beats_a_generic_one() -> None:
    assert recognize("Can you put me on a beach in Santorini at sunset?").style == "travel_europe"
    assert recognize("a beach photo in Bali").style == "travel_tropical"


def test_different_styles_with_one_purpose_named_is_still_a_series() -> None:
    intent = recognize("I want to make my instagram look more interesting, "
                       "give me a few different styles")
    assert intent.action == "series"
    assert intent.series is not None and len(intent.series) == 3


def test_describing_clauses_after_a_comma_stay_in_the_scene() -> None:
    intent = recognize("standing on a beach at sunset, golden hour lighting")
    assert intent.scene == "standing on a beach at sunset, golden hour lighting"
    assert recognize("me as a wizard in a forest, 4 pics please").prompt == "a wizard in a forest"
    assert recognize("把我變成一個騎士，穿著盔甲").prompt == "騎士，穿著盔甲"


def test_a_link_is_the_photo_not_words_of_the_request() -> None:
    intent = recognize("https://example.com/anime.jpg make it cyberpunk")
    assert (intent.action, intent.style, intent.prompt) == ("generate", "cyberpunk", None)
    assert recognize("https://example.com/photo.jpg").prompt is None


def test_softening_words_inside_an_expression_phrase_are_read_past() -> None:
    assert recognize("turn my face slightly to the left").expression == {"rotate_yaw": -7.5}
    assert recognize("look at the camera").action == "edit_expression"


@pytest.mark.parametrize("text", ["Where do I send my photo?", "What sizes can you make?",
                                  "Can you do videos?", "What's nanopro?"])
def test_questions_about_what_the_bot_offers_are_help(text: str) -> None:
    assert recognize(text).action == "help"


def test_removing_the_background_leaves_a_plain_white_one() -> None:
    intent = recognize("remove the background")
    assert (intent.action, intent.scene, intent.background) == (
        "generate", "plain white background", "white")
    assert recognize("背景虚化").scene == "虚化背景"


def test_a_negated_smile_is_the_serious_face() -> None:
    assert recognize("don't smile").expression == {"smile": -0.3}


def test_a_written_out_prompt_naming_a_style_in_passing_stays_custom() -> None:
    knight = ("portrait of a person as a medieval knight, full plate armor, castle background, "
              "dramatic lighting, oil painting style")
    intent = recognize(knight)
    assert (intent.action, intent.style, intent.prompt) == ("generate", None, knight)
    assert recognize("一个中世纪骑士，全身板甲，城堡背景，戏剧性光线，油画风格").style is None


def test_a_bare_scene_with_lighting_keeps_the_default_style() -> None:
    intent = recognize("standing on a beach at sunset, golden hour lighting")
    assert (intent.style, intent.prompt) == (None, None)
    assert recognize("站在海边，夕阳，金色光线").scene == "站在海边，夕阳，金色光线"
    assert recognize("anime portrait, soft lighting").style == "anime"


def test_who_a_person_becomes_in_chinese_is_a_prompt_even_with_a_place_inside() -> None:
    intent = recognize("把我变成一个在魔法森林里的巫师")
    assert (intent.scene, intent.prompt) == (None, "在魔法森林里的巫师")


def test_an_instagram_story_is_upright_social_media_unless_another_style_is_named() -> None:
    assert (recognize("an Instagram story photo").style,
            recognize("an Instagram story photo").aspect_ratio) == ("social_media", "9:16")
    assert recognize("Instagram story photo, anime").style == "anime"


@pytest.mark.parametrize("text", ["I can't decide between watercolor and oil painting",
                                  "纠结动漫和油画"])
def test_undecided_between_two_styles_is_a_choice(text: str) -> None:
    assert recognize(text).action == "choose"


@pytest.mark.parametrize("text", ["can I choose the aspect ratio?", "可以选比例吗"])
def test_asking_whether_a_setting_can_be_chosen_is_help(text: str) -> None:
    assert recognize(text).action == "help"


@pytest.mark.parametrize("text", ["动漫和赛博朋克选哪个", "anime and cyberpunk, which one?"])
def test_two_styles_and_which_one_is_a_choice(text: str) -> None:
    assert recognize(text).action == "choose"


def test_where_i_stand_in_chinese_is_a_scene() -> None:
    assert recognize("我站在长城上的照片").scene == "我站在长城上"


def test_the_seed_pixel_art_prompt_is_kept_whole_minus_the_format() -> None:
    intent = recognize("retro 16-bit pixel art portrait, visible pixels, warm sunset cityscape "
                       "background, head and shoulders, square format")
    assert (intent.style, intent.aspect_ratio) == (None, "1:1")
    assert intent.prompt == ("retro 16-bit pixel art portrait, visible pixels, warm sunset "
                             "cityscape background, head and shoulders")


@pytest.mark.parametrize(("text", "prompt"), [("我想当一回海盗船长", "海盗船长"),
                                              ("我穿盔甲当骑士的样子", "骑士")])
def test_who_i_want_to_be_in_chinese_is_a_prompt(text: str, prompt: str) -> None:
    assert recognize(text).prompt == prompt


def test_a_chinese_place_before_the_kind_of_picture_is_its_scene() -> None:
    intent = recognize("雨夜街头的赛博朋克照")
    assert (intent.style, intent.scene) == ("cyberpunk", "雨夜街头")
    assert recognize("把我放在埃及金字塔前面").scene == "在埃及金字塔前面"


def test_a_hint_of_one_member_picks_it_from_a_named_family() -> None:
    assert recognize("我是做主播的，要一个虚拟形象").style == "avatar_vtuber"


@pytest.mark.parametrize("text", ["this photo is ugly", "这张照片好丑"])
def test_a_complaint_alone_is_chat(text: str) -> None:
    assert recognize(text).action in QUIET_ACTIONS


def test_dating_vibes_at_two_places_are_a_series() -> None:
    intent = recognize("Give me 2 options for my dating profile: one at a cafe and one at the beach")
    assert [item.style for item in intent.series or ()] == ["dating_cafe", "dating_beach"]


def test_a_holiday_after_at_is_the_occasion_not_a_setting() -> None:
    assert recognize("a photo of me and my kids at Christmas").style == "christmas"


@pytest.mark.parametrize(("text", "ratio"), [("a wide cyberpunk shot", "16:9"),
                                             ("tall anime portrait for my phone", "9:16"),
                                             ("横着的油画", "16:9"), ("make my smile wide", None)])
def test_everyday_orientation_words(text: str, ratio: str | None) -> None:
    assert recognize(text).aspect_ratio == ratio


def test_lia_counts_two_pictures_but_not_two_people() -> None:
    assert recognize("来俩动漫头像").count == 2
    assert recognize("我们俩的合照").count is None


def test_a_named_look_after_a_place_and_lighting_is_style_and_scene() -> None:
    intent = recognize("me in a modern office, soft lighting, professional look")
    assert (intent.style, intent.scene) == ("professional", "in a modern office, soft lighting")
    assert recognize("photo of me, cinematic lighting, cyberpunk style").style == "cyberpunk"


def test_describing_clauses_after_a_style_are_its_scene() -> None:
    intent = recognize("cyberpunk portrait, neon-lit alley, rain reflections")
    assert (intent.style, intent.scene) == ("cyberpunk", "neon-lit alley, rain reflections")
    assert recognize("职业照，灰色背景，柔和的影棚光").scene


def test_a_written_prompt_making_the_person_a_character_stays_whole() -> None:
    text = ("portrait of a person as a 1920s jazz singer, art deco club, warm spotlight, "
            "vintage film grain")
    assert (recognize(text).style, recognize(text).prompt) == (None, text)


def test_a_listed_series_keeps_each_pictures_scene_and_custom_prompt() -> None:
    intent = recognize("photo series: professional, casual at a rooftop bar at sunset, anime, "
                       "and me as a superhero with a cape")
    assert [(i.style, i.scene, i.prompt) for i in intent.series or ()] == [
        ("professional", None, None), ("casual", "at a rooftop bar at sunset", None),
        ("anime", None, None), (None, None, "a superhero with a cape")]
    chinese = recognize("一组照片：动漫、油画、把我变成宇航员")
    assert [i.prompt for i in chinese.series or ()] == [None, None, "宇航员"]


@pytest.mark.parametrize("text", ["thanksss", "thx a lottt", "cooool, thank youuu", "hiii"])
def test_letters_typed_many_times_read_as_the_word(text: str) -> None:
    assert recognize(text).action == "chat"


def test_a_stretched_style_word_is_still_the_style() -> None:
    assert recognize("animeee pleaseee").style == "anime"


@pytest.mark.parametrize("text", ["hahahaha", "lmaoooo", "wkwkwkwk", "ㅋㅋㅋㅋㅋ", "哈哈哈哈哈", "ｗｗｗｗ"])
def test_laughter_however_long_is_chat(text: str) -> None:
    assert recognize(text).action == "chat"


@pytest.mark.parametrize("text", ["졸업사진 세장", "졸업 사진 세 장"])
def test_korean_words_are_read_however_they_are_spaced(text: str) -> None:
    intent = recognize(text)
    assert (intent.style, intent.count) == ("graduation", 3)


def test_a_korean_phrase_written_with_a_space_also_reads_without_it() -> None:
    assert recognize("책읽는 사진").style == "reading"


@pytest.mark.parametrize("text, kept", [
    ("メガネをかけてグレーのジャケットでビジネス写真", ("メガネ", "グレー")),
    ("안경 쓰고 회색 재킷 입은 비즈니스 프로필", ("안경", "회색")),
])
def test_wishes_written_one_after_another_before_the_picture_all_reach_the_scene(
        text: str, kept: tuple[str, ...]) -> None:
    scene = recognize(text).scene or ""
    assert all(word in scene for word in kept), scene


@pytest.mark.parametrize("text", ["one anime one cyberpunk", "satu anime satu cyberpunk",
                                  "애니 하나 사이버펑크 하나"])
def test_one_of_each_style_counted_out_is_a_series(text: str) -> None:
    intent = recognize(text)
    assert intent.action == "series"
    assert [item.style for item in intent.series or ()] == ["anime", "cyberpunk"]


@pytest.mark.parametrize("text, style", [("ハローウィンの写真", "halloween"),
                                         ("ウエディングフォト", "wedding"),
                                         ("ヴィンテージ風", "vintage")])
def test_katakana_is_read_however_its_long_and_small_letters_are_typed(
        text: str, style: str) -> None:
    assert recognize(text).style == style


def test_a_katakana_wish_keeps_its_long_marks_in_the_scene() -> None:
    assert recognize("紺のスーツでビジネス写真").scene == "紺のスーツで"


@pytest.mark.parametrize("text", ["jajajajaja", "kkkkkkk", "rsrsrs", "mdrrr", "ахахахах"])
def test_laughter_of_every_language_is_chat(text: str) -> None:
    assert recognize(text).action == "chat"


@pytest.mark.parametrize(("text", "style", "count"), [
    ("несколько свадебных фото", "wedding", 3),  # "сколько" (how much) is no question here
    ("рождественское фото", "christmas", None),  # no Vienna ("вен") inside the word
    ("un par de fotos de anime", "anime", 2),
    ("qualche foto di matrimonio", "wedding", 3),
    ("ein paar Hochzeitsfotos", "wedding", 3),
])
def test_russian_stems_start_words_and_a_few_counts_three(text: str, style: str,
                                                          count: int | None) -> None:
    intent = recognize(text)
    assert (intent.action, intent.style, intent.count) == ("generate", style, count)


def test_a_ligature_folds_like_an_accent() -> None:
    assert recognize("fais-moi un clin d'œil").action == "edit_expression"


def test_a_weak_lexicon_phrase_leaves_the_character_to_the_scene() -> None:
    intent = recognize("yo como reina elfa en un bosque brillante")
    assert intent.style is None
    assert "elfa" in f"{intent.scene} {intent.prompt}".lower()


@pytest.mark.parametrize(("text", "kept"), [
    ("foto de casamento na praia ao pôr do sol", "na praia"),
    ("photo de mariage sur la plage au coucher du soleil", "sur la plage"),
    ("Hochzeitsfoto am Strand bei Sonnenuntergang", "am Strand"),
    ("свадебное фото на пляже на закате", "на пляже"),
    ("foto di matrimonio sulla spiaggia al tramonto", "sulla spiaggia"),
])
def test_a_place_after_a_style_reaches_the_scene_in_every_language(text: str, kept: str) -> None:
    intent = recognize(text)
    assert intent.style == "wedding"
    assert kept in (intent.scene or "")


@pytest.mark.parametrize("text", ["avec le modèle gpt, un portrait de mariage",
                                  "mit dem GPT-Modell ein Hochzeitsfoto"])
def test_naming_the_model_never_reaches_the_scene(text: str) -> None:
    intent = recognize(text)
    assert (intent.model, intent.scene) == ("gpt", None)


@pytest.mark.parametrize("text", ["beach wedding photo", "ビーチでウェディングフォト", "해변 웨딩 사진"])
def test_a_place_right_before_the_kind_of_picture_is_its_setting(text: str) -> None:
    intent = recognize(text)
    assert intent.style == "wedding" and intent.scene


def test_a_forest_beside_who_i_become_is_only_where() -> None:
    assert recognize("aku jadi ratu elf di hutan bercahaya").style is None


def test_a_korean_phrase_written_with_a_space_is_found_in_a_message_without_any() -> None:
    assert recognize("좋은아침~").action == "chat"


@pytest.mark.parametrize("text", ["Portrait de ma fille de 5 ans", "портрет сына 5 лет",
                                  "ritratto di mio figlio di 3 anni"])
def test_an_age_is_no_count_of_pictures(text: str) -> None:
    intent = recognize(text)
    assert (intent.style, intent.count) == ("child_portrait", None)


def test_a_price_in_a_question_is_no_count() -> None:
    intent = recognize("¿Cuántas fotos me salen por 5 dólares?")
    assert (intent.action, intent.count) == ("help", None)


def test_could_you_in_russian_rules_nothing_out() -> None:
    intent = recognize("Добрый день, не могли бы вы сделать фото с выпускного, заранее спасибо")
    assert (intent.action, intent.style) == ("generate", "graduation")
