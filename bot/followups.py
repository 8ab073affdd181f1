"""Follow-ups that only make sense after a result: "again", "higher quality", "another style".

Intent recognition reads one message on its own; these words refer to the last request, so
the conversation resolves them against the session. Data, not logic: extend the tuples.
"""

from __future__ import annotations

import re
from dataclasses import replace

from core.request import Intent

AGAIN = (
    "again", "one more", "another one", "do it again", "try again", "once more", "more please",
    "make another", "regenerate", "redo", "再来", "再来一张", "再来一次", "再生成", "重新生成", "再做一张",
    "再试一次", "重来",
)
HIGHER_QUALITY = (
    "higher quality", "better quality", "best quality", "high quality", "more detail", "sharper",
    "hd", "高清", "更高画质", "画质更好", "清晰一点", "高清一点", "最高画质",
)
OTHER_STYLE = (
    "another style", "different style", "other style", "other styles", "change style",
    "change the style", "something else", "换个风格", "换一个风格", "换风格", "别的风格", "其他风格",
)

_PUNCTUATION = re.compile(r"[\s!?.,，。！？~～…]+")


def _plain(text: str) -> str:
    return _PUNCTUATION.sub(" ", text.lower()).strip()


def _says(text: str, phrases: tuple[str, ...]) -> bool:
    plain = _plain(text)
    return any(plain == p or plain.startswith(p + " ") or plain.endswith(" " + p) for p in phrases) or (
        any("\u4e00" <= c <= "\u9fff" for c in plain) and any(p in plain for p in phrases if not p.isascii())
    )


def resolve(text: str, intent: Intent, last: Intent | None) -> Intent | str:
    """The intent to run, or "styles" when the person wants to pick another style.

    Only a message that names no style, prompt, scene, spec or expression refers back; what
    it does say (count, ratio, model) is laid over the last request.
    """
    if last is None or intent.action not in ("generate", "none", "help"):
        return intent
    if intent.style or intent.prompt or intent.scene or intent.id_spec or intent.expression:
        return intent
    if _says(text, OTHER_STYLE):
        return "styles"
    quality = _says(text, HIGHER_QUALITY)
    if intent.action != "generate" and not quality and not _says(text, AGAIN):
        return intent
    return replace(
        last,
        model="gpt" if quality else intent.model or last.model,
        count=intent.count or last.count,
        aspect_ratio=intent.aspect_ratio or last.aspect_ratio,
        go_anyway=False,
    )
