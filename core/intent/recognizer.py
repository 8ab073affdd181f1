"""``recognize``: one chat message (English, Chinese or both) to an ``Intent``.

Before deciding, the text is normalized with a map back to what was typed (so scenes and
prompts keep the person's case and script), links, mentions and WeChat emoticons are set
aside, and words a negation rules out ("not anime") or that only report a feeling ("I'm
laughing") are dropped.

Decisions in order, the first that applies wins: a help command; a question about price,
the service or how to do something, unless two styles are offered (help); a random face; an
ID photo (also "白底换成蓝底"); a plain help question; calling a request off (none); a new
background; a series; "this or that" (choose); two styles listed (series); a look the
catalogue lacks (custom prompt); "me as ..." naming something no preset covers (custom prompt
or scene); a named style; an expression edit; a style family with no member named (choose);
a help question; a hinted style; "go anyway"; any other picture request (custom prompt,
scene, or the default style); otherwise small talk (none).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from core.intent import style_words, words
from core.intent.background import Backdrop, background_change, scene_words
from core.intent.crafted import crafted, detail_clauses
from core.intent.describe import (
    content_left,
    custom_description,
    fallback_prompt,
    filler_spans,
    hits_spans,
    noise_spans,
    place_before,
)
from core.intent.feedback import drop_chat
from core.intent.idphoto import id_photo
from core.intent.lang import every
from core.intent.matcher import Found, Hit, find
from core.intent.negation import drop_negated
from core.intent.numbers import find_count
from core.intent.own_scene import (
    BECOME,
    clause_of_other_style,
    local_spans,
    own_picture,
    scene_or_prompt,
    setting_of,
    style_in_description,
)
from core.intent.parameters import aspect_ratio, count_spans, expression, model_named
from core.intent.primary import (
    distinct,
    in_format,
    in_scene,
    is_purpose,
    joined,
    place_of,
    primary,
)
from core.intent.style_choice import (
    OR_JOINERS,
    WHICH_ONE,
    all_style_keys,
    chosen_style,
    command_meaning,
    series_of,
    style_hits,
    this_or_that,
    wants_random_face,
)
from core.intent.text import Mapped, as_typed, clean_text, normalize_mapped
from core.request import Intent

_COMMAND_EXPRESSIONS: dict[str, dict[str, float]] = {
    "edit_expression": {"smile": 1.0}, "smile": {"smile": 1.0}, "wink": {"wink": 20.0},
}
"""What /smile, /wink and /expression do when no expression words follow."""
GUESSED = 0.4
"""Confidence of a picture read from words that never ask for one ("a knight in armor")."""
_QUESTION = re.compile(r"^(?!(?:how|what) about\b)(?:(?:what|who|where|why|when|how|is|are|do|does|"
                       r"did|which)\b|(?:\S+\s+){3,}\S*\?\s*$)")
"""A question: a style word inside it is no request unless something asks for a picture."""
_ASKED = re.compile(r"[?？]\s*$")
"""A message ending in a question mark, in any language."""
_URL = re.compile(r"\b(?:https?://|www\.)\S+")
"""A link is the person's photo (image intake fetches it), never words of a request."""
_EMOTICON = re.compile(r"\[[\u4e00-\u9fff]{1,4}\]|/:[^\s]{1,6}")
"""WeChat's emoticons arrive as text ("谢谢[微笑]", "/::)"): a face, not a request."""
_MENTION = re.compile(r"(?<![\w.])@[a-z0-9_]+")
_COMMAND = re.compile(r"^/([a-z0-9_]+)(?:@[a-z0-9_]+)?\b")
_LIST_JOINERS = re.compile(r"(?:,|、|，|;|；|\band\b|\bplus\b|&|\+|/|和|跟|与|及|以及|还有|\bthen\b|"
                           r"[一两二三四五六七八九十\d]\s*[张幅个份]|(?<!\w)(?:"
                           + "|".join(re.escape(j) for j in every("joiners")) + r")(?!\w))")
