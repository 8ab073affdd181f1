"""Asked for more portraits than are left today: say how many are, and offer to make those;
short of credits: offer to buy some."""

from __future__ import annotations

import time
from dataclasses import replace

from bot.commands import Conversation
from bot.messages import Reply
from core.chat import Button, ButtonAction, ChatTarget
from core.errors import QuotaError
from core.request import Intent
from worker.store import Pending

PENDING_KIND = "fewer"
"""The session's pending request while the "make N?" offer is open."""


def fewer(intent: Intent, left: int) -> Intent:
    """The same request, cut down to ``left`` images (a series keeps its first ``left`` items)."""
    if intent.series:
        return replace(intent, series=intent.series[:left], count=None)
    return replace(intent, count=left)


def refusal(conv: Conversation, error: QuotaError, intent: Intent, target: ChatTarget) -> list[Reply]:
    """The quota refusal; with "You have 2 left today — make 2?" and its button when some are left."""
    text = conv.catalogues.error_text(target.language, error)
    if error.message_id == "credits.short" and target.channel == "telegram":
        label = conv.say(target, "credits.button_buy")
        return [Reply(text, buttons=((Button.of(label, ButtonAction.buy, "packs"),),))]
    left = int(error.params.get("left") or 0)
    if error.message_id != "quota.daily_left" or left <= 0:
        return [Reply(text)]
    conv.sessions.update(target.person_id, pending=Pending(PENDING_KIND, fewer(intent, left).to_dict(), time.time()))
    label = conv.say(target, "quota.button_make_left", left=left)
    return [Reply(text, buttons=((Button.of(label, ButtonAction.fewer, str(left)),),))]
