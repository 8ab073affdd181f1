"""Delivering to WeChat: temporary media upload + customer-service messages, or held results.

Each result becomes a JPEG under WeChat's temporary-media limits, is uploaded
(``media/upload``, type image) and pushed (``message/custom/send``), followed by a short text
with the style name and the numbered choices. When WeChat refuses pushes -- 48001 (the
account lacks the customer-service API: unverified subscription accounts), 45015 (the person
has not written for 48 hours), 45047 (too many pushes since they last wrote) -- the results are
held in Redis (``bot.wechat.store.HeldResults``) and handed back as passive replies the next
time the person writes. A refusal therefore raises nothing: the delivery is done, just later.

Raised to the worker: ``TransientUpstreamError`` (network, busy, rate limits, a token refused
even after one refresh) -- retried with backoff; ``WeChatError`` (a ``PermanentUpstreamError``,
any other errcode) -- recorded, not retried. A retried delivery skips the images that already
arrived (remembered for an hour).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from pathlib import Path

import redis

from bot.wechat.api import PushNotAllowed, WeChatApi, WeChatError
from bot.wechat.media import MAX_PHOTO_BYTES, wechat_jpeg
from bot.wechat.render import clip, flatten, with_choices
from bot.wechat.store import (
    Choices,
    Held,
    HeldResults,
    first_push,
    is_passive_only,
    mark_pushed,
    note_refusal,
)
from core.chat import Buttons, ChatTarget, PhotoRef
from core.errors import UserInputError
from core.i18n import Catalogues
from core.sender import Deliverable
from core.settings import Settings

log = logging.getLogger(__name__)

class WeChatSender:
    """Pushes texts and images to one Official Account's followers; holds what it may not push."""

    channel = "wechat"

    def __init__(self, api: WeChatApi, redis_client: redis.Redis, catalogues: Catalogues) -> None:
        self.api = api
        self.redis = redis_client
        self.catalogues = catalogues
        self.held = HeldResults(redis_client)
        self.choices = Choices(redis_client)

    def _render(self, target: ChatTarget, text: str, buttons: Buttons) -> str:
        if flatten(buttons):
            self.choices.remember(target.chat_id, [data for _, data in flatten(buttons)])
            prompt = self.catalogues.text(target.language, "wechat.choose_prompt")
            text = with_choices(text, prompt, buttons)
        return clip(text)

    def _refused(self, error: PushNotAllowed, openid: str) -> None:
        log.info("wechat: push refused (errcode %s); holding for a passive reply", error.errcode)
        if note_refusal(self.redis, openid, int(error.errcode or 0)):
            log.info("wechat: the account cannot push; passive replies only for a while")

    async def send_text(self, target: ChatTarget, text: str, *, buttons: Buttons = ()) -> str | None:
        """Push a text; hold it if WeChat refuses. WeChat messages have no ids to edit."""
        await self.push_texts(target, [self._render(target, text, buttons)])
        return None

    async def push_texts(self, target: ChatTarget, texts: Sequence[str], *, hold: bool = True) -> None:
        """Push rendered texts in order; the rest are held (or dropped) once WeChat refuses."""
        pending = [t for t in texts if t]
        if not pending:
            return
        if not is_passive_only(self.redis):
            while pending:
                try:
                    await asyncio.to_thread(self.api.send_text, target.chat_id, pending[0])
                except PushNotAllowed as error:
                    self._refused(error, target.chat_id)
                    break
                pending.pop(0)
        if pending and hold:
            self.held.hold(target.chat_id, [Held("text", text=t) for t in pending])

    async def send_images(
        self,
        target: ChatTarget,
        items: Sequence[Deliverable],
        caption: str,
        *,
        buttons: Buttons = (),
    ) -> None:
        """Upload and push each image, then the caption; hold whatever WeChat refuses."""
        refused = is_passive_only(self.redis)
        held: list[Held] = []
        for item in items:
            if not first_push(self.redis, target.chat_id, str(item.path)):
                continue  # a retried delivery: this one already arrived
            data = await asyncio.to_thread(wechat_jpeg, Path(item.path))
            try:
                media_id = await asyncio.to_thread(self.api.upload_image, data)
                uploaded_at = time.time()
            except PushNotAllowed as error:
                # Unverified accounts may lack media upload too; the callback tries again.
                self._refused(error, target.chat_id)
                refused, media_id, uploaded_at = True, "", 0.0
            if not refused:
                try:
                    await asyncio.to_thread(self.api.send_image, target.chat_id, media_id)
                    mark_pushed(self.redis, target.chat_id, str(item.path))
                    continue
                except PushNotAllowed as error:
                    self._refused(error, target.chat_id)
                    refused = True
            held.append(Held("image", path=str(item.path), media_id=media_id, uploaded_at=uploaded_at))
        text = self._render(target, caption, buttons) if caption or buttons else ""
        if refused:
            held.extend([Held("text", text=text)] if text else [])
            self.held.hold(target.chat_id, held)
            return
        await self.push_texts(target, [text])

    async def push_held(self, target: ChatTarget, items: Sequence[Held]) -> None:
        """Push held items again (the person wrote, so the 48-hour window is open)."""
        for index, item in enumerate(items):
            try:
                if item.kind == "image":
                    media_id = item.media_id if item.media_fresh() else await asyncio.to_thread(
                        self.api.upload_image, await asyncio.to_thread(wechat_jpeg, Path(item.path))
                    )
                    await asyncio.to_thread(self.api.send_image, target.chat_id, media_id)
                else:
                    await asyncio.to_thread(self.api.send_text, target.chat_id, item.text)
            except PushNotAllowed as error:
                self._refused(error, target.chat_id)
                self.held.hold(target.chat_id, list(items[index:]))
                return

    async def show_progress(self, target: ChatTarget, message_id: str | None, text: str) -> None:
        """Nothing: WeChat cannot edit a message, and a push per step would be noise."""


class WeChatPhotoSource:
    """Fetches a person's photo by its MediaId (``media/get``), never from a URL they control."""

    channel = "wechat"

    def __init__(self, api: WeChatApi) -> None:
        self.api = api

    async def fetch(self, photo: PhotoRef) -> bytes:
        try:
            return await asyncio.to_thread(self.api.download_media, photo.ref, MAX_PHOTO_BYTES)
        except WeChatError as error:
            if error.message_id == "wechat.photo_too_large":
                raise UserInputError("wechat.photo_too_large") from None
            if error.message_id == "wechat.media_expired":
                raise UserInputError("wechat.media_expired") from None
            raise


def build_sender(settings: Settings, redis_client: redis.Redis) -> WeChatSender | None:
    """The WeChat sender, or None when WeChat is not configured."""
    if not (settings.wechat_app_id and settings.wechat_app_secret):
        return None
    import locales

    return WeChatSender(WeChatApi(settings, redis_client), redis_client, locales.load())


def build_photo_source(settings: Settings, redis_client: redis.Redis) -> WeChatPhotoSource | None:
    """The WeChat photo source, or None when WeChat is not configured."""
    if not (settings.wechat_app_id and settings.wechat_app_secret):
        return None
    return WeChatPhotoSource(WeChatApi(settings, redis_client))