_BETWEEN = re.compile(r"\b(?:decide|deciding|choose|choosing|pick|picking|torn|undecided|"
                      r"unsure|stuck)\s+between\s*$|(?:纠结|犹豫|选不出|拿不定主意)[^，,。]*$")
"""Before two styles, these offer them as alternatives ("can't decide between A and B")."""
_BECOME_ZH = re.compile(r"(?:变成|变身成?|扮成|打扮成|装扮成|化身为?|成为|当成)(?:一个|一名|一位|一只)?$")
"""Chinese "turn into": what follows is who the person becomes, even "在森林里的巫师"."""
_FOR_ME = re.compile(r"\b(?:of|for) me\b")
"""A photo "of me" is asked for, however nice ("a nice photo of me")."""
_ASKING_KINDS = ("style", "family", "medium", "expr", "series", "random", "id")
"""Hits that ask for a picture even beside "cancel" ("cancel that, do anime instead")."""
_PICTURE_KINDS = frozenset({"style", "photo", "family", "medium", "id"})
"""Hits that name a picture: a number word right before one counts pictures."""
_HOWTO = re.compile("|".join(words.HOWTO_PATTERNS))

def recognize(
    text: str,
    *,
    bot_username: str | None = None,
    extra_styles: Mapping[str, Sequence[str]] | None = None,
) -> Intent:
    """What the person wants, from one chat message."""
    typed = clean_text(text)
    norm = normalize_mapped(typed)
    if bot_username:
        norm = norm.sub(re.escape("@" + bot_username.lower().lstrip("@")), " ")
    command = None
    match = _COMMAND.match(norm.text)
    if match:
        command = match.group(1)
        norm = norm.cut(match.end())
    norm = norm.sub(_URL, " photo ").sub(_MENTION, " ").sub(_EMOTICON, " ").folded()
    found = drop_chat(drop_negated(find(norm.text, extra_styles)))
    found.typed, found.origin = typed, norm.origin
    intent = _decide(found, command, extra_styles or {})
    if (intent.action == "generate" and intent.confidence > GUESSED and _QUESTION.search(norm.text)
            and not _asks(found, command)):
        intent = replace(intent, confidence=GUESSED)  # "what is the capital of france?"
    return _as_typed(intent, norm, typed)


def _as_typed(intent: Intent, norm: Mapped, typed: str) -> Intent:
    """Scenes and prompts in the person's own case and script ("in front of the Eiffel Tower")."""
    def quote(phrase: str | None) -> str | None:
        return as_typed(phrase, norm, typed) if phrase else phrase

    series = intent.series and tuple(replace(item, scene=quote(item.scene),
                                             prompt=quote(item.prompt))
                                     for item in intent.series)
    return replace(intent, scene=quote(intent.scene), prompt=quote(intent.prompt),
                   series=series or intent.series)


