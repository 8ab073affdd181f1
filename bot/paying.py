"""Credits commands: /balance, /buy, /paysupport, and for ADMIN_IDS /grant and /stats by day.

With ``PAYMENTS=stars`` a picture costs credits (``core.credits``), held when it is queued and
spent when it is delivered (``worker.credits``). /buy offers the packs as Telegram Stars
invoices; the payment itself is taken by the Telegram channel (``bot.telegram.payments``).
Without payments, /balance shows the daily quota as /quota does.
"""

from __future__ import annotations

import time
import uuid

from bot.commands import COMMANDS, Command, Conversation, argument
from bot.messages import Invoice, Reply
from core.chat import POOL_PREFIX, ChatTarget
from worker.ledger import cost_key, day
from worker.redis_conn import text
from worker.store import Session

STATS_DAYS = 7
"""Days /stats lists Stars, credits and upstream dollars for."""


def is_admin(conv: Conversation, target: ChatTarget) -> bool:
    admins = conv.settings.admin_ids
    return target.user_id in admins or target.person_id in admins


def balance(conv: Conversation, target: ChatTarget, session: Session, text_: str) -> list[Reply]:
    """/balance: credits left (and held by pictures on their way); the quota without payments."""
    if not conv.queue.billing.pays(target):
        return COMMANDS["quota"](conv, target, session, text_)
    account = conv.queue.credits.account(target.person_id)
    lines = [conv.say(target, "credits.balance", balance=account.balance)]
    if account.held:
        lines.append(conv.say(target, "credits.balance_held", held=account.held))
    if target.channel == "telegram":
        lines.append(conv.say(target, "credits.balance_buy"))
    return [Reply("\n".join(lines))]


def buy(conv: Conversation, target: ChatTarget, session: Session, text_: str) -> list[Reply]:
    """/buy: the packs as Stars invoices (Telegram only)."""
    if conv.settings.payments != "stars" or not conv.settings.credit_packs:
        return [Reply(conv.say(target, "credits.buy_off"))]
    if target.channel != "telegram":
        return [Reply(conv.say(target, "credits.buy_telegram_only"))]
    left = conv.queue.credits.balance(target.person_id)
    invoices = tuple(
        Invoice(
            title=conv.say(target, "credits.pack_title", credits=pack.credits)[:32],
            description=conv.say(target, "credits.pack_description", credits=pack.credits)[:255],
            payload=pack.payload,
            stars=pack.stars,
        )
        for pack in conv.settings.credit_packs
    )
    return [Reply(conv.say(target, "credits.buy_intro", balance=left), invoices=invoices)]


def paysupport(conv: Conversation, target: ChatTarget, session: Session, text_: str) -> list[Reply]:
    """/paysupport: where to ask about a payment (Telegram requires bots that sell to have it)."""
    contact = conv.settings.payment_support
    if contact:
        return [Reply(conv.say(target, "credits.paysupport", contact=contact))]
    return [Reply(conv.say(target, "credits.paysupport_here"))]


def grant(conv: Conversation, target: ChatTarget, session: Session, text_: str) -> list[Reply]:
    """/grant <person> <credits>: an operator gives credits (web and WeChat people cannot buy)."""
    if not is_admin(conv, target):
        return [Reply(conv.say(target, "conv.not_admin"))]
    parts = argument(text_).split()
    if len(parts) != 2 or not parts[1].isdigit() or int(parts[1]) < 1:
        return [Reply(conv.say(target, "credits.grant_usage"))]
    person = parts[0] if ":" in parts[0] and not parts[0].startswith(POOL_PREFIX) else f"telegram:{parts[0]}"
    credits = int(parts[1])
    conv.queue.credits.grant(person, f"op:{uuid.uuid4().hex}", credits, payer=target.person_id)
    left = conv.queue.credits.balance(person)
    return [Reply(conv.say(target, "credits.granted", credits=credits, person=person, balance=left))]


def stats(conv: Conversation, target: ChatTarget, session: Session, text_: str) -> list[Reply]:
    """/stats, and with payments Stars, credits and upstream dollars for each of the last days."""
    replies = COMMANDS["stats"](conv, target, session, text_)
    if not is_admin(conv, target) or conv.settings.payments != "stars":
        return replies
    lines = []
    now = time.time()
    for back in range(STATS_DAYS):
        on = day(now - back * 86400)
        totals = conv.queue.credits.day_totals(on)
        usd = float(text(conv.queue.redis.hget(cost_key(on), "total") or b"0"))
        if not totals and not usd:
            continue
        lines.append(conv.say(
            target, "credits.stats_day", day=f"{on[:4]}-{on[4:6]}-{on[6:]}",
            stars=totals.get("stars", 0) - totals.get("stars_refunded", 0),
            sold=totals.get("sold", 0), given=totals.get("given", 0), spent=totals.get("spent", 0),
            returned=totals.get("returned", 0), refunded=totals.get("refunded", 0), usd=f"{usd:.2f}",
        ))
    if lines:
        replies = [*replies, Reply(conv.say(target, "credits.stats_title") + "\n" + "\n".join(lines))]
    return replies


PAYING_COMMANDS: dict[str, Command] = {
    "balance": balance,
    "credits": balance,
    "buy": buy,
    "paysupport": paysupport,
    "grant": grant,
    "stats": stats,
}
"""Added to (and for /stats over) ``bot.commands.COMMANDS`` by the conversation."""
EVERY_COMMAND: dict[str, Command] = {**COMMANDS, **PAYING_COMMANDS}
"""The commands the conversation answers: the plain ones and, over them, the paying ones."""
