"""Reading a Telegram message: who is asking, was the bot addressed, which photo is meant."""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram import Chat, Message, MessageEntity, User

from core.chat import ChatTarget
from core.i18n import normalize_language

IMAGE_MIME_PREFIX = "image/"
"""A document is taken as a photo when its MIME type starts with this (JPEG, PNG, HEIC, WebP…)."""
GROUP_TYPES = (Chat.GROUP, Chat.SUPERGROUP)


@dataclass(frozen=True)
class PhotoFile:
    """A photo on Telegram's servers: the largest PhotoSize, or an image sent as a document."""

    file_id: str
    file_size: int | None


def is_group(chat: Chat) -> bool:
    return chat.type in GROUP_TYPES


def target_of(chat: Chat, user: User | None, reply_to: int | None) -> ChatTarget:
    """The chat to answer in and the person asking, in their app's language."""
    return ChatTarget(
        channel="telegram",
        chat_id=str(chat.id),
        user_id=str(user.id if user else chat.id),
        language=normalize_language(user.language_code if user else None),
        reply_to=str(reply_to) if reply_to is not None else None,
        is_group=is_group(chat),
    )


def text_of(message: Message) -> str:
    return message.text or message.caption or ""


def addressed(message: Message, bot: User) -> bool:
    """Private chats always; in groups: a command for us, a mention, or a reply to the bot."""
    if not is_group(message.chat):
        return True
    username = (bot.username or "").lower()
    entities = message.parse_entities() if message.text else message.parse_caption_entities()
    for entity, value in entities.items():
        if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
            _, _, mention = value.partition("@")
            if not mention or mention.lower() == username:
                return True
        if entity.type == MessageEntity.MENTION and value.lower() == f"@{username}":
            return True
        if entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot.id:
            return True
    replied = message.reply_to_message
    return bool(replied and replied.from_user and replied.from_user.id == bot.id)


def without_mention(text: str, username: str | None) -> str:
    """``"@PortraitBot make me anime"`` -> ``"make me anime"``; commands are left as they are."""
    if not username or text.startswith("/"):
        return text
    return re.sub(rf"(?<!\w)@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE).strip()


def photo_in(message: Message | None) -> PhotoFile | None:
    """The photo a message carries: its largest size, or an image document (full quality)."""
    if message is None:
        return None
    if message.photo:
        largest = max(message.photo, key=lambda p: (p.width * p.height, p.file_size or 0))
        return PhotoFile(largest.file_id, largest.file_size)
    document = message.document
    if document and (document.mime_type or "").startswith(IMAGE_MIME_PREFIX):
        return PhotoFile(document.file_id, document.file_size)
    return None


def photo_meant(message: Message, bot: User) -> PhotoFile | None:
    """The message's own photo, else the photo it replies to (someone's, never the bot's result)."""
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
        replied = None
    return photo_in(message) or photo_in(replied)


def is_other_document(message: Message) -> bool:
    """A file that is not an image (a PDF, a zip…): it cannot be a reference photo."""
    return bool(message.document) and photo_in(message) is None


def unusable_kind(message: Message) -> str | None:
    """What the message carries that the bot cannot use, as the end of its hint's message id
    (``telegram.hint_voice`` …); None for anything else."""
    if message.voice or message.audio:
        return "voice"
    if message.sticker:
        return "sticker"
    if message.location or message.venue:
        return "location"
    if message.video_note or message.video or message.animation:
        return "video"
    if message.contact:
        return "contact"
    return None
