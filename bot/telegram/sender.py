"""Deliver to Telegram chats: photos, albums, documents and progress, through python-telegram-bot.

Platform failures become ``core.errors``::

    RetryAfter (429 flood control)        -> TransientUpstreamError(retry_after=seconds)
    TimedOut / NetworkError / 5xx          -> TransientUpstreamError
    Forbidden (blocked) / "chat not found" -> PermanentUpstreamError("delivery.blocked")
    InvalidToken, any other BadRequest     -> PermanentUpstreamError("telegram.delivery_failed")

A delivery is a few steps (an album, the full-size documents, a message with the buttons). With
Redis, each finished step is recorded, so a delivery rescheduled after a 429 sends only what is
still missing: the person sees every result exactly once.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import warnings
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from redis import Redis
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    InputMediaDocument,
    InputMediaPhoto,
    Message,
    ReplyParameters,
)
from telegram.constants import ChatAction
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter, TelegramError
from telegram.request import HTTPXRequest

from bot.telegram.pacing import GroupPacer, PaceLater, paced
from bot.telegram.results import picture_buttons, react
from core.chat import Buttons, ChatTarget, PhotoRef
from core.errors import PermanentUpstreamError, TransientUpstreamError, UserInputError
from core.i18n import Catalogues
from core.sender import Deliverable
from core.settings import Settings

log = logging.getLogger(__name__)

PHOTO_MAX_BYTES = 10 * 1024 * 1024
"""Bot API: a photo upload may be at most 10 MB; bigger results go as a preview + document."""
PHOTO_MAX_SIDES = 10000
"""Bot API: a photo's width + height must not exceed 10000 px."""
PHOTO_MAX_RATIO = 20.0
"""Bot API: a photo's long side may be at most 20 times its short side."""
PREVIEW_MAX_SIDE = 2560
"""Pixels, long side of the compressed preview; Telegram shows photos no larger than this."""
PREVIEW_JPEG_QUALITY = 90
"""JPEG quality of the preview; ~1 MB at 2560 px, far under the photo limit."""
ALBUM_MAX = 10
"""Bot API: a media group holds 2-10 items."""
CAPTION_MAX = 1024
"""Bot API: characters in a media caption."""
TEXT_MAX = 4096
"""Bot API: characters in a text message."""
DOWNLOAD_MAX_BYTES = 20 * 1024 * 1024
"""Bot API: getFile serves files up to 20 MB; reference photos are capped the same."""
SENT_RECORD_TTL_SECONDS = 24 * 3600
"""Seconds the record of a delivery's finished steps is kept; far beyond any reschedule."""
MEDIA_WRITE_TIMEOUT_S = 60.0
"""Seconds to upload one album or document; a 10 MB album on a slow uplink needs that."""
PACE_INLINE_WAIT_S = 1.0
"""Seconds a worker waits in place for its group's send slot; a longer wait reschedules the
delivery (the slot stays reserved for it), so no delivery outlives its lease while waiting."""
NOT_MODIFIED = "message is not modified"
GONE_CHAT = ("chat not found", "bot was kicked", "user is deactivated", "have no rights to send")


def keyboard(buttons: Buttons) -> InlineKeyboardMarkup | None:
    """Rows of ``Button`` as an inline keyboard (None when there are none)."""
    rows = [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in buttons]
    rows = [row for row in rows if row]
    return InlineKeyboardMarkup(rows) if rows else None


def reply_to(target: ChatTarget) -> ReplyParameters | None:
    """Reply to the request when there is one; still send if it was deleted meanwhile."""
    if not target.reply_to:
        return None
    return ReplyParameters(int(target.reply_to), allow_sending_without_reply=True)


def thread_of(target: ChatTarget) -> int | None:
    """The forum topic to send into, so nothing lands in General."""
    return int(target.thread_id) if target.thread_id else None


