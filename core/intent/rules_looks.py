"""Rules for a look chosen from the catalogue, an expression, a style family, and what is
left when nothing else applies: a question, small talk, a picture of the person's own words
or nothing recognised. Ordered in ``core.intent.rules``."""

from __future__ import annotations

import re
from dataclasses import replace

from core.intent import style_words
from core.intent.crafted import detail_clauses
from core.intent.describe import (
    content_left,
    fallback_prompt,
    filler_spans,
    hits_spans,
    place_before,
)
from core.intent.evidence import Evidence
from core.intent.own_scene import (
    clause_of_other_style,
    local_spans,
    scene_or_prompt,
    setting_of,
)
from core.intent.parameters import expression
from core.intent.primary import place_of, primary
from core.intent.rule import GUESSED, adjustment, rule
from core.intent.style_choice import chosen_style
from core.request import Intent

_COMMAND_EXPRESSIONS: dict[str, dict[str, float]] = {
    "edit_expression": {"smile": 1.0}, "smile": {"smile": 1.0}, "wink": {"wink": 20.0},
}
"""What /smile, /wink and /expression do when no expression words follow."""
_ASKED = re.compile(r"[?？]\s*$")
"""A message ending in a question mark, in any language."""
_QUESTION = re.compile(r"^(?!(?:how|what) about\b)(?:(?:what|who|where|why|when|how|is|are|do|does|"
                       r"did|which)\b|(?:\S+\s+){3,}\S*\?\s*$)")
"""A question: a style word inside it is no request unless something asks for a picture."""


@rule("make me anime", "/anime")
def named_style(ev: Evidence) -> Intent | None:
    """A style named (or commanded): that style, with the setting and wishes beside it as
    the scene."""
    if not (ev.strong or ev.commanded):
        return None
    found, styles, strong, custom, noise = ev.found, ev.styles, ev.strong, ev.custom, ev.noise
    key = chosen_style(styles, ev.forced, ev.extra, found)
    scene = setting_of(found, key, styles, noise)
    if custom and scene is None and content_left(
            found.text[custom[1]:custom[2]],
            local_spans(noise + filler_spans(found) + hits_spans(styles), custom[1])):
        scene = custom[0]  # "me as a 1920s gangster": vintage, and the gangster
    details = detail_clauses(found, key)
    if scene and details and scene in details:
        scene = details  # "navy blazer, light grey background": every wish, not the last
    return replace(ev.base, action="generate", style=key,
                   scene=scene or clause_of_other_style(found, key, strong)
                   or place_of(found, strong, key)
                   or next((place_before(found, h) for h in strong if h.value == key), None)
                   or detail_clauses(found, key))


@rule("make me smile", "/wink")
def expression_edit(ev: Evidence) -> Intent | None:
    """Words (or a command) changing the face's expression: edit the expression."""
    face = expression(ev.found) or _COMMAND_EXPRESSIONS.get(ev.forced or "")
    return replace(ev.base, action="edit_expression", expression=face) if face else None


def _members(ev: Evidence) -> tuple[str, ...]:
    family = next((h.value for h in ev.found.of("family")), ev.forced or "")
    return style_words.FAMILY_CHOICES[family]


@rule("我是做主播的，要一个虚拟形象", "我是做主播的，想要个虚拟形象")
def family_hint(ev: Evidence) -> Intent | None:
    """A style family with a hint of one of its members ("我是做主播的，要一个虚拟形象"):
    that member."""
    if not ev.families:
        return None
    hinted = next((h.value for h in ev.styles if h.value in _members(ev)), None)
    return replace(ev.base, action="generate", style=hinted) if hinted else None


@rule("a dating profile photo", "travel photo please")
def family_choice(ev: Evidence) -> Intent | None:
    """A style family with no member named (dating, travel, sports, avatar): choose among
    its members."""
    if ev.families:
        return replace(ev.base, action="choose", choices=_members(ev))
    return None


@rule("Can you help me?", "show me the menu")
def help_words(ev: Evidence) -> Intent | None:
    """Help words left over after every request above declined: help."""
    return Intent(action="help") if ev.found.has("help") else None


@rule("我女儿的照片", "艺术肖像")
def hinted_style(ev: Evidence) -> Intent | None:
    """Only hints of a style ("我女儿的照片", "the capital of france"): that style, sure only when the words
    ask for a picture (else the bot asks back)."""
    if not ev.styles or ev.only_small_talk():
        return None
    key = primary(ev.styles, ev.found)
    return replace(ev.base, action="generate", style=key,
                   scene=setting_of(ev.found, key, ev.styles, ev.noise),
                   confidence=1.0 if ev.asks() else GUESSED)


@rule("go anyway", "do it anyway")
def go_anyway(ev: Evidence) -> Intent | None:
    """ "Go anyway" after a warning: generate what was asked before."""
    return replace(ev.base, action="generate") if ev.found.has("go") else None


@rule("are my photos safe?", "is this legit?")
def question_about_bot(ev: Evidence) -> Intent | None:
    """A question mark with nothing asked (no request verb, command, model, ratio or count)
    and more than small talk ("how are you?" is chat): a question about the bot, help."""
    base = ev.base
    if _ASKED.search(ev.found.text) and not (ev.verbs() or ev.forced or base.model
                                             or base.aspect_ratio or base.count
                                             or ev.only_small_talk()):
        return Intent(action="help")
    return None


@rule("thanks!", "nice pic, thanks")
def small_talk(ev: Evidence) -> Intent | None:
    """Greetings and thanks and nothing else: chat."""
    return Intent(action="chat") if ev.only_small_talk() else None


def _nothing_asked(ev: Evidence) -> bool:
    found, base = ev.found, ev.base
    asks = found.has("request") or found.has("photo") or ev.forced == "generate"
    return not (asks or base.model or base.aspect_ratio or base.count)


@rule("you are awesome friend", "哈哈我朋友也这么说")
def chat_words(ev: Evidence) -> Intent | None:
    """Small talk or praise beside other words, and nothing asked: chat."""
    if _nothing_asked(ev) and (ev.found.has("talk") or ev.found.has("praise")):
        return Intent(action="chat")
    return None


@rule("tell me a joke", "blah blah")
def nothing_recognised(ev: Evidence) -> Intent | None:
    """No word asks for a picture and nothing else was recognised: unknown."""
    return Intent(action="unknown", confidence=0.0) if _nothing_asked(ev) else None


@rule("a photo of a dragon", "我在月球上的照片")
def described_picture(ev: Evidence) -> Intent | None:
    """A picture asked for with content no preset names: the whole message is the scene or
    the prompt (sure only when it asks for a picture)."""
    found = ev.found
    if not content_left(found.text, hits_spans(found.hits) + ev.noise):
        return None
    described = fallback_prompt(found, ev.noise)
    if not described:
        return None
    return replace(scene_or_prompt(ev.base, described),
                   confidence=1.0 if ev.asks() else GUESSED)


@rule("make a photo", "4 photos please")
def plain_request(ev: Evidence) -> Intent | None:
    """A picture asked for and nothing more: the default style."""
    return replace(ev.base, action="generate")


@adjustment("what is a good anime", "is there any anime")
def question_is_a_guess(ev: Evidence, intent: Intent) -> Intent | None:
    """A generation read from a question with nothing asking for a picture
    ("what is the capital of france?") is only a guess, so the bot asks back."""
    if (intent.action == "generate" and intent.confidence > GUESSED
            and _QUESTION.search(ev.found.text) and not ev.asks(any_command=True)):
        return replace(intent, confidence=GUESSED)
    return None
