"""Slash commands that are not a style request: /start, /help, /styles, /model, /lang,
/cancel, /retry, /quota, /forget, /stats. Style commands (/anime, /passport …) are intents
and go through recognition like any other text, so they work on every channel."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Protocol

from bot.messages import Reply
from bot.photos import PhotoDesk
from core.chat import Button, ButtonAction, ChatTarget
from core.i18n import LANGUAGE_NAMES, Catalogues, normalize_language
from core.models import LOCAL_PROVIDER, MODELS, lookup, route
from core.request import Intent
from core.settings import Settings
from core.styles import Catalogue
from worker.queue import GenerationQueue
from worker.store import Session, SessionStore


class Conversation(Protocol):
    """What a command may use of the conversation that runs it (``bot.conversation``)."""

    settings: Settings
    styles: Catalogue
    queue: GenerationQueue
    sessions: SessionStore
    photos: PhotoDesk
    available_providers: frozenset[str]
    catalogues: Catalogues

    def say(self, target: ChatTarget, message_id: str, **params: Any) -> str: ...

    def start(self, intent: Intent, target: ChatTarget, session: Session) -> list[Reply]: ...

    def model_name(self, key: str, target: ChatTarget) -> str: ...

    def forget_language(self, person_id: str) -> None: ...


Command = Callable[[Conversation, ChatTarget, Session, str], list[Reply]]
LANGUAGE_WORDS = {
    "english": "en", "英文": "en", "英语": "en", "chinese": "zh", "中文": "zh", "汉语": "zh", "cn": "zh",
    "traditional": "zh_Hant", "繁体": "zh_Hant", "繁體": "zh_Hant", "cantonese": "zh_Hant", "粤语": "zh_Hant",
    "粵語": "zh_Hant", "spanish": "es", "portuguese": "pt", "french": "fr", "german": "de", "italian": "it",
    "russian": "ru", "japanese": "ja", "korean": "ko", "vietnamese": "vi", "indonesian": "id",
    **{name.lower(): code for code, name in LANGUAGE_NAMES.items()},
}
"""Ways people name a language after /lang, besides its code ("/lang Español", "/lang korean")."""
LANGUAGE_BUTTONS_PER_ROW = 3
CHOOSABLE_MODELS = ("nanopro", "nano2", "gpt", "seedream", "flux", "headshot", "offline")
"""The models /model offers, when their provider is configured."""


def command_name(text: str, bot_username: str | None = None) -> str | None:
    """``"/quota@PortraitBot now"`` -> ``"quota"``; None when text is not a command for us."""
    if not text.startswith("/"):
        return None
    head = text.split(maxsplit=1)[0][1:]
    name, _, mention = head.partition("@")
    if mention and bot_username and mention.lower() != bot_username.lower().lstrip("@"):
        return None
    return name.lower() or None


def argument(text: str) -> str:
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


def start(conv: Conversation, target: ChatTarget, session: Session, text: str) -> list[Reply]:
    """/start: greet and explain in one message."""
    return [Reply(conv.say(target, "conv.welcome") + "\n\n" + _help_text(conv, target))]


def help_(conv: Conversation, target: ChatTarget, session: Session, text: str) -> list[Reply]:
    return [Reply(_help_text(conv, target))]


def _help_text(conv: Conversation, target: ChatTarget) -> str:
    """How it works, then what is kept and for how long (RETENTION_DAYS)."""
    days = conv.settings.retention_days
    privacy = (conv.say(target, "conv.privacy", days=f"{days:g}") if days > 0
               else conv.say(target, "conv.privacy_until_forget"))
    return conv.say(target, "conv.help") + "\n\n" + privacy


def styles(conv: Conversation, target: ChatTarget, session: Session, text: str) -> list[Reply]:
    """/styles: categories first, then the styles of the chosen one."""
    rows = []
    for category in conv.styles.categories():
        rows.append((Button.of(category.name(target.language), ButtonAction.cat, category.code),))
    return [Reply(conv.say(target, "conv.pick_category"), buttons=tuple(rows))]


def model(conv: Conversation, target: ChatTarget, session: Session, text: str) -> list[Reply]:
    """/model [name]: show or set the person's model."""
    wanted = argument(text)
    available = conv.available_providers | {LOCAL_PROVIDER}
    default = route(None, available_providers=conv.available_providers, has_reference=True,
                    operator_default=conv.settings.default_model or None).model
    default_name = conv.say(target, "conv.model_default", model=conv.model_name(default.key, target))
    if wanted:
        chosen = None if wanted.lower() in ("default", "auto", "默认") else lookup(wanted)
        if chosen is not None and chosen.provider not in available:
            return [Reply(conv.say(target, "conv.model_unavailable", model=conv.model_name(chosen.key, target)))]
        if chosen is None and wanted.lower() not in ("default", "auto", "默认"):
            return [Reply(conv.say(target, "conv.model_unknown", model=wanted[:40]))]
        conv.sessions.update(target.person_id, model=chosen.key if chosen else None)
        name = conv.model_name(chosen.key, target) if chosen else default_name
        return [Reply(conv.say(target, "conv.model_set", model=name))]
    chosen_now = MODELS.get(session.model or "")
    usable = chosen_now is not None and chosen_now.provider in available
    current = conv.model_name(chosen_now.key, target) if (chosen_now and usable) else default_name
    buttons = [
        Button.of(f"{conv.model_name(k, target)} · ~{int(MODELS[k].latency_s)} s", ButtonAction.model, k)
        for k in CHOOSABLE_MODELS
        if MODELS[k].provider in available
    ]
    return [Reply(conv.say(target, "conv.model_current", model=current), buttons=tuple((b,) for b in buttons))]


