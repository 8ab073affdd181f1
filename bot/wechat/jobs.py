"""Short RQ jobs of the WeChat channel, run by the worker, never inside the callback.

``wechat_job(payload)`` takes one JSON object:

* ``{"kind": "photo", "target", "message_key", "media_id", "received_at"}`` -- fetch the
  person's photo through ``media/get`` (MediaId only: PicUrl is a URL from the message and is
  not fetched), run it through the Conversation, push its replies. The callback no longer
  makes these (the server takes photos itself, ``WeChatHandler._take_photo``); kept for jobs
  queued before an upgrade.
* ``{"kind": "push", "target", "texts", "notes", "images", "held", "media_ids"}`` -- push what
  could not ride in a passive reply: texts (held again if WeChat refuses), notes (dropped if
  refused), result images, held items, already uploaded media.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis

from bot.messages import Dialogue, Incoming
from bot.wechat.sender import WeChatPhotoSource, WeChatSender
from bot.wechat.store import Held
from core.chat import ChatTarget, PhotoRef
from core.errors import PortraitBotError, TransientUpstreamError, UpstreamError, UserInputError
from core.i18n import Catalogues
from core.sender import Deliverable
from worker.context import current

log = logging.getLogger(__name__)

JOB_FUNCTION = "bot.wechat.jobs.wechat_job"
JOB_TIMEOUT_SECONDS = 60
"""A photo download and one Conversation turn; far less in practice."""
JOB_RESULT_TTL_SECONDS = 60
FETCH_RETRY_DELAYS_SECONDS: tuple[float, ...] = (1.0, 3.0)
"""Pauses between tries to fetch a photo from a busy WeChat API before telling the person."""
QUEUE_NAME = "portraitbot"
"""The worker's one queue of short jobs (``worker.rqueue.QUEUE_NAME``)."""


@dataclass
class WeChatJobParts:
    """What a WeChat job needs; the worker builds it once per process."""

    conversation: Dialogue
    sender: WeChatSender
    source: WeChatPhotoSource
    catalogues: Catalogues
    fetch_retry_delays: tuple[float, ...] = FETCH_RETRY_DELAYS_SECONDS


def enqueuer(redis_client: redis.Redis) -> Callable[[dict[str, Any]], object]:
    """An ``enqueue_photo_job`` for ``wechat_routes``: puts payloads on the worker's queue."""
    from rq import Queue
    from rq.serializers import JSONSerializer

    queue = Queue(QUEUE_NAME, connection=redis_client, serializer=JSONSerializer)

    def enqueue(payload: dict[str, Any]) -> object:
        return queue.enqueue(
            JOB_FUNCTION,
            args=(payload,),
            job_timeout=JOB_TIMEOUT_SECONDS,
            result_ttl=JOB_RESULT_TTL_SECONDS,
        )

    return enqueue


async def run_job(payload: dict[str, Any], parts: WeChatJobParts) -> None:
    """Do one WeChat job with explicit parts (the RQ entry point finds them)."""
    target = ChatTarget.from_dict(payload["target"])
    if payload.get("kind") == "photo":
        await _photo(payload, target, parts)
    elif payload.get("kind") == "push":
        await _push(payload, target, parts)
    else:
        log.warning("wechat job: unknown kind %r", payload.get("kind"))


async def _photo(payload: dict[str, Any], target: ChatTarget, parts: WeChatJobParts) -> None:
    ref = PhotoRef("wechat", str(payload["media_id"]), float(payload.get("received_at") or 0.0))
    try:
        photo = await _fetch(parts, ref)
    except (UserInputError, UpstreamError) as error:
        await parts.sender.send_text(target, parts.catalogues.error_text(target.language, error))
        return
    incoming = Incoming(target=target, message_key=payload.get("message_key"), photo=photo, photo_ref=ref)
    try:
        replies = await parts.conversation.handle(incoming)
    except PortraitBotError as error:
        await parts.sender.send_text(target, parts.catalogues.error_text(target.language, error))
        return
    for reply in replies:
        if reply.images:
            await parts.sender.send_images(
                target, [Deliverable(Path(p)) for p in reply.images], reply.text, buttons=reply.buttons
            )
        else:
            await parts.sender.send_text(target, reply.text, buttons=reply.buttons)


async def _fetch(parts: WeChatJobParts, ref: PhotoRef) -> bytes:
    """The photo, tried a few times here: the worker does not reschedule this job."""
    for delay in parts.fetch_retry_delays:
        try:
            return await parts.source.fetch(ref)
        except TransientUpstreamError as error:
            log.info("wechat job: photo fetch failed (%s); retrying in %.0f s", error.message_id, delay)
            await asyncio.sleep(delay)
    try:
        return await parts.source.fetch(ref)
    except TransientUpstreamError:
        raise UpstreamError("wechat.photo_fetch_failed") from None


async def _push(payload: dict[str, Any], target: ChatTarget, parts: WeChatJobParts) -> None:
    sender = parts.sender
    await sender.push_texts(target, list(payload.get("notes") or ()), hold=False)
    held = [Held.from_json(raw) for raw in payload.get("held") or ()]
    held += [Held("image", media_id=m, uploaded_at=time.time()) for m in payload.get("media_ids") or ()]
    if held:
        await sender.push_held(target, held)
    if images := payload.get("images"):
        await sender.send_images(target, [Deliverable(Path(p)) for p in images], "")
    await sender.push_texts(target, list(payload.get("texts") or ()))


_parts: WeChatJobParts | None = None
"""This process's WeChat parts, installed by the worker's composition root at start."""


def install(parts: WeChatJobParts) -> None:
    """Give this worker process the parts its WeChat jobs use (``portraitbot.commands.worker``)."""
    global _parts
    _parts = parts


def wechat_job(payload: dict[str, Any]) -> None:
    """RQ entry point: run one WeChat job on the worker's context."""
    if _parts is None:
        raise RuntimeError("WeChat job on a worker without WeChat configured")
    current().run(run_job(payload, _parts))
