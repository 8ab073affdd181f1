"""One WeCom AI bot message in, a stream reply out -- never waiting for a download or a model.

Both connection modes hand a decrypted message to ``WeComBot.receive`` and send back what it
returns (a stream body, or a text for ``enter_chat``). For a new message:

1. The message id is claimed; a retried callback gets the same stream again and starts
   nothing (``Streams.claim``).
2. A stream is opened ("收到，正在处理…") and the work runs as a task of this process: the
   conversation for text, or fetching and decrypting the photo first. Photo intake never waits
   in the worker's queue behind generations, and a request that comes while the same person's
   photo is still being fetched waits for that photo (``bot.intake.wait_for_photo``).
3. The reply is the stream as it stands after at most ``first_wait`` seconds -- usually the
   whole answer to a text; otherwise the platform's refreshes pick up the rest.

Buttons become numbers ("回复数字选择： 1 … 2 …") as on WeChat. In a group the platform sends
only messages that @-mention the bot, and each stream is the reply to its asker's message;
the person's photo, session and quota are theirs (``wecom:<userid>``) in every chat.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

import redis

from bot import together
from bot.intake import photo_arrived, photo_arriving, wait_for_photo
from bot.messages import Dialogue, Incoming, Reply
from bot.wechat.media import wechat_jpeg
from bot.wechat.render import choice_number
from bot.wechat.replies import merge
from bot.wechat.store import Choices
from bot.wecom.inbound import ImageRef, WeComMessage, parse
from bot.wecom.streams import Stream, Streams, stream_id_for
from core.chat import ChatTarget, PhotoRef
from core.errors import PortraitBotError
from core.i18n import Catalogues
from engine.written import written_language
from worker import shared_files
from worker.store import SessionStore, WrittenLanguages

log = logging.getLogger(__name__)

CHANNEL = "wecom"
DEFAULT_LANGUAGE = "zh"
FIRST_WAIT_SECONDS = 0.06
"""How long the first answer waits for the work; the rest comes with the platform's refreshes."""
MAX_CONTENT_BYTES = 20000
"""A stream's content may hold 20480 bytes of UTF-8."""

FetchPhoto = Callable[[ImageRef], Awaitable[bytes]]


def clip(text: str) -> str:
    data = text.encode()
    if len(data) <= MAX_CONTENT_BYTES:
        return text
    return data[: MAX_CONTENT_BYTES - 3].decode(errors="ignore") + "…"


def image_item(path: str) -> dict[str, Any] | None:
    """One picture as a stream ``msg_item``: base64 JPEG and its MD5 (None if the file is gone)."""
    try:
        data = wechat_jpeg(shared_files.local(path))  # a worker on another host made it
    except OSError:
        return None
    return {
        "msgtype": "image",
        "image": {"base64": base64.b64encode(data).decode(), "md5": hashlib.md5(data).hexdigest()},
    }


def stream_body(stream: Stream, items: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"id": stream.id, "finish": stream.finished, "content": clip(stream.content)}
    if stream.finished and items:
        body["msg_item"] = items
    return {"msgtype": "stream", "stream": body}


