"""Buttons: what pressing one under a reply does (style picks, again, higher quality, buy …)."""

from __future__ import annotations

from dataclasses import replace

from bot import fewer, idcountry, refine
from bot.choices import style_buttons
from bot.commands import Conversation
from bot.messages import Reply
from bot.paying import EVERY_COMMAND as COMMANDS
from core.chat import ButtonData, ChatTarget
from core.models import best_model
from core.request import Intent
from worker.store import Session


def pressed(conv: Conversation, data: str, target: ChatTarget, session: Session) -> list[Reply]:
    """What a button under one of our messages does (``ButtonData`` says which)."""
    parsed = ButtonData.parse(data)
    if parsed is None:
        return [Reply(conv.say(target, "conv.expired_button"))]
    kind, value = parsed.action, parsed.value
    pending = Intent.from_dict(session.pending.intent) if session.pending else None
    if kind == "style" and conv.styles.get(value) is not None:
        base = pending if (pending and session.pending and session.pending.kind == "choice") else Intent()
        intent = replace(base, action="generate", style=value, choices=None)
        return conv.start(intent, target, session)
    if kind == "spec":
        return idcountry.pick(conv, value, target, session)
    if kind == "sure" and pending is not None and session.pending and session.pending.kind == "ask":
        return conv.start(replace(pending, confidence=1.0), target, session)
    if kind == "fewer" and pending is not None and session.pending and session.pending.kind == fewer.PENDING_KIND:
        return conv.start(pending, target, session)
    if kind == "go" and pending is not None:
        return conv.start(replace(pending, go_anyway=True), target, session)
    if kind in ("regen", "hq") and session.last_request:
        last = Intent.from_dict(session.last_request)
        if kind == "hq":
            last = replace(last, model=best_model().key)
        return conv.start(replace(last, go_anyway=True), target, session)
    if kind in refine.ACTIONS:
        return refine.press(conv, kind, value, target, session)
    if kind == "cat":
        return _category(conv, value, target)
    if kind == "styles":
        return COMMANDS["styles"](conv, target, session, "")
    if kind == "buy":
        return COMMANDS["buy"](conv, target, session, "/buy")
    if kind in ("model", "lang"):
        return COMMANDS[kind](conv, target, session, f"/{kind} {value}")
    if kind == "retry":
        return COMMANDS["retry"](conv, target, session, "")
    return [Reply(conv.say(target, "conv.expired_button"))]

def _category(conv: Conversation, code: str, target: ChatTarget) -> list[Reply]:
    keys = [s.key for s in conv.styles.all() if s.category == code]
    if not keys:
        return [Reply(conv.say(target, "conv.expired_button"))]
    return [Reply(conv.say(target, "conv.pick_style"), buttons=style_buttons(conv.styles, keys, target.language, columns=2))]

