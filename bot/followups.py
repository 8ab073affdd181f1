"""Follow-ups that only make sense after a result: "again", "higher quality", "another style".

Intent recognition reads one message on its own; these words refer to the last request, so
the conversation resolves them against the session. The words of languages other than English
and Chinese come from the language modules (``core.intent.lang``: again, higher_quality,
other_style, stop, go_on), so a new language adds them there.
"""

from __future__ import annotations

import re
from dataclasses import replace

from core.intent.lang import every
from core.intent.text import normalize
from core.models import best_model
from core.request import Intent

AGAIN: tuple[str, ...] = (
    "again", "one more", "another one", "do it again", "try again", "once more", "more please",
    "make another", "regenerate", "redo", "再来", "再来一张", "再来一次", "再生成", "重新生成", "再做一张",
    "再试一次", "重来",
)
HIGHER_QUALITY: tuple[str, ...] = (
    "higher quality", "better quality", "best quality", "high quality", "more detail", "sharper",
    "hd", "高清", "更高画质", "画质更好", "清晰一点", "高清一点", "最高画质",
)
OTHER_STYLE: tuple[str, ...] = (
    "another style", "different style", "other style", "other styles", "change style",
    "change the style", "something else", "换个风格", "换一个风格", "换风格", "别的风格", "其他风格",
)

GO_ON: tuple[str, ...] = (
    "go anyway", "go ahead", "continue", "use it anyway", "use this one", "use this photo", "yes",
    "ok", "okay", "sure", "fine", "do it", "继续", "继续生成", "仍然生成", "照样生成", "没关系", "就用这张",
    "用这张", "就这张", "可以", "好", "好的", "行", "是的", "确定",
)
"""Answers to "this photo is poor, go ahead anyway?" (only read while that question is open)."""
LIST_STYLES = (
    "what styles", "which styles", "list styles", "show styles", "show me styles", "show me the styles",
    "all styles", "styles", "what styles do you have", "what can you make", "有哪些风格", "有什么风格",
    "风格列表", "所有风格", "都有什么风格", "哪些风格",
)
"""Asking for the menu: answered with the style categories, with or without a last request."""
STOP: tuple[str, ...] = (
    "cancel", "stop", "stop it", "cancel it", "cancel that", "never mind", "nevermind", "abort",
    "取消", "停止", "停", "别做了", "不要了", "算了", "取消吧", "停下",
)
"""A message that only says "stop": the same as /cancel."""
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4,
    "第一": 1, "第二": 2, "第三": 3, "第四": 4, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
}
"""Words that pick an offered choice by position ("the second one", "第二个")."""


def _with_lexicons(phrases: tuple[str, ...], field: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*phrases, *(_plain(p) for p in every(field)))))


_PUNCTUATION = re.compile(r"[\s!?.,，。！？~～…]+")


def _plain(text: str) -> str:
    """Lower-cased, accents folded ("cancelá" is "cancela"), punctuation as spaces."""
    return _PUNCTUATION.sub(" ", normalize(text)).strip()


AGAIN = _with_lexicons(AGAIN, "again")
HIGHER_QUALITY = _with_lexicons(HIGHER_QUALITY, "higher_quality")
OTHER_STYLE = _with_lexicons(OTHER_STYLE, "other_style")
GO_ON = _with_lexicons(GO_ON, "go_on")
STOP = _with_lexicons(STOP, "stop")


def _says(text: str, phrases: tuple[str, ...]) -> bool:
    plain = _plain(text)
    return any(plain == p or plain.startswith(p + " ") or plain.endswith(" " + p) for p in phrases) or (
        any("\u4e00" <= c <= "\u9fff" for c in plain) and any(p in plain for p in phrases if not p.isascii())
    )


def goes_on(text: str) -> bool:
    """True when the message only says "go ahead" (in answer to a photo warning)."""
    return _plain(text) in GO_ON


def stops(text: str) -> bool:
    """True when the message only says "cancel" / "stop" / "取消"."""
    return _plain(text) in STOP


def position(text: str) -> int | None:
    """The choice number a short answer picks: "2", "#2", "the second one", "第二个"; else None."""
    plain = _plain(text).replace("#", "").replace("no ", "").replace("number ", "")
    if plain.isdigit():
        return int(plain)
    words = [w for w in plain.split() if w not in ("the", "one", "please", "option", "pick", "choose")]
    if len(words) == 1 and words[0] in ORDINALS:
        return ORDINALS[words[0]]
    chinese = re.fullmatch(r"(?:选|要)?(?:第)?([一二两三四1-4])(?:个|张|种|号)?(?:吧|吗)?", plain.replace(" ", ""))
    if chinese and not plain.isascii():
        value = chinese.group(1)
        return int(value) if value.isdigit() else ORDINALS[value]
    return None


def resolve(text: str, intent: Intent, last: Intent | None) -> Intent | str:
    """The intent to run, or "styles" when the person wants to pick another style.

    Only a message that names no style, prompt, scene, spec or expression refers back; what
    it does say (count, ratio, model) is laid over the last request.
    """
    if intent.action not in ("generate", "none", "chat", "unknown", "help"):
        return intent
    if intent.style or intent.prompt or intent.scene or intent.id_spec or intent.expression:
        return intent
    if _says(text, LIST_STYLES):
        return "styles"
    if last is None:
        # "again" / "再来一张" / "higher quality" with nothing before it: nothing to repeat.
        refers_back = _says(text, AGAIN) or _says(text, HIGHER_QUALITY) or _says(text, OTHER_STYLE)
        return replace(intent, action="unknown") if refers_back else intent
    if _says(text, OTHER_STYLE):
        return "styles"
    quality = _says(text, HIGHER_QUALITY)
    if intent.action != "generate" and not quality and not _says(text, AGAIN):
        return intent
    return replace(
        last,
        model=best_model().key if quality else intent.model or last.model,
        count=intent.count or last.count,
        aspect_ratio=intent.aspect_ratio or last.aspect_ratio,
        go_anyway=False,
    )
