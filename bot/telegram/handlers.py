"""Telegram update handlers: parse the update, hand it to the Conversation, send the replies.

The dialogue itself lives in ``bot.conversation``; these handlers only know Telegram: which
photo is meant, whether a group message is for the bot, how a Reply looks on Telegram.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import time
from dataclasses import replace
from typing import Any

from redis import Redis
from telegram import Bot, Chat, Message, Update, User
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import together
from bot.intake import photo_arrived, photo_arriving
from bot.messages import Dialogue, Incoming, Reply
from bot.telegram.groups import IntroRecord, added, bot_joined, owner_of
from bot.telegram.pacing import GroupPacer, paced
from bot.telegram.parse import (
    PhotoFile,
    addressed,
    is_group,
    is_other_document,
    photo_in,
    photo_meant,
    target_of,
    text_of,
    unusable_kind,
    without_mention,
)
from bot.telegram.payments import GroupAdmins, send_invoice
from bot.telegram.sender import (
    TEXT_MAX,
    deliver,
    download,
    keyboard,
    plan_steps,
    reply_to,
    thread_of,
)
from bot.telegram.waiting import QueueNotes
from core.chat import ChatTarget, PhotoRef
from core.errors import PortraitBotError
from core.i18n import Catalogues, normalize_language
from core.sender import Deliverable
from core.settings import Settings

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
CALLBACK_ANSWER_MAX = 200
"""Bot API: characters in an answerCallbackQuery text."""


def dedup_key(update: Update) -> str:
    return f"telegram:update:{update.update_id}"


def edit_key(message: Message, text: str | None) -> str:
    """One answer per version of an edited message, however often Telegram sends it."""
    version = hashlib.sha256((text or "").encode()).hexdigest()[:16]
    return f"telegram:edit:{message.chat.id}:{message.message_id}:{version}"


class TelegramHandlers:
    """The handlers of one Application, sharing its conversation, settings and catalogues."""

    def __init__(
        self, conversation: Dialogue, settings: Settings, catalogues: Catalogues, redis: Redis | None = None
    ) -> None:
        self.conversation = conversation
        self.settings = settings
        self.admins = GroupAdmins()
        self.catalogues = catalogues
        self.intros = IntroRecord(redis)
        self.redis = redis
        self.queue_notes: QueueNotes | None = None
        """Set by the runner when it has the queue: acknowledgements show their queue position."""
        self.pacer = (GroupPacer(redis, settings.telegram_group_messages, settings.telegram_group_window_s)
                      if redis is not None else None)

    def allowed(self, chat: Chat) -> bool:
        """Private chats always; groups only when allow-listed (an empty list allows all)."""
        allow = self.settings.telegram_allowed_groups
        if not is_group(chat) or not allow or chat.id in allow:
            return True
        log.info("telegram: ignoring group %s (not in TELEGRAM_ALLOWED_GROUPS)", chat.id)
        return False

    async def on_message(self, update: Update, context: Context) -> None:
        """A text, command, photo or image document: one conversation turn."""
        await self.take(update, context, edited=False)

    async def on_edited(self, update: Update, context: Context) -> None:
        """An edited text or caption ("here's me" → "here's me — make me a pixar cartoon"):
        answered when it asks for something new (``bot.edits`` decides)."""
        await self.take(update, context, edited=True)

    async def take(self, update: Update, context: Context, *, edited: bool) -> None:
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None or not self.allowed(chat):
            return
        sender = message.from_user
        if sender is not None and sender.is_bot:
            return
        me = context.bot.bot
        own_photo = photo_in(message)
        target = target_of(chat, sender, message.message_id, message)
        if target.is_group and self.settings.payments == "stars" and sender is not None:
            target = replace(target, pool=await self.admins.has(context.bot, chat.id, sender.id))
        if not addressed(message, me):
            if own_photo and not edited:  # group photo context only; nothing is downloaded or said
                photo_ref = PhotoRef("telegram", own_photo.file_id, time.time())
                await self.conversation.handle(
                    Incoming(target, dedup_key(update), photo_ref=photo_ref, addressed=False,
                             bot_username=me.username)
                )
            return
        if edited and is_other_document(message):
            return
        if is_other_document(message) and not is_group(chat):
            await self.send(context.bot, target, [Reply(self.say(target, "telegram.not_an_image"))])
            return
        photo = photo_meant(message, me)
        if photo is None or self.redis is None:
            await self.reply(context.bot, target, message, edited, update, photo)
            return
        photo_arriving(self.redis, target.person_id)  # their next request waits for this photo
        album = message.media_group_id if not edited and photo_in(message) is not None else None
        if album:  # the album waits for this part, however long its download and check take
            together.announce(self.redis, target.person_id, album)
        try:
            await self.reply(context.bot, target, message, edited, update, photo)
        except BaseException:
            if album:
                together.withdraw(self.redis, target.person_id, album)
            raise
        finally:
            photo_arrived(self.redis, target.person_id)

    async def reply(self, bot: Bot, target: ChatTarget, message: Message, edited: bool,
                    update: Update, photo: PhotoFile | None) -> None:
        """Fetch the photo (if any), hand the message to the conversation, send its replies."""
        me = bot.bot
        data = await download(bot, photo.file_id) if photo else None
        text = without_mention(text_of(message), me.username) or None
        incoming = Incoming(
            target=target,
            message_key=edit_key(message, text) if edited else dedup_key(update),
            origin=f"telegram:msg:{message.chat.id}:{message.message_id}",
            edited=edited,
            text=text,
            photo=data,
            photo_ref=PhotoRef("telegram", photo.file_id, time.time()) if photo else None,
            addressed=True,
            bot_username=me.username,
            album=message.media_group_id if photo_in(message) is not None else None,
        )
        await self.send(bot, target, await self.conversation.handle(incoming))

    async def on_unusable(self, update: Update, context: Context) -> None:
        """A voice note, sticker, location, video or contact: a short hint of what works instead.
        In a group only when it is addressed to the bot (a reply to it), never for chatter."""
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None or not self.allowed(chat):
            return
        if message.from_user is not None and message.from_user.is_bot:
            return
        kind = unusable_kind(message)
        if kind is None or not addressed(message, context.bot.bot):
            return
        target = target_of(chat, message.from_user, message.message_id, message)
        await self.send(context.bot, target, [Reply(self.say(target, f"telegram.hint_{kind}"))])

    async def on_my_membership(self, update: Update, context: Context) -> None:
        """The bot was added to a group (or removed): introduce it once per group."""
        change = update.my_chat_member
        if change is None or not is_group(change.chat):
            return
        joined = added(change)
        if joined is False:
            self.intros.forget(change.chat.id)
        elif joined:
            await self.introduce(context.bot, change.chat, change.from_user)

    async def on_new_members(self, update: Update, context: Context) -> None:
        """The "… added the bot" service message: the same introduction, still only once."""
        message = update.effective_message
        if message is not None and is_group(message.chat) and bot_joined(message, context.bot.bot):
            await self.introduce(context.bot, message.chat, message.from_user)

    async def introduce(self, bot: Bot, chat: Chat, by: User | None) -> None:
        """How to use the bot in a group under privacy mode, in the language of who added it."""
        if not self.allowed(chat) or not self.intros.first(chat.id):
            return
        language = normalize_language(by.language_code if by else None)
        text = self.catalogues.text(language, "telegram.group_intro", bot=f"@{bot.bot.username}")
        try:
            async with paced(self.pacer, chat.id, 1, None, None):
                await bot.send_message(chat.id, text[:TEXT_MAX])
        except TelegramError:
            self.intros.forget(chat.id)  # not said: a repeated update may try again
            raise

    async def on_callback(self, update: Update, context: Context) -> None:
        """A pressed inline button: its data goes to the conversation like a message. In a
        group, a button under someone else's request only says whose it is."""
        query = update.callback_query
        if query is None:
            return
        chat = query.message.chat if query.message else None
        message = query.message if isinstance(query.message, Message) else None
        owner = owner_of(message, context.bot.bot) if chat is not None and is_group(chat) else None
        if owner is not None and owner.id != query.from_user.id:
            language = normalize_language(query.from_user.language_code)
            text = self.catalogues.text(language, "telegram.button_not_yours", name=owner.first_name)
            with contextlib.suppress(TelegramError):
                await query.answer(text[:CALLBACK_ANSWER_MAX])
            return
        with contextlib.suppress(TelegramError):  # stop the button's spinner at once
            await query.answer()
        if chat is None or not self.allowed(chat) or not query.data:
            return
        anchor = query.message.message_id if query.message and is_group(chat) else None
        target = target_of(chat, query.from_user, anchor, query.message if isinstance(query.message, Message) else None)
        incoming = Incoming(
            target=target, message_key=dedup_key(update), callback=query.data,
            addressed=True, bot_username=context.bot.bot.username,
        )
        await self.send(context.bot, target, await self.conversation.handle(incoming))

    async def on_error(self, update: object, context: Context) -> None:
        """The one error handler: log without secrets, tell the person in their language."""
        error = context.error
        if isinstance(error, PortraitBotError):
            log.info("telegram update answered with %s", error.message_id)
        else:
            log.error("telegram update failed: %s", type(error).__name__, exc_info=error)
        if not isinstance(update, Update) or update.effective_chat is None:
            return
        if isinstance(error, TelegramError):
            # Telegram itself failed us (flood control past its retries, a timeout): the
            # person's request may well be queued and running, so "try again" would make
            # them pay twice; and another message would likely fail the same way.
            return
        user = update.effective_user
        language = normalize_language(user.language_code if user else None)
        if isinstance(error, PortraitBotError):
            text = self.catalogues.error_text(language, error)
        else:
            text = self.catalogues.text(language, "error.internal")
        with contextlib.suppress(TelegramError):
            message = update.effective_message
            thread = message.message_thread_id if message is not None and message.is_topic_message else None
            await context.bot.send_message(update.effective_chat.id, text, message_thread_id=thread)

    def say(self, target: ChatTarget, message_id: str, **params: Any) -> str:
        return self.catalogues.text(target.language, message_id, **params)

    async def send(self, bot: Bot, target: ChatTarget, replies: list[Reply]) -> None:
        """Render Replies: text with an inline keyboard, or images; report acks' message ids."""
        for reply in replies:
            if reply.images:
                more = self.say(target, "telegram.result.more")
                items = [Deliverable(path) for path in reply.images]
                await deliver(bot, target, plan_steps(items, reply.text, reply.buttons, more), None, "",
                              self.pacer, wait_as_long=True)
                continue
            async with paced(self.pacer, int(target.chat_id), 1, None, None):
                sent = await bot.send_message(
                    int(target.chat_id),
                    reply.text[:TEXT_MAX],
                    reply_markup=keyboard(reply.buttons),
                    reply_parameters=reply_to(target) if target.is_group else None,
                    message_thread_id=thread_of(target),
                )
            if reply.generation_id:
                self.conversation.attach_ack(reply.generation_id, str(sent.message_id))
                if self.queue_notes is not None:
                    self.queue_notes.track(reply.generation_id, sent.chat.id, sent.message_id,
                                           sent.text or "", target.language)
            for invoice in reply.invoices:
                async with paced(self.pacer, int(target.chat_id), 1, None, None):  # a message too
                    await send_invoice(bot, target, invoice)
