"""The channel-neutral shapes of a conversation turn: what came in, what goes back out."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from core.chat import Buttons, ChatTarget, PhotoRef


@dataclass(frozen=True)
class Incoming:
    """One message (or button press) from a person, already parsed by a channel adapter."""

    target: ChatTarget
    message_key: str | None = None
    """Dedup key unique per channel message (``telegram:update:123``, ``wechat:msg:…``);
    the same key seen twice within a day is ignored. None: no dedup."""
    text: str | None = None
    """The text or caption, commands included (``/anime@PortraitBot``)."""
    photo: bytes | None = None
    """Photo bytes the adapter already fetched (a photo, an image document, a replied-to photo)."""
    photo_ref: PhotoRef | None = None
    """Where the photo came from, kept in the session for the record."""
    callback: str | None = None
    """Data of a pressed button (``style:anime``, ``go:<token>``, ``regen:<id>`` …)."""
    addressed: bool = True
    """In a group: the bot was addressed (command, mention, reply to the bot, caption command).
    Unaddressed group messages only update the group photo context."""
    bot_username: str | None = None
    origin: str | None = None
    """The chat message itself, the same for all its edits (``telegram:msg:<chat>:<id>``):
    what it started is remembered, so an edit can replace it (``bot.edits``)."""
    edited: bool = False
    """This is an edit of the message ``origin`` names, not a new message."""
    album: str | None = None
    """The channel's id of photos sent together (Telegram's ``media_group_id``): the album is
    collected and answered once (``bot.albums``). The web page names the files picked together;
    WeChat and WeCom name a run of images in a row (``bot.albums.run_of``)."""
    album_adds: bool = False
    """The album is a run of images in a row: each photo joins the person's set as it comes
    (a request sent meanwhile uses it), and ``Dialogue.answer_album`` gives the run's one
    answer. False: the album is a new set of its own, answered by ``handle`` (a Telegram
    album, files picked together)."""


@dataclass(frozen=True)
class Invoice:
    """A pack of credits offered for Telegram Stars (``core.credits.Pack``), its texts localised."""

    title: str
    description: str
    payload: str
    stars: int


@dataclass(frozen=True)
class Reply:
    """One message to send back. Channels render buttons their own way."""

    text: str
    buttons: Buttons = ()
    forgets: bool = False
    """The answer to /forget: everything about the person is gone, and a channel that keeps a
    history (the web feed) must not write this turn into it."""
    generation_id: str | None = None
    """Set on the acknowledgement of a queued generation: the channel reports the sent
    message's id back with ``Conversation.attach_ack`` so progress can edit it."""
    images: tuple[Path, ...] = field(default_factory=tuple)
    """Images to send with this reply (e.g. results held back for a WeChat passive reply)."""
    invoices: tuple[Invoice, ...] = ()
    """Packs to offer as invoices after the text (Telegram Stars; other channels have none)."""


class Dialogue(Protocol):
    """The conversation as a channel sees it: one turn in, replies out (``bot.conversation``)."""

    async def handle(self, incoming: Incoming) -> list[Reply]: ...

    async def answer_album(self, incoming: Incoming) -> list[Reply] | None:
        """The one answer to a run of images (``Incoming.album_adds``), for the part that
        claims it (possibly no reply at all); None for the others."""
        ...

    def attach_ack(self, generation_id: str, message_id: str) -> None:
        """Remember which chat message shows this generation's progress."""

    def reply_language(self, target: ChatTarget) -> str:
        """The language the person is answered in now."""
