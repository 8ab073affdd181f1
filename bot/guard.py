"""What every HTTP answer carries, and what no other site may make a browser do.

``SecurityHeaders`` (ASGI middleware) adds a Content-Security-Policy (own scripts, styles and
pictures only; no framing), ``X-Content-Type-Options: nosniff``, a referrer policy and
``X-Frame-Options``; it marks cookies ``Secure`` when the request came over https (uvicorn
takes the scheme from a trusted proxy; any proxy's X-Forwarded-Proto counts too); and it
refuses state-changing requests (POST …) that a browser sends on behalf of another site: the
``Sec-Fetch-Site`` and ``Origin`` headers browsers always add must say the request comes from
this site. Clients that are not browsers (webhooks, callbacks) send neither and pass, as they
carry no one's cookie; the platforms' own signatures protect those routes.

``busy_handler`` answers a Redis outage (the embedded Redis restarting) with 503 "busy, try
again shortly" instead of a raw 500.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.i18n import Catalogues, normalize_language

log = logging.getLogger(__name__)

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
RETRY_AFTER_S = 5
"""Seconds a client is told to wait while Redis is down (the supervisor restarts it in ~1 s)."""


class SecurityHeaders:
    def __init__(self, app: ASGIApp, public_url: str = "") -> None:
        self.app = app
        self.public_origin = _origin_of(public_url) if public_url else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] not in SAFE_METHODS and self._cross_site(scope):
            log.info("http: refused a cross-site %s to %s", scope["method"], scope["path"])
            response = PlainTextResponse("cross-site request refused", status_code=403)
            await response(scope, receive, self._decorated(scope, send))
            return
        await self.app(scope, receive, self._decorated(scope, send))

    def _decorated(self, scope: Scope, send: Send) -> Send:
        # https as the browser sees it: uvicorn's scheme (from a trusted proxy), or any proxy's
        # X-Forwarded-Proto (spoofing it only makes one's own cookie stricter).
        forwarded = dict(scope.get("headers", [])).get(b"x-forwarded-proto", b"").lower()
        secure = scope.get("scheme") == "https" or forwarded.split(b",")[0].strip() == b"https"

        async def decorated(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() not in {name for name, _ in HEADERS}]
                if secure:
                    headers = [(k, v + b"; Secure") if k.lower() == b"set-cookie"
                               and b"secure" not in v.lower() else (k, v) for k, v in headers]
                message = {**message, "headers": headers + HEADERS}
            await send(message)

        return decorated

    def _cross_site(self, scope: Scope) -> bool:
        headers = {k.lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        site = headers.get(b"sec-fetch-site")
        if site is not None and site not in ("same-origin", "none"):
            return True
        origin = headers.get(b"origin")
        if origin is None:
            return False  # not a browser, or one too old to send Sec-Fetch-Site nor Origin on POST
        allowed = {f"{scope.get('scheme', 'http')}://{headers.get(b'host', '')}".lower()}
        if self.public_origin:
            allowed.add(self.public_origin)
        return origin.lower().rstrip("/") not in allowed


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def busy_handler(catalogues: Catalogues) -> Callable[[Request, Exception], Awaitable[Response]]:
    """The answer to any request that found Redis down: busy, try again shortly."""

    async def busy(request: Request, exc: Exception) -> Response:
        log.warning("http: Redis unavailable (%s) on %s", type(exc).__name__, request.url.path)
        headers = {"Retry-After": str(RETRY_AFTER_S)}
        if request.url.path.startswith("/api/"):
            header = request.headers.get("accept-language", "")
            language = normalize_language(header.split(",")[0].split(";")[0].strip() or None)
            text = catalogues.text(language, "web.busy")
            after = request.query_params.get("after", "0-0")
            return JSONResponse({"replies": [{"text": text, "buttons": []}], "events": [],
                                 "cursor": after}, status_code=503, headers=headers)
        return PlainTextResponse("busy, try again shortly", status_code=503, headers=headers)

    return busy
