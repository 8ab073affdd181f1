"""One WeChat message in, one passive reply out -- never waiting for a download or a model.

Text goes straight through the Conversation (it is fast); a bare number picks from the last
numbered list. A photo is answered at once ("收到照片") and then fetched, checked and answered
by a task of this process (``_take_photo``), never in the worker's queue; the person's next
message waits for it (``bot.intake``). Images in a row are one run (``bot.together.run_of``):
only the first is acknowledged, the later ones get the empty reply, and the run's answer is
pushed once (``bot.albums.answer_run``). Results the
worker could not push (48001/45015) are handed back first, the next time the person writes.

On an account that cannot push at all (passive-only: unverified subscription accounts, or
45015 to someone who just wrote) every message gets exactly one thing back, in this order:

1. the oldest held picture (uploaded again when its media_id is older than three days); the
   person's message still counts, but its answer is not shown (a passive reply is one
   message) -- the texts wait until the pictures are all handed out;
2. otherwise the held captions, merged, with the answer to the message;
3. with work still running and nothing new asked: the time left ("还在生成，大约还要 20 秒").

An acknowledgement of a queued generation says how to collect the result ("好了之后发任意消息
领取"). WeChat's emoticon codes ("/::)", "[微笑]") are small talk.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import redis

from bot import together
from bot.intake import photo_arrived, photo_arriving
from bot.messages import Dialogue, Incoming, Reply
from bot.wechat.api import WeChatApi, WeChatError
from bot.wechat.media import wechat_jpeg
from bot.wechat.render import choice_number, detect_language
from bot.wechat.replies import Passive, images_of, merge
from bot.wechat.sender import WeChatPhotoSource
from bot.wechat.status import Running
from bot.wechat.store import Choices, Held, HeldResults, Languages, is_passive_only, saw
from core.chat import ChatTarget, PhotoRef
from core.errors import PortraitBotError, TransientUpstreamError, UpstreamError
from core.i18n import Catalogues
from worker import shared_files
from worker.store import SessionStore

log = logging.getLogger(__name__)

DEFAULT_LANGUAGE = "zh"
"""WeChat users are addressed in Chinese until they write English."""
HELD_UPLOAD_BUDGET_SECONDS = 2.0
"""Time allowed, inside the callback, to upload a held result that has no media_id yet."""
FETCH_RETRY_DELAYS_SECONDS: tuple[float, ...] = (1.0, 3.0)
"""Pauses between tries to fetch a photo from a busy WeChat API before telling the person."""
TEXT_MESSAGE_TYPES = ("text", "voice")
"""Voice counts as text when WeChat's speech recognition is on (``Recognition``)."""

_EMOTICONS = re.compile(r"/:[^/\s]{1,10}|\[[^\[\]\s]{1,8}\]")
"""WeChat's emoticons as they arrive in Content: "/::)", "/:rose", "[微笑]", "[Smile]"."""
SMALL_TALK = "🙂"
"""What an emoticon-only message is handed to the Conversation as: small talk, any language."""


def only_emoticons(text: str) -> bool:
    """True when a message is nothing but WeChat emoticon codes ("/::)/::D")."""
    return bool(_EMOTICONS.search(text)) and not _EMOTICONS.sub("", text).strip()


EnqueueJob = Callable[[dict[str, Any]], object]
"""Puts a ``bot.wechat.jobs`` payload on the queue (JSON-able dict)."""


def message_key(message: dict[str, Any]) -> str:
    """WeChat's dedup key: MsgId for messages, sender + CreateTime (+ event) for events."""
    if message.get("MsgId"):
        return f"wechat:msg:{message['MsgId']}"
    return "wechat:event:{}:{}:{}".format(
        message.get("FromUserName", ""), message.get("CreateTime", ""), message.get("Event", "")
    )


