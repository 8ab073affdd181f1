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
    leads_with_place,
    noise_spans,
    place_before,
    scene_for,
    tidy,
)
from core.intent.feedback import drop_chat
from core.intent.idphoto import id_photo
from core.intent.lang import every
from core.intent.matcher import Found, Hit, find
from core.intent.negation import drop_negated
from core.intent.numbers import find_count
from core.intent.parameters import aspect_ratio, count_spans, expression, model_named
from core.intent.primary import (
    SCENE_WORD,
    distinct,
    in_format,
    in_scene,
    is_purpose,
    joined,
    place_of,
    primary,
)
from core.intent.series_items import listed_items
from core.intent.text import Mapped, as_typed, clean_text, normalize_mapped
from core.request import Intent, SeriesItem

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
_OR_JOINERS = re.compile(r"(?:\bor\b|\bvs\b|\bversus\b|还是|或者|或是|或|对比)")
_BETWEEN = re.compile(r"\b(?:decide|deciding|choose|choosing|pick|picking|torn|undecided|"
                      r"unsure|stuck)\s+between\s*$|(?:纠结|犹豫|选不出|拿不定主意)[^，,。]*$")
"""Before two styles, these offer them as alternatives ("can't decide between A and B")."""
_WHICH_ONE = re.compile(r"^[^。.!?]{0,14}?(?:\bwhich one\b|\bwhich is better\b|\bwhich would\b|"
                        r"选哪个|选哪一个|哪个好|哪一个好|哪个更好|选一个|挑一个)")
"""After two styles, these ask the bot to pick ("动漫和赛博朋克选哪个")."""
_SCENE_FIRST = re.compile(r"(?:in|on|at|under|inside|near|by|riding|standing|sitting|walking|"
                          r"flying|swimming|surrounded|holding|wearing)\b")
_BECOME = re.compile(r"(?:\b(?:as|into|be|like)|成|为|当)\s*$")
"""Words before a description of what the person becomes ("turn me into a cat")."""
_BECOME_ZH = re.compile(r"(?:变成|变身成?|扮成|打扮成|装扮成|化身为?|成为|当成)(?:一个|一名|一位|一只)?$")
"""Chinese "turn into": what follows is who the person becomes, even "在森林里的巫师"."""
_OWNED = re.compile(r"(?:\b(?:my|our|for|for my|for our)|用于|用来)\s*$")
"""Before a style word, these make it what the pictures are for ("my instagram")."""
_WHICH = ("which", "what", "哪", "什么")
"""How a question about styles starts ("which style…"), as opposed to one about price."""
_FOR_ME = re.compile(r"\b(?:of|for) me\b")
"""A photo "of me" is asked for, however nice ("a nice photo of me")."""
_ASKING_KINDS = ("style", "family", "medium", "expr", "series", "random", "id")
"""Hits that ask for a picture even beside "cancel" ("cancel that, do anime instead")."""
_PICTURE_KINDS = frozenset({"style", "photo", "family", "medium", "id"})
"""Hits that name a picture: a number word right before one counts pictures."""
_HOWTO = re.compile("|".join(words.HOWTO_PATTERNS))
_RANDOM_TOKEN = re.compile(r"\brandom\b|随机|随便")
_FACE_TOKEN = re.compile(r"\b(?:face|faces|person|people|human|humans|stranger|guy|girl|man|"
                         r"woman|someone|headshot|portrait)\b|人脸|脸|人物|路人|陌生人|一个人|的人|人像|来个人")


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

    forced = _command_meaning(command, extra)
    if forced == "help":
        return Intent(action="help")
    if forced == "cancel":
        return Intent(action="cancel")
    if (found.has("price") or (forced is None and _HOWTO.search(found.text))) and not (
            _this_or_that(found)):
        return Intent(action="help")
    if forced == "random_face" or _wants_random_face(found):
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
    styles = _styles(found, forced)
    strong = [h for h in styles if not h.weak]
    named = distinct(strong)
    if forced == "series" or found.has("series"):
        return _series(found, distinct(styles), count, base)
    if len(named) >= 2 and (joined(found.text, strong, _OR_JOINERS)
                            or _BETWEEN.search(found.text[:strong[0].start])
                            or _WHICH_ONE.search(found.text[strong[-1].end:])):
        return replace(base, action="choose", choices=tuple(named))
    listed = [h for h in styles  # a dating vibe is a look wherever it is named
              if h.value.startswith("dating_")
              or (not in_scene(found, h) and not is_purpose(found, h) and not in_format(found, h))]
    if (len(distinct(listed)) >= 2 and any(not h.weak for h in listed)
            and joined(found.text, listed, _LIST_JOINERS)):
        return _series(found, distinct(listed), count, base)

    custom = custom_description(found, noise)
    if found.has("medium"):
        chosen = custom[0] if custom else fallback_prompt(found, noise)
        return replace(base, action="generate", prompt=chosen)
    commanded = bool(forced and forced in _all_style_keys(extra))
    if custom and not commanded and not _style_in_description(found, strong, custom[1],
                                                                custom[2]):
        become = [h for h in styles if h.value in style_words.PET_STYLES
                  and custom[1] <= h.start and _BECOME.search(found.text[:custom[1]])]
        own = _own_picture(found, custom, noise + filler_spans(found)
                           + hits_spans(found.of("expr"))
                           + hits_spans([h for h in styles if h not in become]))
        if own is not None:
            if _BECOME_ZH.search(found.text[:custom[1]]):
                return replace(base, action="generate", prompt=own)  # 变成在森林里的巫师
            return _scene_or_prompt(base, own)

    families = {h.value for h in found.of("family")}
    if forced in style_words.FAMILY_CHOICES:
        families.add(forced)
    if strong or commanded:
        key = _chosen(styles, forced, extra, found)
        scene = _scene(found, key, styles, noise)
        if custom and scene is None and content_left(
                found.text[custom[1]:custom[2]],
                _local(noise + filler_spans(found) + hits_spans(styles), custom[1])):
            scene = custom[0]  # "me as a 1920s gangster": vintage, and the gangster
        details = detail_clauses(found, key)
        if scene and details and scene in details:
            scene = details  # "navy blazer, light grey background": every wish, not the last
        return replace(base, action="generate", style=key,
                       scene=scene or _clause_of_other_style(found, key, strong)
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
                       scene=_scene(found, key, styles, noise),
                       confidence=1.0 if _asks(found, forced) else GUESSED)
    return _anything_else(found, base, noise, forced)