def retry_seconds(error: RetryAfter) -> float:
    """``retry_after`` in seconds, whichever type this PTB version hands out."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PTB 22 warns that the int form will become timedelta
        value: Any = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


@contextlib.contextmanager
def platform_errors() -> Iterator[None]:
    """Translate python-telegram-bot errors into the product's error tree (see module doc)."""
    try:
        yield
    except PaceLater as wait:  # the group's send slot is further off: reschedule for it
        raise TransientUpstreamError("error.upstream_busy", retry_after=wait.seconds, paced=True) from None
    except RetryAfter as error:
        raise TransientUpstreamError("error.upstream_busy", retry_after=retry_seconds(error)) from None
    except Forbidden:
        raise PermanentUpstreamError("delivery.blocked") from None
    except BadRequest as error:
        if any(gone in error.message.lower() for gone in GONE_CHAT):
            raise PermanentUpstreamError("delivery.blocked") from None
        log.warning("telegram refused a delivery: %s", error.message)
        raise PermanentUpstreamError("telegram.delivery_failed") from None
    except InvalidToken:
        log.error("telegram rejected the bot token (TELEGRAM_BOT_TOKEN)")
        raise PermanentUpstreamError("telegram.delivery_failed") from None
    except TelegramError as error:  # TimedOut, NetworkError, 5xx, InvalidToken
        log.warning("telegram unreachable during delivery: %s", type(error).__name__)
        raise TransientUpstreamError("error.upstream_busy") from None


def make_bot(settings: Settings, request: HTTPXRequest | None = None) -> Bot:
    """A Bot pointed at ``TELEGRAM_API_URL`` (the Bot API or a self-hosted / test server)."""
    root = settings.telegram_api_url.rstrip("/")
    return Bot(
        settings.telegram_bot_token.reveal(),
        base_url=f"{root}/bot",
        base_file_url=f"{root}/file/bot",
        request=request or HTTPXRequest(media_write_timeout=MEDIA_WRITE_TIMEOUT_S),
    )


# ---- what to send ---------------------------------------------------------------------------


@dataclass
class Step:
    """One Bot API call of a delivery: a photo, a document, an album of either, or a text."""

    kind: str
    """"photo", "document" or "text"."""
    files: list[tuple[str, bytes]] = field(default_factory=list)
    """(file name, bytes) — one for a single message, 2-10 for an album."""
    caption: str = ""
    buttons: Buttons = ()


def photo_fits(data: bytes) -> bool:
    """Would Telegram accept these bytes as a photo (size, width + height, ratio)?"""
    from PIL import Image

    if len(data) > PHOTO_MAX_BYTES:
        return False
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
    except Exception:
        return False
    return width + height <= PHOTO_MAX_SIDES and max(width, height) <= PHOTO_MAX_RATIO * min(width, height)


