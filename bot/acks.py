"""The acknowledgement of a queued request: what is being made, how long, and what it costs."""

from __future__ import annotations

from bot.commands import Conversation
from core.chat import ChatTarget
from core.idspecs import IdSpec, get_spec, refused_note
from core.plan import Plan
from worker.queue import Ticket


def ack_text(conv: Conversation, result: Plan, ticket: Ticket, target: ChatTarget, what: str) -> str:
    """"On it: Anime, about 20 s", with the ID document, the queue, notes and the price."""
    images = sum(r.count for r in result.requests)
    text = conv.say(
        target,
        "conv.ack" if images > 1 else "conv.ack_one",
        what=what,
        model=conv.model_name(result.model.key, target),
        seconds=int(round(ticket.eta_s)),
        images=images,
    )
    document = _id_document(conv, result)
    if document is not None:
        text += "\n" + f"{document.name(target.language)} · {document.size_label()}"
        notes = dict.fromkeys(refused_note(r.id_spec, r.background) for r in result.requests)
        text += "".join("\n" + conv.say(target, n, name=document.name(target.language)) for n in notes if n)
    if ticket.ahead:
        text += "\n" + conv.say(target, "conv.ack_ahead", ahead=ticket.ahead)
    if result.note:
        text += "\n" + conv.say(target, result.note, model=conv.model_name(result.model.key, target))
    if result.model.local:
        text += "\n" + conv.say(target, "conv.offline_note")
    if ticket.balance is not None and ticket.credits:
        which = "credits.ack_pool" if ticket.pooled else "credits.ack_one" if ticket.credits == 1 else "credits.ack"
        text += "\n" + conv.say(target, which, credits=ticket.credits, balance=ticket.balance)
    return text

def _id_document(conv: Conversation, result: Plan) -> IdSpec | None:
    """The ID document an ID-photo request is made for, to name it in the acknowledgement."""
    for request in result.requests:
        style = conv.styles.get(request.style)
        if request.id_spec or (style is not None and style.is_id_photo):
            return get_spec(request.id_spec, request.background or (style.background if style else None))
    return None