def _new_background(found: Found, backdrop: Backdrop, forced: str | None,
                    extra: Mapping[str, Sequence[str]], base: Intent) -> Intent:
    """A picture with a new background (see ``background``): the style named outside the
    background's words, else the default; the background is the scene."""
    styles = [h for h in _styles(found, forced)
              if not backdrop.start <= h.start < backdrop.end]
    commanded = bool(forced and forced in _all_style_keys(extra))
    key = (_chosen(styles, forced, extra, found)
           if commanded or any(not h.weak for h in styles) else None)
    scene = scene_words(backdrop)
    details = detail_clauses(found, key) if key else None
    if scene and details and scene in details:
        scene = details  # "navy blazer, light grey background": the clothes too, one backdrop
    return replace(base, action="generate", style=key, scene=scene, background=backdrop.colour)


def _this_or_that(found: Found) -> bool:
    """Two styles offered as alternatives ("which style, anime or oil painting?"); a price
    question stays one ("how much is anime or cyberpunk?")."""
    if not all(h.phrase.startswith(_WHICH) for h in found.of("price")):
        return False
    strong = [h for h in found.of("style") if not h.weak]
    return len(distinct(strong)) >= 2 and (joined(found.text, strong, _OR_JOINERS)
                                           or bool(_WHICH_ONE.search(found.text[strong[-1].end:])))


def _local(spans: list[tuple[int, int]], offset: int) -> list[tuple[int, int]]:
    return [(max(0, a - offset), max(0, b - offset)) for a, b in spans]


def _own_picture(found: Found, custom: tuple[str, int, int],
                 consumed: list[tuple[int, int]]) -> str | None:
    """The person's own description when it names something no preset covers."""
    described, start, end = custom
    head_end = end
    if not _SCENE_FIRST.match(found.text[start:end]):
        scene_word = SCENE_WORD.search(found.text, start, end)
        head_end = scene_word.start() if scene_word else end
    return described if content_left(found.text[start:head_end], _local(consumed, start)) else None