def preview_of(data: bytes) -> bytes:
    """A JPEG Telegram accepts as a photo: at most PREVIEW_MAX_SIDE, padded to ratio 20 if needed."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as original:
        image = original.convert("RGB")
    image.thumbnail((PREVIEW_MAX_SIDE, PREVIEW_MAX_SIDE))
    width, height = image.size
    if max(width, height) > PHOTO_MAX_RATIO * min(width, height):
        short = int(max(width, height) / PHOTO_MAX_RATIO) + 1
        canvas = Image.new("RGB", (max(width, short), max(height, short)), "white")
        canvas.paste(image, ((canvas.width - width) // 2, (canvas.height - height) // 2))
        image = canvas
    out = io.BytesIO()
    image.save(out, "JPEG", quality=PREVIEW_JPEG_QUALITY)
    return out.getvalue()


def plan_steps(items: Sequence[Deliverable], caption: str, buttons: Buttons, more_text: str) -> list[Step]:
    """The calls that deliver ``items``: photos first, then documents, the buttons under the end."""
    photos: list[tuple[str, bytes]] = []
    documents: list[tuple[str, bytes]] = []
    for item in items:
        data = Path(item.path).read_bytes()
        if item.as_document:
            documents.append((item.title or item.path.name, data))
        elif photo_fits(data):
            photos.append((item.path.name, data))
        else:  # Telegram would refuse it as a photo: show a preview, hand over the full file
            photos.append((item.path.stem + "-preview.jpg", preview_of(data)))
            documents.append((item.path.name, data))
    steps: list[Step] = []
    for kind, files in (("photo", photos), ("document", documents)):
        for start in range(0, len(files), ALBUM_MAX):
            steps.append(Step(kind, files[start : start + ALBUM_MAX]))
    if steps:
        steps[0].caption = caption[:CAPTION_MAX]
    if buttons:
        if steps and len(steps[-1].files) == 1:
            steps[-1].buttons = buttons
        else:  # an album cannot carry a keyboard
            steps.append(Step("text", caption=more_text[:TEXT_MAX], buttons=buttons))
    return steps


async def run_step(bot: Bot, target: ChatTarget, step: Step) -> Message:
    """Send one step; returns the (first) message sent."""
    chat_id, reply, thread = int(target.chat_id), reply_to(target), thread_of(target)
    markup = keyboard(step.buttons)
    caption = step.caption or None
    if step.kind == "text":
        return await bot.send_message(chat_id, step.caption, reply_markup=markup, reply_parameters=reply,
                                      message_thread_id=thread)
    if len(step.files) == 1:
        name, data = step.files[0]
        if step.kind == "photo":
            return await bot.send_photo(
                chat_id, InputFile(data, filename=name), caption=caption,
                reply_markup=markup, reply_parameters=reply, message_thread_id=thread,
            )
        return await bot.send_document(
            chat_id, InputFile(data, filename=name), caption=caption,
            reply_markup=markup, reply_parameters=reply, message_thread_id=thread,
        )
    media_type = InputMediaPhoto if step.kind == "photo" else InputMediaDocument
    media = [
        media_type(InputFile(data, filename=name, attach=True), caption=caption if i == 0 else None)
        for i, (name, data) in enumerate(step.files)
    ]
    sent = await bot.send_media_group(chat_id, media, reply_parameters=reply, message_thread_id=thread)
    return sent[0]


def delivery_key(target: ChatTarget, items: Sequence[Deliverable], caption: str) -> str:
    """Names one delivery, so a rescheduled run finds the steps already done."""
    what = json.dumps([target.chat_id, target.reply_to, [str(i.path) for i in items], caption])
    return "telegram:delivery:" + hashlib.sha256(what.encode()).hexdigest()[:32]


# ---- the Sender and PhotoSource -------------------------------------------------------------


class TelegramSender:
    """``Sender`` for Telegram. One short-lived HTTP client per call, so any event loop works."""

    channel = "telegram"

    def __init__(self, settings: Settings, catalogues: Catalogues, redis: Redis | None = None) -> None:
        self.settings = settings
        self.catalogues = catalogues
        self.redis = redis
        self.pacer = (GroupPacer(redis, settings.telegram_group_messages, settings.telegram_group_window_s)
                      if redis is not None else None)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[Bot]:
        """A Bot with its own connection pool, closed afterwards (no getMe round trip)."""
        request = HTTPXRequest(connection_pool_size=4, media_write_timeout=MEDIA_WRITE_TIMEOUT_S)
        try:
            yield make_bot(self.settings, request)
        finally:
            await request.shutdown()

    async def send_text(self, target: ChatTarget, text: str, *, buttons: Buttons = ()) -> str | None:
        name = "text:" + hashlib.sha256(json.dumps([target.chat_id, target.reply_to, text]).encode()).hexdigest()[:24]
        async with self.session() as bot:
            with platform_errors():
                async with paced(self.pacer, int(target.chat_id), 1, name, PACE_INLINE_WAIT_S):
                    sent = await bot.send_message(
                        int(target.chat_id), text[:TEXT_MAX], reply_markup=keyboard(buttons),
                        reply_parameters=reply_to(target), message_thread_id=thread_of(target),
                    )
        return str(sent.message_id)

    async def send_images(
        self, target: ChatTarget, items: Sequence[Deliverable], caption: str, *, buttons: Buttons = ()
    ) -> None:
        def say(message_id: str, **params: Any) -> str:
            return self.catalogues.text(target.language, message_id, **params)

        more = say("telegram.result.more")
        steps = plan_steps(items, caption, tuple(buttons) + picture_buttons(items, say), more)
        key = delivery_key(target, items, caption)
        async with self.session() as bot:
            await deliver(bot, target, steps, self.redis, key, self.pacer)
            await react(bot, target, self.redis, key)

    async def show_progress(self, target: ChatTarget, message_id: str | None, text: str) -> None:
        """Edit the acknowledgement; keep "sending photo…" alive. Best effort, except a blocked chat."""
        async with self.session() as bot:
            try:
                if message_id and text:
                    with contextlib.suppress(BadRequest):  # not modified, or deleted meanwhile
                        await bot.edit_message_text(text[:TEXT_MAX], int(target.chat_id), int(message_id))
                await bot.send_chat_action(int(target.chat_id), ChatAction.UPLOAD_PHOTO,
                                           message_thread_id=thread_of(target))
            except (Forbidden, BadRequest) as error:
                if isinstance(error, Forbidden) or any(g in error.message.lower() for g in GONE_CHAT):
                    raise PermanentUpstreamError("delivery.blocked") from None
            except TelegramError as error:  # progress is cosmetic: never reschedule for it
                log.info("telegram progress skipped: %s", type(error).__name__)


    async def end_progress(self, target: ChatTarget, message_id: str, text: str) -> None:
        """The acknowledgement's last edit ("Cancelled", "Didn't work out"); no chat action."""
        async with self.session() as bot:
            try:
                await bot.edit_message_text(text[:TEXT_MAX], int(target.chat_id), int(message_id))
            except TelegramError as error:  # deleted meanwhile, or Telegram busy: cosmetic
                log.info("telegram final progress skipped: %s", type(error).__name__)


