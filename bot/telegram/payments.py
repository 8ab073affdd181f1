"""Telegram Stars: invoices for /buy's packs, the checkout, the payment, an operator's refund.

* ``send_invoice``: one invoice per pack, in ``XTR`` with an empty provider token (Telegram
  requires Stars for digital goods; no payment provider is involved).
* ``pre_checkout_query``: answered at once (Telegram waits 10 s) from settings alone — yes
  when the payload's pack is still offered at that price, else no with the reason.
* ``successful_payment``: the only thing that credits. The grant is keyed by
  ``telegram_payment_charge_id`` (``worker.credits``), so the update delivered twice credits
  once, and one delivered again after a crash credits then. It is handled here, not by the
  conversation's once-per-update filter, so a redelivery is never dropped as a duplicate.
* ``catch_up``: a payment whose update reached a process that died before crediting it is
  never sent again, so at start and every ``CATCH_UP_S`` the bot reads its Stars history
  (``getStarTransactions``) and credits any payment the ledger lacks, by the same charge id.
* ``/refund <charge id>`` (ADMIN_IDS): takes the credits back, then ``refundStarPayment``;
  when Telegram refuses, the credits are restored.
"""

from __future__ import annotations

import asyncio
import logging
import time

from telegram import Bot, LabeledPrice, TransactionPartnerUser, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.messages import Dialogue, Invoice
from bot.telegram.parse import target_of
from bot.telegram.sender import thread_of
from core.chat import ChatTarget
from core.credits import CURRENCY, Pack, offered
from core.i18n import Catalogues, normalize_language
from core.settings import Settings
from worker.credits import Credits

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
CATCH_UP_S = 300.0
"""Seconds between two reads of the bot's Stars history (one Bot API call when nothing is new)."""
PAGE = 100
"""Transactions per getStarTransactions call (the Bot API's most)."""
ALREADY_REFUNDED = "CHARGE_ALREADY_REFUNDED"
"""The Bot API's description when the Stars of a charge were sent back before."""


async def send_invoice(bot: Bot, target: ChatTarget, invoice: Invoice) -> None:
    await bot.send_invoice(
        int(target.chat_id), invoice.title, invoice.description, invoice.payload, CURRENCY,
        [LabeledPrice(invoice.title, invoice.stars)], provider_token="",
        message_thread_id=thread_of(target),
    )


ADMINS_KEPT_S = 300.0
"""Seconds a group's list of administrators is kept before it is asked for again."""


class GroupAdmins:
    """Who administers a group (``getChatAdministrators``), asked once per ``ADMINS_KEPT_S``:
    with PAYMENTS=stars a group's admins may spend its pool of credits."""

    def __init__(self) -> None:
        self._known: dict[int, tuple[float, frozenset[int]]] = {}

    async def has(self, bot: Bot, chat_id: int, user_id: int) -> bool:
        at, admins = self._known.get(chat_id, (0.0, frozenset()))
        if time.monotonic() - at > ADMINS_KEPT_S:
            try:
                members = await bot.get_chat_administrators(chat_id)
            except TelegramError as error:
                log.info("telegram: group admins unknown (%s); the pool is not used", error)
                return False
            admins = frozenset(m.user.id for m in members)
            self._known[chat_id] = (time.monotonic(), admins)
        return user_id in admins