def _decide(found: Found, command: str | None, extra: Mapping[str, Sequence[str]]) -> Intent:
    ratio_spans: list[tuple[int, int]] = []
    model, model_spans = model_named(found)
    ratio = aspect_ratio(found, ratio_spans)
    masked = model_spans + ratio_spans + hits_spans(found.of("spec")) + hits_spans(
        [h for h in found.hits if h.kind == "style" and re.search(r"\d", h.phrase)])
    pictures = frozenset(h.start for h in found.hits if h.kind in _PICTURE_KINDS)
    count = find_count(found.text, found.tokens, masked, pictures)
    base = Intent(model=model, count=count, aspect_ratio=ratio, go_anyway=found.has("go"))
    noise = noise_spans(found, model_spans + ratio_spans + count_spans(found, masked)
                        + found.negated)

    forced = command_meaning(command, extra)
    if forced == "help":
        return Intent(action="help")
    if forced == "cancel":
        return Intent(action="cancel")
    if (found.has("price") or (forced is None and _HOWTO.search(found.text))) and not (
            this_or_that(found)):
        return Intent(action="help")
    if forced == "random_face" or wants_random_face(found):
        return replace(base, action="random_face")
    backdrop = background_change(found)
    new_colour = backdrop.colour if backdrop else None
    if forced in ("id_photo_white", "id_photo_blue") or found.has("id") or (
            found.has("visa") and found.has("photo")):  # "foto para visto americano"
        return id_photo(found, forced, base, new_colour)
    if backdrop and backdrop.id_jargon:
        return id_photo(found, forced, base, new_colour)

    if (found.has("help") and not found.has("request") and not found.has("series")
            and not found.of("style") and not found.has("family")):
        return Intent(action="help")
    if found.has("cancel") and not backdrop and not any(found.has(k) for k in _ASKING_KINDS):
        return Intent(action="cancel")  # "delete my photos", "帮我取消"

    if backdrop and not found.has("series") and forced != "series":
        return _new_background(found, backdrop, forced, extra, base)
    written = None if forced else crafted(found, noise)
    if written:
        described, is_scene = written
        return replace(base, action="generate", scene=described if is_scene else None,
                       prompt=None if is_scene else described)
    styles = style_hits(found, forced)
    strong = [h for h in styles if not h.weak]
    named = distinct(strong)
    if forced == "series" or found.has("series"):
        return series_of(found, distinct(styles), count, base)
    if len(named) >= 2 and (joined(found.text, strong, OR_JOINERS)
                            or _BETWEEN.search(found.text[:strong[0].start])
                            or WHICH_ONE.search(found.text[strong[-1].end:])):
        return replace(base, action="choose", choices=tuple(named))
    listed = [h for h in styles  # a dating vibe is a look wherever it is named
              if h.value.startswith("dating_")
              or (not in_scene(found, h) and not is_purpose(found, h) and not in_format(found, h))]
    if (len(distinct(listed)) >= 2 and any(not h.weak for h in listed)
            and joined(found.text, listed, _LIST_JOINERS)):
        return series_of(found, distinct(listed), count, base)

    custom = custom_description(found, noise)
    if found.has("medium"):
        chosen = custom[0] if custom else fallback_prompt(found, noise)
        return replace(base, action="generate", prompt=chosen)
    commanded = bool(forced and forced in all_style_keys(extra))
    if custom and not commanded and not style_in_description(found, strong, custom[1],
                                                               custom[2]):
        become = [h for h in styles if h.value in style_words.PET_STYLES
                  and custom[1] <= h.start and BECOME.search(found.text[:custom[1]])]
        own = own_picture(found, custom, noise + filler_spans(found)
                           + hits_spans(found.of("expr"))
                           + hits_spans([h for h in styles if h not in become]))
        if own is not None:
            if _BECOME_ZH.search(found.text[:custom[1]]):
                return replace(base, action="generate", prompt=own)  # 变成在森林里的巫师
            return scene_or_prompt(base, own)

    families = {h.value for h in found.of("family")}
    if forced in style_words.FAMILY_CHOICES:
        families.add(forced)
    if strong or commanded:
        key = chosen_style(styles, forced, extra, found)
        scene = setting_of(found, key, styles, noise)
        if custom and scene is None and content_left(
                found.text[custom[1]:custom[2]],
                local_spans(noise + filler_spans(found) + hits_spans(styles), custom[1])):
            scene = custom[0]  # "me as a 1920s gangster": vintage, and the gangster
        details = detail_clauses(found, key)
        if scene and details and scene in details:
            scene = details  # "navy blazer, light grey background": every wish, not the last
        return replace(base, action="generate", style=key,
                       scene=scene or clause_of_other_style(found, key, strong)
                       or place_of(found, strong, key)
                       or next((place_before(found, h) for h in strong if h.value == key), None)
                       or detail_clauses(found, key))
    face = expression(found) or _COMMAND_EXPRESSIONS.get(forced or "")
    if face:
        return replace(base, action="edit_expression", expression=face)
    if families:
        family = next((h.value for h in found.of("family")), forced or "")
        members = style_words.FAMILY_CHOICES[family]
        hinted = next((h.value for h in styles if h.value in members), None)
        if hinted:  # "我是做主播的，要一个虚拟形象": the hint picks the family's member
            return replace(base, action="generate", style=hinted)
        return replace(base, action="choose", choices=members)
    if found.has("help"):
        return Intent(action="help")
    if styles and not _only_small_talk(found):
        key = primary(styles, found)  # only hints ("the capital of france"): asked back
        return replace(base, action="generate", style=key,
                       scene=setting_of(found, key, styles, noise),
                       confidence=1.0 if _asks(found, forced) else GUESSED)
    return _anything_else(found, base, noise, forced)


