"""``recognize``: one chat message (any of the twelve languages, or a mix) to an ``Intent``.

Before deciding, the text is normalized with a map back to what was typed (so scenes and
prompts keep the person's case and script), links, mentions and WeChat emoticons are set
aside, and words a negation rules out ("not anime") or that only report a feeling ("I'm
laughing") are dropped. The decision is the named rule table of ``core.intent.rules``;
``read`` also tells which rules fired, for ``portraitbot intent --explain``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from core.intent.evidence import Evidence
from core.intent.feedback import drop_chat
from core.intent.matcher import Found, find
from core.intent.negation import drop_negated
from core.intent.rule import GUESSED
from core.intent.rules import decide
from core.intent.text import Mapped, as_typed, clean_text, normalize_mapped
from core.request import Intent

__all__ = ["GUESSED", "Reading", "read", "recognize"]

_URL = re.compile(r"\b(?:https?://|www\.)\S+")
"""A link is the person's photo (image intake fetches it), never words of a request."""
_EMOTICON = re.compile(r"\[[\u4e00-\u9fff]{1,4}\]|/:[^\s]{1,6}")
"""WeChat's emoticons arrive as text ("谢谢[微笑]", "/::)"): a face, not a request."""
_MENTION = re.compile(r"(?<![\w.])@[a-z0-9_]+")
_COMMAND = re.compile(r"^/([a-z0-9_]+)(?:@[a-z0-9_]+)?\b")


@dataclass(frozen=True)
class Reading:
    """A message understood, with why: the intent, the rules that fired in order (the
    deciding one, then adjustments) and the hits they read."""

    intent: Intent
    fired: tuple[str, ...]
    found: Found
    command: str | None


def recognize(
    text: str,
    *,
    bot_username: str | None = None,
    extra_styles: Mapping[str, Sequence[str]] | None = None,
) -> Intent:
    """What the person wants, from one chat message."""
    return read(text, bot_username=bot_username, extra_styles=extra_styles).intent


def read(
    text: str,
    *,
    bot_username: str | None = None,
    extra_styles: Mapping[str, Sequence[str]] | None = None,
) -> Reading:
    """``recognize`` with the rules that fired and the hits they read."""
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
    intent, fired = decide(Evidence(found, command, extra_styles or {}))
    return Reading(_as_typed(intent, norm, typed), tuple(fired), found, command)


def _as_typed(intent: Intent, norm: Mapped, typed: str) -> Intent:
    """Scenes and prompts in the person's own case and script ("in front of the Eiffel Tower")."""
    def quote(phrase: str | None) -> str | None:
        return as_typed(phrase, norm, typed) if phrase else phrase

    series = intent.series and tuple(replace(item, scene=quote(item.scene),
                                             prompt=quote(item.prompt))
                                     for item in intent.series)
    return replace(intent, scene=quote(intent.scene), prompt=quote(intent.prompt),
                   series=series or intent.series)
