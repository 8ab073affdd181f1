"""Telegram Stars on the fake Bot API: invoices, the checkout, the payment, refunds, history.

As Telegram does it (https://core.telegram.org/bots/payments-stars):

* ``sendInvoice`` in ``XTR`` takes an empty (or no) ``provider_token`` and exactly one price;
  the invoice message it sends carries ``invoice``.
* A person paying (``pay``) first makes Telegram send the bot a ``pre_checkout_query``; the
  bot must ``answerPreCheckoutQuery`` within 10 s (``ok`` false needs an ``error_message``).
  Only then is the payment made: a ``successful_payment`` message arrives, and the
  transaction is in ``getStarTransactions`` (its id is the ``telegram_payment_charge_id``).
* ``refundStarPayment`` sends a charge's Stars back once (``CHARGE_ALREADY_REFUNDED`` after).
"""

from __future__ import annotations

import json
import time
from typing import Any

from tests.fakes.telegram_api import ApiError, FakeBotApi, Upload

CHECKOUT_WAIT_S = 10.0
"""Telegram cancels a payment whose pre-checkout query is not answered within this."""


class StarsBotApi(FakeBotApi):
    """The fake Bot API with Telegram Stars payments."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.checkouts: dict[str, dict[str, Any] | None] = {}
        """pre_checkout_query id -> the bot's answer (None until answered)."""
        self.transactions: list[dict[str, Any]] = []
        """StarTransaction objects in chronological order (payments in, refunds out)."""
        self.refunded: set[str] = set()
        self.admins: dict[int, list[dict[str, Any]]] = {}
        """group chat id -> its administrators (users), for getChatAdministrators."""
        self._charges = 0

    # ---- what a test does ------------------------------------------------------------------

    def invoices_to(self, chat_id: int) -> list[dict[str, Any]]:
        """The invoice messages the bot sent into a chat, oldest first."""
        return [m for m in self.sent_to(chat_id) if "invoice" in m]

    async def pay(self, payer: dict[str, Any], invoice_message: dict[str, Any], *,
                  total: int | None = None, payload: str | None = None,
                  delivered: bool = True, twice: bool = False) -> dict[str, Any] | None:
        """``payer`` taps Pay on an invoice: the checkout query, then (when the bot said yes)
        the payment. ``total``/``payload`` pretend the invoice changed on the way. With
        ``delivered=False`` the payment is made but its update went to a process that died
        before handling it (Telegram does not send it again); ``twice`` delivers it twice.
        Returns the ``successful_payment`` (None when the checkout was refused)."""
        invoice = invoice_message["invoice"]
        total = invoice["total_amount"] if total is None else total
        payload = invoice_message["_payload"] if payload is None else payload
        query_id = f"pcq{next(self._ids)}"
        with self.lock:
            self.checkouts[query_id] = None
        self.push({"id": query_id, "from": payer, "currency": invoice["currency"],
                   "total_amount": total, "invoice_payload": payload}, kind="pre_checkout_query")
        answer = await self.until(lambda: self.checkouts.get(query_id), timeout=CHECKOUT_WAIT_S)
        if not answer["ok"]:
            return None
        with self.lock:
            self._charges += 1
            charge_id = f"stxCHARGE{self._charges:04d}x{int(time.time() * 1000) % 100000}"
            self.transactions.append({
                "id": charge_id, "amount": total, "date": int(time.time()),
                "source": {"type": "user", "transaction_type": "invoice_payment",
                           "user": payer, "invoice_payload": payload},
            })
        payment = {"currency": invoice["currency"], "total_amount": total, "invoice_payload": payload,
                   "telegram_payment_charge_id": charge_id, "provider_payment_charge_id": ""}
        chat = invoice_message["chat"]
        message = self.message(payer, chat=chat if chat.get("type") != "private" else None,
                               successful_payment=payment)
        if delivered:
            self.push(message)
            if twice:  # as a new update (a redelivery with the same update_id is dropped earlier)
                self.push(message)
        return payment

    def balance_stars(self) -> int:
        """Stars the bot holds: payments in, minus refunds out."""
        with self.lock:
            return sum(t["amount"] * (1 if "source" in t else -1) for t in self.transactions)

    # ---- the methods -----------------------------------------------------------------------

    def _m_sendInvoice(self, params: dict[str, Any], files: dict[str, Upload]) -> dict[str, Any]:
        prices = params.get("prices")
        prices = json.loads(prices) if isinstance(prices, str) else prices
        currency = params.get("currency")
        for name in ("title", "description", "payload", "currency"):
            if not params.get(name):
                raise ApiError(400, f"Bad Request: {name} is empty")
        if not 1 <= len(params["title"]) <= 32 or not 1 <= len(params["description"]) <= 255:
            raise ApiError(400, "Bad Request: invoice title or description is too long")
        if not 1 <= len(params["payload"].encode()) <= 128:
            raise ApiError(400, "Bad Request: INVOICE_PAYLOAD_INVALID")
        if currency == "XTR":
            if params.get("provider_token"):
                raise ApiError(400, "Bad Request: provider_token must be empty for payments in Telegram Stars")
            if not isinstance(prices, list) or len(prices) != 1:
                raise ApiError(400, "Bad Request: exactly one price is allowed for payments in Telegram Stars")
        total = sum(int(p["amount"]) for p in prices or [])
        message = self._store(params, invoice={
            "title": params["title"], "description": params["description"],
            "start_parameter": params.get("start_parameter", ""), "currency": currency,
            "total_amount": total,
        })
        message["_payload"] = params["payload"]  # the fake's memory; Telegram keeps it too
        return {k: v for k, v in message.items() if k != "_payload"}

    def _m_answerPreCheckoutQuery(self, params: dict[str, Any], files: dict[str, Upload]) -> bool:
        query_id = params.get("pre_checkout_query_id")
        if query_id not in self.checkouts:
            raise ApiError(400, "Bad Request: QUERY_ID_INVALID")
        if self.checkouts[query_id] is not None:
            raise ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        ok = params.get("ok") in (True, "true", "True", 1, "1")
        if not ok and not params.get("error_message"):
            raise ApiError(400, "Bad Request: error_message is required when ok is false")
        self.checkouts[query_id] = {"ok": ok, "error_message": params.get("error_message")}
        return True

    def _m_refundStarPayment(self, params: dict[str, Any], files: dict[str, Upload]) -> bool:
        charge_id = params.get("telegram_payment_charge_id")
        paid = [t for t in self.transactions if t["id"] == charge_id and "source" in t]
        if not paid or str(paid[0]["source"]["user"]["id"]) != str(params.get("user_id")):
            raise ApiError(400, "Bad Request: CHARGE_NOT_FOUND")
        if charge_id in self.refunded:
            raise ApiError(400, "Bad Request: CHARGE_ALREADY_REFUNDED")
        self.refunded.add(charge_id)
        self.transactions.append({"id": charge_id, "amount": paid[0]["amount"], "date": int(time.time()),
                                  "receiver": {"type": "user", "transaction_type": "invoice_payment",
                                               "user": paid[0]["source"]["user"]}})
        return True

    def _m_getChatAdministrators(self, params: dict[str, Any], files: dict[str, Upload]) -> list[dict[str, Any]]:
        chat_id = int(params["chat_id"])
        if chat_id not in self.chats:
            raise ApiError(400, "Bad Request: chat not found")
        return [{"status": "administrator", "user": user, "can_be_edited": False, "is_anonymous": False,
                 "can_manage_chat": True, "can_delete_messages": True, "can_manage_video_chats": True,
                 "can_restrict_members": True, "can_promote_members": False, "can_change_info": True,
                 "can_invite_users": True, "can_post_stories": False, "can_edit_stories": False,
                 "can_delete_stories": False}
                for user in self.admins.get(chat_id, [])]

    def _m_getStarTransactions(self, params: dict[str, Any], files: dict[str, Upload]) -> dict[str, Any]:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        if not 1 <= limit <= 100:
            raise ApiError(400, "Bad Request: limit must be between 1 and 100")
        return {"transactions": self.transactions[offset:offset + limit]}
