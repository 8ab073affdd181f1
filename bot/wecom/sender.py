"""Deliver to WeCom AI bot chats: through the asker's stream, else its ``response_url``.

The worker's progress and results go into the stream that answers the person's message
(``target.reply_to``, ``bot.wecom.streams``); the bot hands them to the platform on its next
refresh (callback mode) or pushes them over the WebSocket (long connection). The pictures
ride in the stream's last answer as ``msg_item`` images.

A stream can take news for six minutes. After that:

* texts go once through the message's ``response_url`` (markdown, an hour's use), or, in long
  connection mode (no response_url), through the bot's WebSocket as ``aibot_send_msg``;
* pictures are held and the person is told through ``response_url`` that they are ready;
  their next message's answer carries them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import httpx
import redis

from bot.wechat.render import with_choices
from bot.wechat.store import Choices
from bot.wecom.streams import Outbox, Stream, Streams
from core.chat import Buttons, ChatTarget
from core.errors import TransientUpstreamError
from core.i18n import Catalogues
from core.sender import Deliverable
from core.settings import Settings

log = logging.getLogger(__name__)

PUSH_TIMEOUT_SECONDS = 10.0


class WeComSender:
    """``Sender`` for the WeCom AI bot."""

    channel = "wecom"

    def __init__(self, client: redis.Redis, catalogues: Catalogues) -> None:
        self.streams = Streams(client)
        self.choices = Choices(client)
        self.outbox = Outbox(client)
        self.catalogues = catalogues

    def _stream(self, target: ChatTarget) -> Stream | None:
        return self.streams.get(target.reply_to) if target.reply_to else None

    def _render(self, target: ChatTarget, text: str, buttons: Buttons) -> str:
        callbacks = [button.data for row in buttons for button in row]
        if callbacks:
            self.choices.remember(target.person_id, callbacks)
        prompt = self.catalogues.text(target.language, "wechat.choose_prompt")
        return with_choices(text, prompt, buttons)

    async def send_text(self, target: ChatTarget, text: str, *, buttons: Buttons = ()) -> str | None:
        rendered = self._render(target, text, buttons)
        stream = self._stream(target)
        if stream is not None and stream.is_open():
            self.streams.close(stream.id, rendered)
            return stream.id
        if not await self._push(stream, rendered):
            self.streams.hold(target.person_id, [], rendered)
        return None

    async def send_images(
        self, target: ChatTarget, items: Sequence[Deliverable], caption: str, *, buttons: Buttons = ()
    ) -> None:
        rendered = self._render(target, caption, buttons)
        paths = [str(item.path) for item in items]
        stream = self._stream(target)
        if stream is not None and stream.is_open():
            self.streams.close(stream.id, rendered, paths)
            return
        self.streams.hold(target.person_id, paths, rendered)
        await self._push(stream, self.catalogues.text(target.language, "wecom.late_ready"))

    async def show_progress(self, target: ChatTarget, message_id: str | None, text: str) -> None:
        stream = self._stream(target)
        if stream is not None and stream.is_open():
            self.streams.progress(stream.id, text)

    async def _push(self, stream: Stream | None, text: str) -> bool:
        """One markdown message through the stream's response_url; False if not possible."""
        if stream is None:
            return False
        if not stream.response_url:  # long connection: the bot's WebSocket sends it
            if not self.streams.mark_pushed(stream.id):
                return False
            self.outbox.put(stream.target, text)
            return True
        if not stream.can_push() or not self.streams.mark_pushed(stream.id):
            return False
        body = {"msgtype": "markdown", "markdown": {"content": text}}
        try:
            async with httpx.AsyncClient(timeout=PUSH_TIMEOUT_SECONDS) as client:
                response = await client.post(stream.response_url, json=body)
        except httpx.HTTPError:
            log.warning("wecom: response_url unreachable")
            self.streams.unmark_pushed(stream.id)
            raise TransientUpstreamError("error.upstream_busy") from None
        try:
            errcode = int(response.json().get("errcode", 0))
        except ValueError:
            errcode = -1
        if response.status_code != 200 or errcode != 0:
            log.warning("wecom: response_url refused the message (HTTP %s, errcode %s)", response.status_code, errcode)
            return False
        return True


def build_sender(settings: Settings, client: redis.Redis) -> WeComSender | None:
    """The WeCom sender, or None when no WeCom AI bot is configured."""
    if not (settings.wecom_token or settings.wecom_bot_id):
        return None
    import locales

    return WeComSender(client, locales.load())