def _new_background(found: Found, backdrop: Backdrop, forced: str | None,
                    extra: Mapping[str, Sequence[str]], base: Intent) -> Intent:
    """A picture with a new background (see ``background``): the style named outside the
    background's words, else the default; the background is the scene."""
    styles = [h for h in style_hits(found, forced)
              if not backdrop.start <= h.start < backdrop.end]
    commanded = bool(forced and forced in all_style_keys(extra))
    key = (chosen_style(styles, forced, extra, found)
           if commanded or any(not h.weak for h in styles) else None)
    scene = scene_words(backdrop)
    details = detail_clauses(found, key) if key else None
    if scene and details and scene in details:
        scene = details  # "navy blazer, light grey background": the clothes too, one backdrop
    return replace(base, action="generate", style=key, scene=scene, background=backdrop.colour)


def _anything_else(found: Found, base: Intent, noise: list[tuple[int, int]],
                   forced: str | None) -> Intent:
    """No preset, no question: a picture request of its own, "go anyway", or small talk."""
    if found.has("go"):
        return replace(base, action="generate")
    if (_ASKED.search(found.text) and not (_verbs(found) or forced or base.model
                                            or base.aspect_ratio or base.count)):
        return Intent(action="help")  # "are my photos safe?": about the bot, no picture asked
    if _only_small_talk(found):
        return Intent(action="chat")
    asks = found.has("request") or found.has("photo") or forced == "generate"
    if not (asks or base.model or base.aspect_ratio or base.count):
        if found.has("talk") or found.has("praise"):
            return Intent(action="chat")
        return Intent(action="unknown", confidence=0.0)
    if content_left(found.text, hits_spans(found.hits) + noise):
        described = fallback_prompt(found, noise)
        if described:  # the whole message as the picture: sure only when it asks for one
            return replace(scene_or_prompt(base, described),
                           confidence=1.0 if _asks(found, forced) else GUESSED)
    return replace(base, action="generate")


def _asks(found: Found, forced: str | None) -> bool:
    """Whether the words ask for a picture: a picture noun, "of me", a command, or a request
    verb that is more than a polite opener ("can you tell me a joke" is not)."""
    return bool(found.has("photo") or _verbs(found) or forced or _FOR_ME.search(found.text))


def _verbs(found: Found) -> list[Hit]:
    """Request words that ask for something, not polite openers ("can you", "could you")."""
    politeness = hits_spans(found.of("filler"))
    return [h for h in found.of("request") if (h.start, h.end) not in politeness]


def _only_small_talk(found: Found) -> bool:
    """Greetings and thanks with nothing asked ("nice pic, thanks!")."""
    if (not (found.has("talk") or found.has("praise")) or found.has("request")
            or _FOR_ME.search(found.text)):
        return False
    chatter = [h for h in found.hits if h.kind in ("talk", "praise", "photo")]
    return not content_left(found.text, hits_spans(chatter))