def lang(conv: Conversation, target: ChatTarget, session: Session, text: str) -> list[Reply]:
    """/lang [code or name]: set the reply language, overriding the chat client's; without
    one, a button per language (WeChat shows them as a numbered list)."""
    said = argument(text)
    wanted = LANGUAGE_WORDS.get(said.lower()) or (normalize_language(said, default="") if said else "")
    if wanted:
        conv.sessions.update(target.person_id, language=wanted)
        from dataclasses import replace

        return [Reply(conv.say(replace(target, language=wanted), "conv.lang_set"))]
    choices = [Button.of(name, ButtonAction.lang, code) for code, name in LANGUAGE_NAMES.items()]
    buttons = tuple(
        tuple(choices[i:i + LANGUAGE_BUTTONS_PER_ROW]) for i in range(0, len(choices), LANGUAGE_BUTTONS_PER_ROW)
    )
    return [Reply(conv.say(target, "conv.lang_pick"), buttons=buttons)]


def cancel(conv: Conversation, target: ChatTarget, session: Session, text: str) -> list[Reply]:
    cancelled = conv.queue.cancel(target.person_id)
    conv.sessions.update(target.person_id, pending=None)
    if not cancelled:
        waiting = "conv.cancelled_pending" if session.pending else "conv.nothing_to_cancel"
        return [Reply(conv.say(target, waiting))]
    message = "conv.cancelled_one" if cancelled == 1 else "conv.cancelled"
    return [Reply(conv.say(target, message, count=cancelled))]


def retry(conv: Conversation, target: ChatTarget, session: Session, text: str) -> list[Reply]:
    """/retry: run the last failed generation again with the stored photo."""
    failed = conv.queue.last_failed(target.person_id)
    if failed is None:
        return [Reply(conv.say(target, "conv.nothing_to_retry"))]
    ticket = conv.queue.retry(failed, target.person_id)
    return [
        Reply(
            conv.say(target, "conv.retrying", seconds=int(round(ticket.eta_s))),
            generation_id=ticket.generation_ids[0],
        )
    ]


def quota(conv: Conversation, target: ChatTarget, session: Session, text: str) -> list[Reply]:
    status = conv.queue.quota(target.person_id)
    hours = max(1, math.ceil(status.resets_in / 3600))
    return [
        Reply(
            conv.say(
                target, "conv.quota", used=status.used, limit=status.limit, active=status.active, hours=hours
            )
        )
    ]


def forget(conv: Conversation, target: ChatTarget, session: Session, text: str) -> list[Reply]:
    """/forget: delete the person's photos, results, history and records (bot/forget.py)."""
    from bot.forget import forget_person

    forget_person(conv, target)
    return [Reply(conv.say(target, "conv.forgotten"), forgets=True)]


def stats(conv: Conversation, target: ChatTarget, session: Session, text: str) -> list[Reply]:
    """/stats: for ADMIN_IDS only."""
    admins = conv.settings.admin_ids
    if target.user_id not in admins and target.person_id not in admins:
        return [Reply(conv.say(target, "conv.not_admin"))]
    numbers = conv.queue.stats()
    lines = [f"{key}: {value}" for key, value in sorted(numbers.items())]
    return [Reply(conv.say(target, "conv.stats_title") + "\n" + "\n".join(lines))]


COMMANDS: dict[str, Command] = {
    "start": start,
    "help": help_,
    "styles": styles,
    "model": model,
    "lang": lang,
    "language": lang,
    "cancel": cancel,
    "retry": retry,
    "quota": quota,
    "forget": forget,
    "stats": stats,
}
