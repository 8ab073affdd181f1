"""The ``/wechat`` callback of the Official Account: GET verification, POST messages.

Plaintext, compatible and safe (AES) modes. Every request is verified (``security``) before
anything is decrypted or parsed. Each message is answered once, within WeChat's 5 seconds:

* The first delivery claims the message key (MsgId, or sender + CreateTime for events) and
  computes the passive reply; the plaintext reply is cached for the key.
* WeChat retries a callback it got no answer to within 5 s (three tries). A retry is answered
  with the cached reply -- waiting briefly if the first delivery is still working -- because
  WeChat shows the person only the answer to the try it is still waiting for; answering
  "success" to the retry would swallow the reply. A retry never makes a second job.
* If the answer takes longer than CALLBACK_BUDGET_SECONDS the callback says "success" (WeChat
  then neither retries nor shows "service unavailable") and the reply, when ready, is pushed
  through the customer-service API by a follow-up job.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from xml.parsers.expat import ExpatError

import redis
import xmltodict
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from wechatpy.crypto import WeChatCrypto
from wechatpy.replies import ImageReply, TextReply

from bot.messages import Dialogue
from bot.wechat.api import WeChatApi
from bot.wechat.handler import EnqueueJob, WeChatHandler, message_key
from bot.wechat.replies import Passive
from bot.wechat.security import MAX_BODY_BYTES, Rejected, verify
from bot.wechat.status import Running
from bot.wechat.store import ReplyCache
from core.chat import ChatTarget
from core.i18n import Catalogues
from core.settings import Settings

log = logging.getLogger(__name__)

CALLBACK_BUDGET_SECONDS = 3.5
"""Time we give ourselves to answer; WeChat hangs up at 5 s and retries."""
DUPLICATE_WAIT_SECONDS = 3.0
"""How long a retry waits for the first delivery's answer before saying "success"."""
DUPLICATE_POLL_SECONDS = 0.05
NO_REPLY = "success"
"""WeChat's "nothing to say": no retry, nothing shown to the person."""