class WeChatHandler:
    """Decides the passive reply to one decrypted, verified message."""

    def __init__(
        self,
        *,
        redis_client: redis.Redis,
        conversation: Dialogue,
        enqueue_job: EnqueueJob,
        catalogues: Catalogues,
        api: WeChatApi | None = None,
        running: Running | None = None,
    ) -> None:
        self.redis = redis_client
        self.conversation = conversation
        self.enqueue_job = enqueue_job
        self.catalogues = catalogues
        self.api = api
        self.running = running
        self.choices = Choices(redis_client)
        self.languages = Languages(redis_client)
        self.held = HeldResults(redis_client)
        self._photos: set[asyncio.Task[None]] = set()

    async def answer(self, message: dict[str, Any]) -> Passive:
        """The passive reply to one message or event."""
        openid = str(message.get("FromUserName") or "")
        kind = str(message.get("MsgType") or "").lower()
        if not openid:
            return Passive()
        saw(self.redis, openid)
        if kind == "event":
            return self._event(openid, str(message.get("Event") or "").lower())
        text = str(message.get("Content") or message.get("Recognition") or "").strip()
        language = self._language(openid, text if kind in TEXT_MESSAGE_TYPES else "")
        target = ChatTarget("wechat", openid, openid, language=language)
        if kind == "image" and message.get("MediaId"):
            if self.api is None:  # WECHAT_TOKEN without WECHAT_APP_ID: no way to fetch photos
                return Passive(text=self._say(language, "error.config"))
            photo_arriving(self.redis, target.person_id)  # their next request waits for it
            key = message_key(message)
            run, first = together.run_of(self.redis, target.person_id, key)
            together.announce(self.redis, target.person_id, run)
            task = asyncio.create_task(self._take_photo(target, key, str(message["MediaId"]), run))
            self._photos.add(task)
            task.add_done_callback(self._photos.discard)
            # Images in a row are one set with one answer: the first is acknowledged, the
            # others get the empty reply ("success"), unless a held result is waiting.
            received = [Reply(self._say(language, "wechat.photo_received"))] if first else []
            return await self._reply(target, received)
        if kind not in TEXT_MESSAGE_TYPES or not text:
            return await self._reply(target, [Reply(self._say(language, "wechat.unsupported"))])
        if only_emoticons(text):
            text = SMALL_TALK
        number = choice_number(text)
        callback = self.choices.pick(openid, number) if number is not None else None
        incoming = Incoming(
            target=target,
            message_key=message_key(message),
            text=None if callback else text,
            callback=callback,
        )
        try:
            replies = await self.conversation.handle(incoming)
        except PortraitBotError as error:
            replies = [Reply(self.catalogues.error_text(language, error))]
        return await self._reply(target, replies, asked=text)

    async def _take_photo(self, target: ChatTarget, key: str, media_id: str, run: str) -> None:
        """After the passive reply: fetch the photo (``media/get``), let the conversation check
        it (in the intake processes) and push its answer -- the answer to its whole run of
        images, from whichever of them finishes it (``bot.albums``). Here in the server, never
        queued behind generations in the worker."""
        arrived = False
        try:
            ref = PhotoRef("wechat", media_id, time.time())
            incoming = Incoming(target=target, message_key=key, photo_ref=ref, album=run, album_adds=True)
            try:
                try:
                    photo = await self._fetch(ref)
                except PortraitBotError:
                    together.withdraw(self.redis, target.person_id, run)
                    raise
                replies = await self.conversation.handle(replace(incoming, photo=photo))
            except PortraitBotError as error:
                replies = [Reply(self.catalogues.error_text(target.language, error))]
            arrived = True  # in the set now: their next request need not wait for the run's answer
            photo_arrived(self.redis, target.person_id)
            replies += await self.conversation.answer_album(incoming) or []
            rendered = merge([], replies, self._say(target.language, "wechat.choose_prompt"))
            if rendered.callbacks:
                self.choices.remember(target.chat_id, list(rendered.callbacks))
            if rendered.text or images_of(replies):
                self.enqueue_job({"kind": "push", "target": target.to_dict(),
                                  "texts": [rendered.text] if rendered.text else [], "images": images_of(replies)})
        except Exception:
            log.exception("wechat: taking a photo failed")
        finally:
            if not arrived:
                photo_arrived(self.redis, target.person_id)

    async def _fetch(self, ref: PhotoRef) -> bytes:
        """The photo, tried again while WeChat's API is busy (``FETCH_RETRY_DELAYS_SECONDS``)."""
        assert self.api is not None
        source = WeChatPhotoSource(self.api)
        for delay in FETCH_RETRY_DELAYS_SECONDS:
            try:
                return await source.fetch(ref)
            except TransientUpstreamError as error:
                log.info("wechat: photo fetch failed (%s); retrying in %.0f s", error.message_id, delay)
                await asyncio.sleep(delay)
        try:
            return await source.fetch(ref)
        except TransientUpstreamError:
            raise UpstreamError("wechat.photo_fetch_failed") from None

    async def drain(self) -> None:
        """Wait for the photos still being taken (tests, shutdown)."""
        while self._photos:
            await asyncio.gather(*list(self._photos), return_exceptions=True)

    def _event(self, openid: str, event: str) -> Passive:
        if event in ("subscribe", "subscribe_scan"):
            language = self.languages.get(openid) or DEFAULT_LANGUAGE
            return Passive(text=self._say(language, "wechat.welcome"))
        return Passive()

    def _language(self, openid: str, text: str) -> str:
        """The person's /lang choice, else the script they write in, else the last one, else zh."""
        chosen = SessionStore(self.redis).get(f"wechat:{openid}").language
        if chosen:
            return chosen
        detected = detect_language(text)
        if detected:
            self.languages.set(openid, detected)
            return detected
        return self.languages.get(openid) or DEFAULT_LANGUAGE

    def _say(self, language: str, message_id: str, **params: Any) -> str:
        return self.catalogues.text(language, message_id, **params)

    async def _reply(self, target: ChatTarget, replies: list[Reply], asked: str = "") -> Passive:
        """Held results first; otherwise the replies merged into one text."""
        openid, language = target.chat_id, target.language
        passive_only = is_passive_only(self.redis)
        held_texts: list[str] = []
        while (item := self.held.take(openid)) is not None:
            if item.kind != "image":
                held_texts.append(item.text)
                continue
            media_id, retry = await self._media_for(item)
            if media_id:
                if passive_only:  # nothing else can go out: the texts wait behind the pictures
                    self.held.hold_front_many(openid, [Held("text", text=t) for t in held_texts])
                    return Passive(media_id=media_id)
                notes = [self._say(language, "wechat.held_delivered")]
                if more := self.held.count_images(openid):
                    notes.append(self._say(language, "wechat.held_more", count=more))
                self._push(target, notes, replies, held_texts)
                return Passive(media_id=media_id)
            if retry:
                self.held.hold_front(openid, item)
                held_texts.append(self._say(language, "wechat.held_retry"))
                break
            held_texts.append(self._say(language, "wechat.images_unavailable"))
        hint = ""
        if passive_only and any(r.generation_id for r in replies):
            hint = self._say(language, "wechat.passive_hint")
        elif passive_only and self.running is not None:
            remaining = await asyncio.to_thread(self.running.remaining, target.person_id)
            if remaining is not None:
                held_texts.append(self._say(language, "wechat.still_working", eta=remaining))
                if not asked.startswith("/") and not any(r.buttons or r.images for r in replies):
                    replies = []  # "好了吗": the time left is the answer
        rendered = merge(held_texts, replies, self._say(language, "wechat.choose_prompt"), hint)
        if rendered.callbacks:
            self.choices.remember(openid, list(rendered.callbacks))
        if images := images_of(replies):
            self.enqueue_job({"kind": "push", "target": target.to_dict(), "texts": [], "images": images})
        return Passive(text=rendered.text)

    def _push(
        self, target: ChatTarget, notes: list[str], replies: list[Reply], held_texts: list[str]
    ) -> None:
        """What cannot ride with a passive image goes out through the customer-service API.

        The person just wrote, so a closed 48-hour window (45015) is open again: the other
        held results go too. On a passive-only account (48001) they wait for the next message.
        """
        rendered = merge(held_texts, replies, self._say(target.language, "wechat.choose_prompt"))
        if rendered.callbacks:
            self.choices.remember(target.chat_id, list(rendered.callbacks))
        payload: dict[str, Any] = {
            "kind": "push",
            "target": target.to_dict(),
            "notes": notes,
            "texts": [rendered.text] if rendered.text else [],
            "images": images_of(replies),
        }
        if not is_passive_only(self.redis):
            payload["held"] = [item.to_json() for item in self.held.take_all(target.chat_id)]
            payload["notes"] = notes[:1]
        self.enqueue_job(payload)

    async def _media_for(self, item: Held) -> tuple[str, bool]:
        """A media_id for a held image (the worker's upload, or a quick one now), and whether
        a failure is worth another try at the person's next message."""
        if item.media_fresh():
            return item.media_id, False
        if self.api is None or not item.path:
            return "", False
        api = self.api
        try:
            data = await asyncio.to_thread(wechat_jpeg, shared_files.local(item.path))
            media_id = await asyncio.wait_for(
                asyncio.to_thread(api.upload_image, data), HELD_UPLOAD_BUDGET_SECONDS
            )
            return media_id, False
        except (FileNotFoundError, WeChatError) as error:
            log.warning("wechat: a held result cannot be sent: %s", type(error).__name__)
            return "", False
        except (PortraitBotError, OSError, TimeoutError) as error:
            log.warning("wechat: could not upload a held result in time: %s", type(error).__name__)
            return "", True