async def deliver(bot: Bot, target: ChatTarget, steps: list[Step], redis: Redis | None, key: str,
                  pacer: GroupPacer | None = None, *, wait_as_long: bool = False) -> None:
    """Run the steps in order, skipping those a previous run finished (recorded in Redis), each
    in its group send slot (an album takes one per picture)."""
    for index, step in enumerate(steps):
        if redis is not None and redis.hexists(key, str(index)):
            continue
        with platform_errors():
            async with paced(pacer, int(target.chat_id), len(step.files), f"{key}:{index}" if key else None,
                             None if wait_as_long else PACE_INLINE_WAIT_S):
                sent = await run_step(bot, target, step)
        if redis is not None:
            redis.hset(key, str(index), str(sent.message_id))
            redis.expire(key, SENT_RECORD_TTL_SECONDS)


class TelegramPhotoSource:
    """``PhotoSource`` for Telegram: a PhotoRef's file_id -> its bytes, capped in size."""

    channel = "telegram"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def fetch(self, photo: PhotoRef) -> bytes:
        request = HTTPXRequest(connection_pool_size=2)
        try:
            return await download(make_bot(self.settings, request), photo.ref)
        finally:
            await request.shutdown()


async def download(bot: Bot, file_id: str, limit: int = DOWNLOAD_MAX_BYTES) -> bytes:
    """A file's bytes via getFile; UserInputError when too big or gone, Transient on network."""
    try:
        file = await bot.get_file(file_id)
        if file.file_size and file.file_size > limit:
            raise UserInputError("telegram.photo_too_big", max_mb=limit // (1024 * 1024))
        data = bytes(await file.download_as_bytearray())
    except BadRequest as error:
        if "too big" in error.message.lower():
            raise UserInputError("telegram.photo_too_big", max_mb=limit // (1024 * 1024)) from None
        raise UserInputError("telegram.photo_unavailable") from None
    except TelegramError as error:
        log.warning("telegram file download failed: %s", type(error).__name__)
        raise TransientUpstreamError("error.upstream_busy") from None
    if len(data) > limit:
        raise UserInputError("telegram.photo_too_big", max_mb=limit // (1024 * 1024))
    return data


def build_sender(settings: Settings, redis: Redis | None = None) -> TelegramSender | None:
    """The Telegram sender, or None when no bot token is configured."""
    if not settings.telegram_bot_token:
        return None
    import locales

    return TelegramSender(settings, locales.load(), redis)