class WeChatCallback:
    """The endpoint: verification, decryption, dedup, encryption around a ``WeChatHandler``."""

    def __init__(
        self,
        *,
        settings: Settings,
        redis_client: redis.Redis,
        handler: WeChatHandler,
        budget_seconds: float = CALLBACK_BUDGET_SECONDS,
    ) -> None:
        self.budget_seconds = budget_seconds
        self.token = settings.wechat_token.reveal()
        self.redis = redis_client
        self.handler = handler
        self.cache = ReplyCache(redis_client)
        aes_key = settings.wechat_aes_key.reveal()
        self.crypto = WeChatCrypto(self.token, aes_key, settings.wechat_app_id) if aes_key else None
        self._late: set[asyncio.Task[Passive]] = set()

    async def verify_url(self, request: Request) -> Response:
        """GET: WeChat checks the URL when the operator saves the server settings."""
        query = request.query_params
        try:
            verify(self.redis, self.token, query, b"", encrypted=False)
        except Rejected as rejected:
            log.warning("wechat: refused a verification request: %s", rejected.reason)
            return PlainTextResponse("forbidden", status_code=403)
        return PlainTextResponse(query.get("echostr", ""))

    async def receive(self, request: Request) -> Response:
        """POST: one message or event."""
        query = request.query_params
        body = await _read_capped(request)
        if body is None:
            log.warning("wechat: refused a callback: body too large")
            return PlainTextResponse("too large", status_code=413)
        encrypted = query.get("encrypt_type", "raw").lower() == "aes"
        try:
            encrypt = verify(self.redis, self.token, query, body, encrypted=encrypted)
            if self.crypto is not None and not encrypted:
                # Safe mode (WECHAT_AES_KEY set): WeChat encrypts and signs every message, so a
                # plaintext one, whose body no signature covers, is not from WeChat.
                raise Rejected("plaintext message while safe mode is on")
            if encrypt is not None and self.crypto is None:
                # Compatible mode without WECHAT_AES_KEY: the same message also travels in
                # plaintext beside Encrypt; read that and answer in plaintext.
                encrypt = None
            message = self._open(body, encrypt, query)
        except Rejected as rejected:
            log.warning("wechat: refused a callback: %s", rejected.reason)
            return PlainTextResponse("forbidden", status_code=403)
        key = message_key(message)
        if self.cache.claim(key):
            reply_xml = self._render(message, await self._answer_in_time(message))
            self.cache.store(key, reply_xml)
        else:
            reply_xml = await self._wait_for_first(key)
        return self._respond(reply_xml, query, encrypted=encrypt is not None)

    def _open(self, body: bytes, encrypt: str | None, query: Any) -> dict[str, Any]:
        """The message as a dict: decrypted in safe mode, read as is otherwise."""
        if encrypt is not None:
            if self.crypto is None:
                raise Rejected("encrypted message but WECHAT_AES_KEY is not set")
            try:
                # Checks msg_signature once more, then the AppID inside the plaintext.
                body = self.crypto.decrypt_message(
                    {"Encrypt": encrypt},
                    query.get("msg_signature", ""),
                    query.get("timestamp", ""),
                    query.get("nonce", ""),
                ).encode()
            except Exception:  # a forged ciphertext fails in many shapes (padding, base64, AppID)
                raise Rejected("undecryptable message") from None
        try:
            document = xmltodict.parse(body, disable_entities=True)
        except (ExpatError, ValueError):
            raise Rejected("unreadable message") from None
        message = document.get("xml") if isinstance(document, dict) else None
        if not isinstance(message, dict) or not message.get("MsgType"):
            raise Rejected("not a WeChat message")
        return message

    async def _answer_in_time(self, message: dict[str, Any]) -> Passive:
        """The handler's answer, or nothing if it is late (then it is pushed when ready)."""
        task = asyncio.ensure_future(self.handler.answer(message))
        try:
            return await asyncio.wait_for(asyncio.shield(task), self.budget_seconds)
        except TimeoutError:
            log.warning("wechat: answer took longer than %.1f s; pushing it later", self.budget_seconds)
            self._late.add(task)
            task.add_done_callback(lambda done: self._push_late(done, message))
            return Passive()
        except Exception:
            # A bug must not become WeChat's "service unavailable" after three retries.
            log.exception("wechat: answering a message failed")
            openid = str(message.get("FromUserName") or "")
            language = self.handler.languages.get(openid) or "zh"
            return Passive(text=self.handler.catalogues.text(language, "error.internal"))

    def _push_late(self, task: asyncio.Task[Passive], message: dict[str, Any]) -> None:
        self._late.discard(task)
        if task.cancelled() or task.exception() is not None:
            return
        passive = task.result()
        openid = str(message.get("FromUserName") or "")
        target = ChatTarget("wechat", openid, openid, language=self.handler.languages.get(openid) or "zh")
        payload: dict[str, Any] = {"kind": "push", "target": target.to_dict(), "texts": [], "images": []}
        if passive.text:  # an acknowledgement: pushed if it can be, never held to come back stale
            payload["notes"] = [passive.text]
        if passive.media_id:
            payload["media_ids"] = [passive.media_id]
        self.handler.enqueue_job(payload)

    async def _wait_for_first(self, key: str) -> str:
        """A retry: the first delivery's cached reply, once it is there."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + DUPLICATE_WAIT_SECONDS
        while True:
            cached = self.cache.get(key)
            if cached is not None or loop.time() >= deadline:
                return cached or ""
            await asyncio.sleep(DUPLICATE_POLL_SECONDS)

    @staticmethod
    def _render(message: dict[str, Any], passive: Passive) -> str:
        """The plaintext passive reply XML, or "" for none."""
        me, person = message.get("ToUserName", ""), message.get("FromUserName", "")
        if passive.media_id:
            return str(ImageReply(source=me, target=person, media_id=passive.media_id).render())
        if passive.text:
            return str(TextReply(source=me, target=person, content=passive.text).render())
        return ""

    def _respond(self, reply_xml: str, query: Any, *, encrypted: bool) -> Response:
        if not reply_xml:
            return PlainTextResponse(NO_REPLY)
        if encrypted and self.crypto is not None:
            reply_xml = self.crypto.encrypt_message(
                reply_xml, query.get("nonce", ""), query.get("timestamp", "")
            )
        return Response(reply_xml, media_type="application/xml")


async def _read_capped(request: Request) -> bytes | None:
    """The request body, or None as soon as it grows past MAX_BODY_BYTES."""
    if int(request.headers.get("content-length") or 0) > MAX_BODY_BYTES:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def wechat_routes(
    settings: Settings,
    redis_client: redis.Redis,
    conversation: Dialogue,
    enqueue_photo_job: EnqueueJob | None = None,
    *,
    catalogues: Catalogues | None = None,
    path: str = "/wechat",
    budget_seconds: float = CALLBACK_BUDGET_SECONDS,
) -> list[Route]:
    """The ``/wechat`` routes; empty when WeChat is not configured (no WECHAT_TOKEN).

    ``enqueue_photo_job`` puts a ``bot.wechat.jobs`` payload on a queue; by default it goes
    to the WeChat RQ queue on ``redis_client`` (``bot.wechat.jobs.enqueuer``).
    """
    if not settings.wechat_token:
        return []
    if catalogues is None:
        import locales

        catalogues = locales.load()
    if enqueue_photo_job is None:
        from bot.wechat.jobs import enqueuer

        enqueue_photo_job = enqueuer(redis_client)
    api = WeChatApi(settings, redis_client) if settings.wechat_app_id else None
    handler = WeChatHandler(
        redis_client=redis_client,
        conversation=conversation,
        enqueue_job=enqueue_photo_job,
        catalogues=catalogues,
        api=api,
        running=Running(redis_client, settings),
    )
    callback = WeChatCallback(
        settings=settings, redis_client=redis_client, handler=handler, budget_seconds=budget_seconds
    )
    return [
        Route(path, callback.verify_url, methods=["GET"]),
        Route(path, callback.receive, methods=["POST"]),
    ]
