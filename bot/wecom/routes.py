"""The ``/wecom`` callback of the WeCom AI bot (callback mode): GET verification, POST messages.

Every request's ``msg_signature`` and timestamp are checked before anything is decrypted;
anything that fails gets 403. A message is answered within milliseconds with a stream
(``bot.wecom.handler``); the platform then refreshes the stream until it is finished.
Replies are encrypted JSON (``{"encrypt", "msgsignature", "timestamp", "nonce"}``); "nothing
to say" is an empty 200.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from bot.wecom.crypto import MAX_BODY_BYTES, Rejected, WeComCrypto
from bot.wecom.handler import WeComBot

log = logging.getLogger(__name__)


class WeComCallback:
    def __init__(self, crypto: WeComCrypto, bot: WeComBot) -> None:
        self.crypto = crypto
        self.bot = bot

    async def verify_url(self, request: Request) -> Response:
        try:
            echo = self.crypto.verify_url(request.query_params)
        except Rejected as rejected:
            log.warning("wecom: URL verification refused (%s)", rejected.reason)
            return PlainTextResponse("forbidden", status_code=403)
        return PlainTextResponse(echo)

    async def receive(self, request: Request) -> Response:
        if int(request.headers.get("content-length") or 0) > MAX_BODY_BYTES:
            return PlainTextResponse("too large", status_code=413)
        body = await request.body()
        try:
            message = self.crypto.open_message(request.query_params, body)
        except Rejected as rejected:
            log.warning("wecom: callback refused (%s)", rejected.reason)
            return PlainTextResponse("forbidden", status_code=403)
        reply = await self.bot.receive(message)
        if reply is None:
            return PlainTextResponse("")
        return JSONResponse(self.crypto.seal(reply, request.query_params.get("nonce") or None))


def wecom_routes(crypto: WeComCrypto, bot: WeComBot, path: str = "/wecom") -> list[Route]:
    callback = WeComCallback(crypto, bot)
    return [
        Route(path, callback.verify_url, methods=["GET"]),
        Route(path, callback.receive, methods=["POST"]),
    ]