def _scene_or_prompt(base: Intent, described: str) -> Intent:
    """"me on the moon" is a scene for the default style; "me as a wizard" a whole prompt."""
    if leads_with_place(described):
        return replace(base, action="generate", scene=described)
    return replace(base, action="generate", prompt=described)


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
            return replace(_scene_or_prompt(base, described),
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


def _chosen(hits: list[Hit], forced: str | None, extra: Mapping[str, Sequence[str]],
            found: Found) -> str:
    """A command's style, else the one the words ask for."""
    if forced and forced in _all_style_keys(extra):
        return forced
    return primary(hits, found)


def _all_style_keys(extra: Mapping[str, Sequence[str]]) -> set[str]:
    return set(style_words.STYLE_KEYS) | set(extra)


def _command_meaning(command: str | None, extra: Mapping[str, Sequence[str]]) -> str | None:
    """A slash command as an action, style, family or expression name."""
    if command is None:
        return None
    if command in words.COMMANDS:
        return words.COMMANDS[command]
    if command in _all_style_keys(extra):
        return command
    return None


def _wants_random_face(found: Found) -> bool:
    """Seed 002: "random face", or "random" with a face word and no style ("随机来个人像")."""
    if found.has("random"):
        return True
    return bool(_RANDOM_TOKEN.search(found.text) and _FACE_TOKEN.search(found.text)
                and not found.of("style"))


def _styles(found: Found, forced: str | None) -> list[Hit]:
    """Concrete style hits, with a dating word and a venue (or a setting style: "约会照，
    城市夜景风") combined into the dating vibe."""
    hits = found.of("style")
    dating = found.of("family")
    venues = found.of("venue")
    if (any(h.value == "dating" for h in dating) or forced == "dating") and venues:
        venue = venues[0]
        anchor = next((h for h in dating if h.value == "dating"), venue)
        venue_spans = hits_spans(venues)
        hits = [h for h in hits
                if not any(s < h.end and h.start < e for s, e in venue_spans)]
        combined = Hit(f"style:{venue.value}", min(anchor.start, venue.start),
                       max(anchor.end, venue.end), venue.phrase)
        others = [Hit(f"style:{v.value}", v.start, v.end, v.phrase) for v in venues[1:]
                  if v.value != venue.value]  # "one at a cafe and one at the beach"
        hits = sorted([*hits, combined, *others], key=lambda h: h.start)
    elif any(h.value == "dating" for h in dating) or forced == "dating":
        hits = [replace(h, label=f"style:{style_words.DATING_BY_SETTING[h.value]}")
                if h.value in style_words.DATING_BY_SETTING else h for h in hits]
    return hits


def _series(found: Found, keys: list[str], count: int | None, base: Intent) -> Intent:
    """Seed 000 §9: the styles named, in order; a family's members; or the default set.

    One style and a "set" word is simply that style, several times.
    """
    variety = any(h.phrase in words.VARIETY_WORDS for h in found.of("series"))
    if len(keys) == 1 and variety:
        named = [h for h in found.of("style") if h.value == keys[0]]
        own = [] if named and _OWNED.search(found.text[:named[0].start]) else keys
        size = count or words.DEFAULT_SERIES_SIZE  # "different styles" are never one
        keys = list(dict.fromkeys([*own, *words.DEFAULT_SERIES]))[:size]
    if len(keys) == 1:
        return replace(base, action="generate", style=keys[0])
    if base.count == 1:
        base = replace(base, count=None)  # "one anime, one oil painting": one of each
    if not keys:
        families = found.of("family")
        if families:
            keys = list(style_words.FAMILY_CHOICES[families[0].value])
        else:
            size = count or words.DEFAULT_SERIES_SIZE
            keys = list(words.DEFAULT_SERIES[:size])
    items = listed_items(found, keys) or tuple(SeriesItem(style=key) for key in keys)
    return replace(base, action="series", series=items)


def _style_in_description(found: Found, strong: list[Hit], start: int, end: int) -> bool:
    """Whether a named style is what the person described ("me as an anime character"),
    rather than a detail of a custom scene ("me as a wizard in a cherry blossom forest")."""
    head_end = end
    if not _SCENE_FIRST.match(found.text[start:end]):
        scene = SCENE_WORD.search(found.text, start, end)
        head_end = scene.start() if scene else end
    becomes = bool(_BECOME.search(found.text[:start]))
    named = [h for h in strong
             if not (becomes and h.value in style_words.PET_STYLES and h.start >= start)]
    named += found.of("family")
    if _SCENE_FIRST.match(found.text[start:end]) and any(
            start <= h.start < end for h in found.of("style")):
        return True  # "me with a good book": a hint of a preset, not a custom scene
    return any(start <= h.start < head_end for h in named) or any(
        h.start < start for h in named)


def _scene(found: Found, key: str, styles: list[Hit], noise: list[tuple[int, int]]) -> str | None:
    """The setting beyond what the chosen style's own words already say."""
    consumed = [(h.start, h.end) for h in styles if h.value == key]
    consumed += hits_spans(found.of("venue")) if key.startswith("dating_") else []
    consumed += hits_spans(found.of("family"))
    return scene_for(found, consumed + noise, 0)


def _clause_of_other_style(found: Found, key: str, strong: list[Hit]) -> str | None:
    """A second style named in its own clause is the setting of the first ("婚纱照，海边")."""
    primary_end = max((h.end for h in strong if h.value == key), default=0)
    for hit in strong:
        if hit.value != key and hit.start >= primary_end:
            start = max(found.text.rfind(p, 0, hit.start) for p in ",，;；") + 1
            if start <= primary_end:
                continue  # same clause: "graduation headshot" is one picture, not a setting
            end = min([i for i in (found.text.find(p, hit.end) for p in ",，;；。.!！?？")
                       if i >= 0] or [len(found.text)])
            clause = tidy(found.text[start:end].strip())
            return clause or None
    return None


def _only_small_talk(found: Found) -> bool:
    """Greetings and thanks with nothing asked ("nice pic, thanks!")."""
    if (not (found.has("talk") or found.has("praise")) or found.has("request")
            or _FOR_ME.search(found.text)):
        return False
    chatter = [h for h in found.hits if h.kind in ("talk", "praise", "photo")]
    return not content_left(found.text, hits_spans(chatter))