class WeComBot:
    """The bot side of the WeCom AI bot, shared by callback and long-connection modes."""

    def __init__(
        self,
        *,
        redis_client: redis.Redis,
        conversation: Dialogue,
        catalogues: Catalogues,
        fetch_photo: FetchPhoto,
        first_wait: float = FIRST_WAIT_SECONDS,
    ) -> None:
        self.redis = redis_client
        self.conversation = conversation
        self.catalogues = catalogues
        self.fetch_photo = fetch_photo
        self.first_wait = first_wait
        self.streams = Streams(redis_client)
        self.choices = Choices(redis_client)
        self.tasks: set[asyncio.Task[None]] = set()

    # ---- entry points --------------------------------------------------------------------------
    async def receive(self, body: dict[str, Any]) -> dict[str, Any] | None:
        """The answer to one decrypted message: a stream body, a text, or None."""
        message = parse(body)
        if message.kind == "stream":
            return await self.refresh(message.stream_id)
        if message.kind == "event":
            return self._event(message)
        if not message.msgid or not message.user_id:
            return None
        stream_id = stream_id_for(message.msgid)
        if not self.streams.claim(message.msgid):
            return await self.refresh(stream_id)  # a retry: the same stream, no second job
        language = self.language(f"{CHANNEL}:{message.user_id}", message.text)
        target = ChatTarget(
            CHANNEL, message.chat_id, message.user_id, language=language,
            reply_to=stream_id, is_group=message.is_group,
        )
        self.streams.open(stream_id, target, message.response_url, self._say(language, "wecom.working"))
        run = ""
        if message.photo is not None:  # images in a row are one run, answered once (bot.albums)
            run, _ = together.run_of(self.redis, target.person_id, stream_id)
            together.announce(self.redis, target.person_id, run)
        task = asyncio.create_task(self._process(message, target, run))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        await asyncio.wait({task}, timeout=self.first_wait)
        return await self.refresh(stream_id)

    async def refresh(self, stream_id: str) -> dict[str, Any] | None:
        """The stream as it stands (the platform's refresh callback, or a retry)."""
        stream = self.streams.get(stream_id) if stream_id else None
        if stream is None:
            return None
        items: list[dict[str, Any]] = []
        if stream.finished and stream.images:
            made = await asyncio.to_thread(lambda: [image_item(p) for p in stream.images])
            items = [item for item in made if item is not None]
        return stream_body(stream, items)

    async def drain(self) -> None:
        """Wait for the work still running (tests, shutdown)."""
        while self.tasks:
            await asyncio.gather(*list(self.tasks), return_exceptions=True)

    # ---- the work ------------------------------------------------------------------------------
    async def _process(self, message: WeComMessage, target: ChatTarget, run: str) -> None:
        if message.photo is not None:  # until it is their reference, their requests wait for it
            photo_arriving(self.redis, target.person_id)
        arrived = message.photo is None
        try:
            incoming: Incoming | None = None
            try:
                incoming, replies = await self._answer(message, target, run)
            except PortraitBotError as error:
                replies = [Reply(self.catalogues.error_text(target.language, error))]
            except Exception:
                log.exception("wecom: message %s failed", message.msgid[:12])
                replies = [Reply(self._say(target.language, "error.internal"))]
            if incoming is None or incoming.album is None or replies:
                self._finish(target, replies)  # a text, or a photo that could not be taken: its own answer
                return
            arrived = True  # in the set now: their next request need not wait for the run's answer
            photo_arrived(self.redis, target.person_id)
            await self._answer_run(target, incoming)
        finally:
            if not arrived:
                photo_arrived(self.redis, target.person_id)

    async def _answer_run(self, target: ChatTarget, incoming: Incoming) -> None:
        """One stream per image, one answer per run: the part that claims the run writes the
        answer into the run's first stream (named by it) while that is still open, else its own;
        every other stream finishes with a short note."""
        assert target.reply_to is not None and incoming.album is not None
        own, head = target.reply_to, incoming.album
        answer = await self.conversation.answer_album(incoming)
        taken = self._say(target.language, "wecom.photo_taken")
        if answer is None:  # another image of the run answers
            if own != head:
                self.streams.say(own, taken, finish=True)
            return  # the first stream stays open for that answer
        first = self.streams.get(head)
        into = head if first is not None and not first.finished else own
        self._finish(replace(target, reply_to=into), answer or [Reply(taken)])
        if into != own:
            self.streams.say(own, taken, finish=True)

    async def _answer(self, message: WeComMessage, target: ChatTarget, run: str) -> tuple[Incoming, list[Reply]]:
        key = f"{CHANNEL}:msg:{message.msgid}"
        photo = message.photo
        if photo is not None:
            incoming = Incoming(
                target=target, message_key=key, text=message.text or None,
                photo_ref=PhotoRef(CHANNEL, message.msgid, time.time()), album=run, album_adds=True,
            )
            try:
                data = await self.fetch_photo(photo)
            except BaseException:
                together.withdraw(self.redis, target.person_id, run)
                raise
            return incoming, await self.conversation.handle(replace(incoming, photo=data))
        incoming = Incoming(target=target, message_key=key, text=message.text or None)
        if not message.text:
            return incoming, [Reply(self._say(target.language, "wechat.unsupported"))]
        await wait_for_photo(self.redis, target.person_id)  # before a number picks from its list
        number = choice_number(message.text)
        callback = self.choices.pick(target.person_id, number) if number is not None else None
        return incoming, await self.conversation.handle(
            replace(incoming, text=None if callback else message.text, callback=callback)
        )

    def _finish(self, target: ChatTarget, replies: list[Reply]) -> None:
        """Write the conversation's answer into the stream; it stays open for a generation."""
        assert target.reply_to is not None
        stream_id = target.reply_to
        rendered = merge([], replies, self._say(target.language, "wechat.choose_prompt"))
        if rendered.callbacks:
            self.choices.remember(target.person_id, list(rendered.callbacks))
        generations = [r.generation_id for r in replies if r.generation_id]
        for generation_id in generations:
            self.conversation.attach_ack(generation_id, stream_id)
        images = [str(path) for reply in replies for path in reply.images]
        text = rendered.text
        if not generations and self.streams.has_held(target.person_id):
            held, captions = self.streams.take_held(target.person_id)
            images = held + images
            text = "\n\n".join([*captions, text]) if text else "\n\n".join(captions)
        self.streams.say(stream_id, text, finish=not generations, images=images)

    # ---- small things --------------------------------------------------------------------------
    def _event(self, message: WeComMessage) -> dict[str, Any] | None:
        if message.event == "enter_chat":
            language = self.language(f"{CHANNEL}:{message.user_id}", "")
            return {"msgtype": "text", "text": {"content": self._say(language, "wechat.welcome")}}
        return None

    def language(self, person_id: str, text: str) -> str:
        """The person's /lang choice, else the language they write in, else Chinese."""
        chosen = SessionStore(self.redis).get(person_id).language
        if chosen:
            return chosen
        written = written_language(text)
        if written:
            return written
        return WrittenLanguages(self.redis).get(person_id) or DEFAULT_LANGUAGE

    def _say(self, language: str, message_id: str, **params: Any) -> str:
        return self.catalogues.text(language, message_id, **params)
