"""Several selfies as one set: taking photos into the person's reference set and answering once.

A Telegram album arrives as several updates (one of them captioned), several web uploads or
WeChat images one after another. Each photo passes the pre-flight check on its own; the usable
ones (one main face) become the person's references (``bot.photos.with_photos``), and the
answer says how many faces will be used ("Got 3 photos — I'll use all 3 faces"). An album is
collected in Redis for a short window (``bot.albums``) and then answered once, as one message.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

from bot.choices import style_buttons
from bot.commands import Conversation as CommandsConversation
from bot.commands import command_name
from bot.messages import Incoming, Reply
from bot.paying import EVERY_COMMAND as COMMANDS
from core.chat import ChatTarget
from core.intent import recognize
from core.request import QUIET_ACTIONS, Intent
from worker.store import Reference, Session

if TYPE_CHECKING:
    pass


class Conversation(CommandsConversation, Protocol):
    """What answering photos uses of the conversation (``bot.conversation``), without importing it."""

    extra_styles: dict[str, tuple[str, ...]]

    def _intent(self, intent: Intent, target: ChatTarget, session: Session) -> list[Reply]: ...

POPULAR_STYLES = ("professional", "anime", "dating_cafe", "oil_painting", "avatar_3d", "id_photo_white")
"""Offered as buttons when a photo arrives with no request."""


def set_note(conv: Conversation, target: ChatTarget, session: Session, new: list[Reference]) -> str | None:
    """"Got 3 photos — I'll use all 3 faces" when more than one photo counts, else None."""
    used = len(session.references)
    if len(new) > 1:
        usable = sum(1 for r in new if r.verdict is None)
        if usable == 0:
            return None
        if usable == len(new):
            return conv.say(target, "conv.photos_using", count=len(new))
        return conv.say(target, "conv.photos_using_some", count=len(new), used=usable)
    if used > 1 and new and new[-1].verdict is None:
        return conv.say(target, "conv.photos_using", count=used)
    return None


def _with_note(note: str | None, replies: list[Reply]) -> list[Reply]:
    if not note or not replies:
        return replies
    return [replace(replies[0], text=note + "\n" + replies[0].text), *replies[1:]]


def answer_photos(
    conv: Conversation, incoming: Incoming, target: ChatTarget, text: str, session: Session,
    new: list[Reference],
) -> list[Reply]:
    """The one answer to photos just taken in (``session`` already holds them), with the
    request that came with them (a caption) or the one that was waiting for a photo."""
    note = set_note(conv, target, session, new)
    if text:
        name = command_name(text, incoming.bot_username)
        if name in COMMANDS:
            return _with_note(note, COMMANDS[name](conv, target, session, text))
        intent = recognize(text, bot_username=incoming.bot_username, extra_styles=conv.extra_styles)
        if intent.action not in QUIET_ACTIONS and intent.action != "help":
            return _with_note(note, conv._intent(intent, target, session))
    pending = session.pending
    if pending and pending.kind in ("photo", "confirm"):
        return _with_note(note, conv.start(Intent.from_dict(pending.intent), target, session))
    reference = session.reference
    if not session.references and reference is not None and reference.verdict:
        tip = conv.say(target, reference.verdict, **(reference.verdict_params or {}))
        return [Reply(tip + "\n" + conv.say(target, "conv.photo_tip_then"))]
    last = new[-1] if new else None
    if len(new) == 1 and last is not None and last.verdict:
        # A photo without a clear face after good ones: say why it is left out, keep the set.
        tip = conv.say(target, last.verdict, **(last.verdict_params or {}))
        return [Reply(tip + "\n" + conv.say(target, "conv.photo_left_out", count=len(session.references)))]
    if pending and pending.kind == "choice":
        # They were asked "which one?" and sent the selfie first: ask again, with that choice.
        choices = [c for c in pending.intent.get("choices") or [] if conv.styles.get(c) is not None]
        buttons = style_buttons(conv.styles, choices, target.language, columns=2)
        return _with_note(note, [Reply(conv.say(target, "conv.photo_then_choose"), buttons=buttons)])
    buttons = style_buttons(conv.styles, POPULAR_STYLES, target.language, columns=2)
    if note:
        return [Reply(note + "\n" + conv.say(target, "conv.photos_what_next"), buttons=buttons)]
    return [Reply(conv.say(target, "conv.photo_received"), buttons=buttons)]
