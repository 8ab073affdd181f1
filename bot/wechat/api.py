"""The WeChat Official Account API through wechatpy, pointed at ``WECHAT_API_URL``.

wechatpy's ``WeChatClient`` reads ``API_BASE_URL`` from the instance but fetches the access
token from a hard-coded host, so ``fetch_access_token`` is overridden. The token lives in
Redis (wechatpy's ``RedisStorage``) so every process shares one token: WeChat invalidates the
previous token whenever a new one is fetched, so per-process tokens would knock each other out.

Errors, as the worker sees them::

    WeChatError (PermanentUpstreamError)     not retried
    └── PushNotAllowed                       48001 / 45015 / 45047: hold for a passive reply
    TransientUpstreamError                   network, -1 busy, 45009/45011 limits, a token
                                             still refused after one refresh: retried

wechatpy's own refresh-on-40001 retries without limit, so it is switched off and done here
once. wechatpy's exception texts and requests' carry request URLs (with the access token or
the app secret), so they are never chained, logged or stored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

import redis
import requests
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException
from wechatpy.session.redisstorage import RedisStorage

from core.errors import PermanentUpstreamError, TransientUpstreamError
from core.settings import Settings

log = logging.getLogger(__name__)

TOKEN_STORAGE_PREFIX = "pb:wechat:token"
"""wechatpy's RedisStorage prefix: the shared access token sits at ``pb:wechat:token:<appid>_access_token``."""
HTTP_TIMEOUT_SECONDS = 10.0
"""Per-request timeout to WeChat's API; its calls normally answer in well under a second."""
TOKEN_ERRCODES = frozenset({40001, 40014, 42001})
"""Invalid credential / invalid token / expired token: fetch a new token and retry once."""
PUSH_REFUSED_ERRCODES = frozenset({48001, 45015, 45047})
"""API unauthorized (unverified account), 48-hour window closed, too many pushes since the
person last wrote: the result waits for the person's next message (a passive reply)."""
BUSY_ERRCODES = frozenset({-1, 45009, 45011})
"""System busy and rate limits: worth retrying later."""
BUSY_RETRY_AFTER_SECONDS = 5.0
"""How long to wait before retrying after a busy or rate-limit answer."""
INVALID_MEDIA_ERRCODE = 40007
"""The media_id is unknown or older than WeChat's three days."""

T = TypeVar("T")


class WeChatError(PermanentUpstreamError):
    """WeChat refused a call for good; ``errcode`` says why."""

    default_message_id = "wechat.api_failed"

    def __init__(self, message_id: str | None = None, /, *, errcode: int = 0) -> None:
        super().__init__(message_id, errcode=errcode)
        self.errcode = errcode


class PushNotAllowed(WeChatError):
    """The account may not push to this person now (48001, 45015, 45047)."""

    default_message_id = "wechat.push_not_allowed"


class _Client(WeChatClient):  # type: ignore[misc]
    """wechatpy's client with every URL, the token's included, under our API root."""

    def __init__(self, appid: str, secret: str, api_url: str, storage: RedisStorage) -> None:
        super().__init__(
            appid, secret, session=storage, timeout=HTTP_TIMEOUT_SECONDS, auto_retry=False
        )
        self.API_BASE_URL = f"{api_url}/cgi-bin/"
        self._token_url = f"{api_url}/cgi-bin/token"

    def fetch_access_token(self) -> dict[str, Any]:
        return self._fetch_access_token(  # type: ignore[no-any-return]
            url=self._token_url,
            params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
        )


class WeChatApi:
    """The few calls PortraitBot makes, with token refresh and our error tree. Blocking."""

    def __init__(self, settings: Settings, client: redis.Redis) -> None:
        # urllib3 logs request lines at DEBUG, and WeChat puts the token (or the app secret)
        # in the query string.
        logging.getLogger("urllib3.connectionpool").setLevel(logging.INFO)
        self._client = _Client(
            settings.wechat_app_id,
            settings.wechat_app_secret.reveal(),
            settings.wechat_api_url,
            RedisStorage(client, prefix=TOKEN_STORAGE_PREFIX),
        )

    def _call(self, what: str, call: Callable[[], T]) -> T:
        for attempt in (1, 2):
            try:
                return call()
            except WeChatClientException as exc:
                errcode = exc.errcode
            except requests.RequestException:
                log.warning("wechat %s: network error", what)
                raise TransientUpstreamError("wechat.api_busy", retry_after=BUSY_RETRY_AFTER_SECONDS) from None
            if errcode in TOKEN_ERRCODES and attempt == 1:
                log.info("wechat %s: access token refused (%s), fetching a new one", what, errcode)
                self._refresh_token()
                continue
            break
        log.warning("wechat %s: errcode %s", what, errcode)
        if errcode is None or errcode in BUSY_ERRCODES or errcode in TOKEN_ERRCODES:
            raise TransientUpstreamError("wechat.api_busy", retry_after=BUSY_RETRY_AFTER_SECONDS) from None
        if errcode in PUSH_REFUSED_ERRCODES:
            raise PushNotAllowed(errcode=errcode) from None
        if errcode == INVALID_MEDIA_ERRCODE:
            raise WeChatError("wechat.media_expired", errcode=errcode) from None
        raise WeChatError(errcode=int(errcode)) from None

    def _refresh_token(self) -> None:
        try:
            self._client.fetch_access_token()
        except (WeChatClientException, requests.RequestException):
            log.warning("wechat: fetching an access token failed")
            raise TransientUpstreamError("wechat.api_busy", retry_after=BUSY_RETRY_AFTER_SECONDS) from None

    def upload_image(self, data: bytes, filename: str = "portrait.jpg") -> str:
        """Upload a temporary image (kept by WeChat three days); return its media_id."""
        result = self._call(
            "media/upload",
            lambda: self._client.media.upload("image", (filename, data, "image/jpeg")),
        )
        return str(result["media_id"])

    def download_media(self, media_id: str, max_bytes: int) -> bytes:
        """A temporary media file's bytes (a person's photo); raise if larger than max_bytes."""
        response = self._call("media/get", lambda: self._client.media.download(media_id))
        content: bytes = getattr(response, "content", b"")
        if len(content) > max_bytes:
            raise WeChatError("wechat.photo_too_large", errcode=0)
        return content

    def send_text(self, openid: str, text: str) -> None:
        """A customer-service text message."""
        self._call("message/custom/send", lambda: self._client.message.send_text(openid, text))

    def send_image(self, openid: str, media_id: str) -> None:
        """A customer-service image message."""
        self._call("message/custom/send", lambda: self._client.message.send_image(openid, media_id))
