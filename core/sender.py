"""The ``Sender`` Protocol: deliver text, images and documents to one channel's chats.

The worker's deliver step calls a sender; a channel is added by writing one module with a
class that satisfies this Protocol (and a ``PhotoSource`` to fetch the photos it received).
Failures use ``core.errors``: ``TransientUpstreamError(retry_after=…)`` (429, network) makes
the worker reschedule only the delivery; ``PermanentUpstreamError("delivery.blocked")`` (the
person blocked the bot, the chat is gone) stops quietly and is recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from core.chat import Buttons, ChatTarget, PhotoRef


@dataclass(frozen=True)
class Deliverable:
    """One file to send: a result image, or a document such as an ID-photo print sheet."""

    path: Path
    as_document: bool = False
    """Send as a file (full quality, no recompression) rather than as a photo."""
    title: str = ""
    """A name to save it under (``portrait-anime-1.jpg``); empty: the file's own name."""
    label: str = ""
    """What the picture is, in the person's language ("Anime"): a series names each picture."""
    source: str = ""
    """The generation and picture number it came from (``<generation id>.1``), for refining
    it on the web; empty for documents (an ID photo keeps its frame)."""


class Sender(Protocol):
    channel: str

    async def send_text(
        self, target: ChatTarget, text: str, *, buttons: Buttons = ()
    ) -> str | None:
        """Send a message; return its id where the channel has ids (to edit it later)."""
        ...

    async def send_images(
        self,
        target: ChatTarget,
        items: Sequence[Deliverable],
        caption: str,
        *,
        buttons: Buttons = (),
    ) -> None:
        """Send the results of one generation (or series) together, in order."""
        ...

    async def show_progress(self, target: ChatTarget, message_id: str | None, text: str) -> None:
        """Tell the person how it goes (edit the acknowledgement, keep "uploading photo…")."""
        ...


@runtime_checkable
class EndsProgress(Protocol):
    """A sender that can show how a request ended (cancelled, failed) in its acknowledgement."""

    async def end_progress(self, target: ChatTarget, message_id: str, text: str) -> None:
        """Edit the acknowledgement one last time; no "uploading photo…" after it."""
        ...


class PhotoSource(Protocol):
    channel: str

    async def fetch(self, photo: PhotoRef) -> bytes:
        """The photo's bytes, capped in size; raise UserInputError / TransientUpstreamError."""
        ...
