"""Which country? A visa or passport photo asked for with no country named ("签证照",
"visa photo") gets the question with one button per document, not a guess: sizes and
backdrops differ by country. The answer is a button, its number (WeChat shows buttons as a
numbered list) or the country's name."""

from __future__ import annotations

import time
from dataclasses import replace

from bot.commands import Conversation
from bot.messages import Reply
from core.chat import Button, ButtonAction, ChatTarget
from core.idspecs import SPECS
from core.intent import id_words, recognize
from core.request import Intent
from worker.store import Pending, Session

PENDING_KIND = "id_spec"
"""Session pending kind while the question is open."""


def ask(conv: Conversation, intent: Intent, target: ChatTarget) -> list[Reply]:
    """Remember the request and ask which document it is for."""
    keys = [key for key in intent.choices or () if key in SPECS]
    conv.sessions.update(target.person_id, pending=Pending(PENDING_KIND, intent.to_dict(), time.time()))
    buttons = [Button.of(SPECS[key].name(target.language), ButtonAction.spec, key) for key in keys]
    rows = tuple((button,) for button in buttons)
    return [Reply(conv.say(target, "conv.which_country"), buttons=rows)]


def pick(conv: Conversation, key: str, target: ChatTarget, session: Session) -> list[Reply]:
    """Go ahead with the asked-for request for the document ``key``."""
    if session.pending is None or session.pending.kind != PENDING_KIND or key not in SPECS:
        return [Reply(conv.say(target, "conv.expired_button"))]
    asked = Intent.from_dict(session.pending.intent)
    backdrop = SPECS[key].backgrounds[0]
    style = id_words.BACKGROUND_STYLE.get(backdrop, "id_photo_white")
    chosen = replace(asked, action="generate", id_spec=key, style=style, choices=None)
    return conv.start(chosen, target, session)


def answer(
    conv: Conversation, text: str, number: int | None, target: ChatTarget, session: Session
) -> list[Reply] | None:
    """The reply to the open question, or None when the text is not an answer to it."""
    assert session.pending is not None
    keys = [k for k in session.pending.intent.get("choices") or [] if k in SPECS]
    if number is not None:
        if 1 <= number <= len(keys):
            return pick(conv, keys[number - 1], target, session)
        return None
    asked = "visa photo" if "schengen" in keys else "passport photo"  # 日本: visa or passport
    named = recognize(f"{asked} {text}").id_spec
    if named is not None and named in SPECS:
        return pick(conv, named, target, session)
    return None