class Payments:
    """The payment handlers of one Application."""

    def __init__(self, credits: Credits, conversation: Dialogue, settings: Settings,
                 catalogues: Catalogues) -> None:
        self.credits = credits
        self.conversation = conversation
        self.settings = settings
        self.catalogues = catalogues

    async def on_pre_checkout(self, update: Update, context: Context) -> None:
        query = update.pre_checkout_query
        if query is None:
            return
        pack = None
        if self.settings.payments == "stars":
            pack = offered(query.invoice_payload, query.total_amount, query.currency, self.settings.credit_packs)
        if pack is not None:
            await query.answer(ok=True)
            return
        language = normalize_language(query.from_user.language_code)
        log.info("telegram: checkout refused for payload %r", query.invoice_payload[:64])
        await query.answer(ok=False, error_message=self.catalogues.text(language, "credits.pack_changed"))

    async def on_paid(self, update: Update, context: Context) -> None:
        message = update.effective_message
        payment = message.successful_payment if message is not None else None
        if message is None or payment is None or message.from_user is None:
            return
        payer = message.from_user
        target = target_of(message.chat, payer, None, message)
        pack = Pack.from_payload(payment.invoice_payload)
        if pack is None or payment.currency != CURRENCY:
            # Not one of ours (or changed in flight): never lose a paid charge silently.
            log.error("telegram: payment %s with unknown payload kept for the operator",
                      payment.telegram_payment_charge_id)
            pack = Pack(0, payment.total_amount)
        first = self.credits.grant(
            target.person_id, payment.telegram_payment_charge_id, pack.credits,
            stars=payment.total_amount, payer=str(payer.id), pack=payment.invoice_payload,
        )
        if not first:
            log.info("telegram: payment %s was credited before", payment.telegram_payment_charge_id)
            return
        await self._tell_paid(context.bot, target, pack.credits)

    async def _tell_paid(self, bot: Bot, target: ChatTarget, credits: int) -> None:
        language = self.conversation.reply_language(target)
        left = self.credits.balance(target.person_id)
        await bot.send_message(
            int(target.chat_id), self.catalogues.text(language, "credits.paid", credits=credits, balance=left),
            message_thread_id=thread_of(target),
        )

    async def catch_up(self, bot: Bot) -> int:
        """Credit every Stars payment in the bot's history that the ledger has not (its update
        was lost with a process); how many. The person is told in their private chat."""
        offset = self.credits.stars_seen()
        found = 0
        while True:
            page = (await bot.get_star_transactions(offset=offset, limit=PAGE)).transactions
            for transaction in page:
                source = transaction.source
                if not isinstance(source, TransactionPartnerUser) or source.invoice_payload is None:
                    continue  # a refund going out, a withdrawal, a gift: nothing to credit
                pack = Pack.from_payload(source.invoice_payload) or Pack(0, transaction.amount)
                person = ChatTarget("telegram", str(source.user.id), str(source.user.id),
                                    normalize_language(source.user.language_code))
                if self.credits.grant(person.person_id, transaction.id, pack.credits, stars=transaction.amount,
                                      payer=str(source.user.id), pack=source.invoice_payload):
                    found += 1
                    log.warning("telegram: payment %s credited from the Stars history", transaction.id)
                    try:
                        await self._tell_paid(bot, person, pack.credits)
                    except TelegramError as error:
                        log.info("telegram: could not tell the payer of %s: %s", transaction.id, error)
            offset += len(page)
            self.credits.saw_stars(offset)
            if len(page) < PAGE:
                return found

    async def keep_caught_up(self, bot: Bot, every: float = CATCH_UP_S) -> None:
        """``catch_up`` now and every ``every`` seconds until cancelled; a failure waits a turn."""
        while True:
            try:
                await self.catch_up(bot)
            except TelegramError as error:
                log.warning("telegram: reading the Stars history failed: %s", error)
            await asyncio.sleep(every)

    async def on_refund(self, update: Update, context: Context) -> None:
        """/refund <telegram_payment_charge_id>: for ADMIN_IDS."""
        message = update.effective_message
        if message is None or message.from_user is None:
            return
        target = target_of(message.chat, message.from_user, None, message)
        language = self.conversation.reply_language(target)

        async def say(message_id: str, **params: object) -> None:
            await context.bot.send_message(int(target.chat_id), self.catalogues.text(language, message_id, **params),
                                           message_thread_id=thread_of(target))

        admins = self.settings.admin_ids
        if target.user_id not in admins and target.person_id not in admins:
            await say("conv.not_admin")
            return
        words = (message.text or "").split()
        if len(words) != 2:
            await say("credits.refund_usage")
            return
        charge_id = words[1]
        charge = self.credits.charge(charge_id)
        if charge is None or not charge.payer.isdigit():
            await say("credits.refund_unknown")
            return
        taken = self.credits.refund(charge_id)
        try:
            await context.bot.refund_star_payment(int(charge.payer), charge_id)
        except TelegramError as error:
            if ALREADY_REFUNDED not in str(error).upper():
                if taken:
                    self.credits.restore(charge_id)
                await say("credits.refund_failed", reason=str(error)[:200])
                return
        if not taken and charge.state == "refunded":
            await say("credits.refund_before")
            return
        left = self.credits.balance(charge.person_id)
        await say("credits.refunded", stars=charge.stars, credits=charge.credits, person=charge.person_id,
                  balance=left)
