"""The channel-neutral conversation: one incoming message in, the replies out.

Telegram, WeChat and the web chat parse their updates into ``bot.messages.Incoming`` and
send back the ``Reply`` list this returns; the dialogue itself (intents, the person's
reference photo, pending choices, quotas, enqueueing, commands such as /quota or /forget)
lives here once, so every channel behaves the same. It never waits for a model: a request
is planned, queued and acknowledged; the worker does the rest.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from dataclasses import replace
from typing import Any

import redis

from bot import acks, albums, edits, fewer, followups, idcountry, sets, together
from bot.buttons import pressed
from bot.choices import pick_by_words, random_prompts, style_buttons
from bot.commands import command_name
from bot.intake import IntakePool, photo_arrived, photo_arriving, wait_for_photo
from bot.llm_fallback import LLMFallback
from bot.messages import Incoming, Reply
from bot.paying import EVERY_COMMAND as COMMANDS
from bot.photos import PhotoDesk, crown_cut, joins_set, with_photos
from core.chat import Button, ButtonAction, ChatTarget
from core.errors import PortraitBotError, QuotaError, UserInputError
from core.i18n import Catalogues, normalize_language
from core.intent import recognize
from core.models import MODELS
from core.plan import Plan, StyleFacts, plan
from core.request import ASK_BELOW, QUIET_ACTIONS, Intent
from core.settings import Settings
from core.styles import Catalogue
from core.written import LATIN_SCRIPT_LANGUAGES
from engine.written import written_language
from worker import metrics
from worker.queue import GenerationQueue
from worker.redis_conn import KEY_PREFIX
from worker.store import (
    REFERENCE_MAX_AGE_SECONDS,
    Pending,
    Reference,
    Session,
    SessionStore,
    WrittenLanguages,
    first_time,
)

log = logging.getLogger(__name__)


OWN_LANGUAGE_CHANNELS = frozenset({"wechat"})
"""Channels whose adapter already follows the written language (bot/wechat/handler.py)."""


def _chosen_language(session: Session, written: str | None, target: ChatTarget) -> str:
    """/lang's choice (or the web page's switch), else the language they write in, else the client's."""
    client = normalize_language(target.language)
    if (written == "en" and client in LATIN_SCRIPT_LANGUAGES) or (written == "zh" and client == "zh_Hant"):
        written = None  # what they write agrees with their client's language, which is finer
    return normalize_language(session.language or written or target.language)


class Conversation:
    """The dialogue, shared by every channel. Build one per process and reuse it."""

    def __init__(
        self,
        *,
        redis_client: redis.Redis,
        settings: Settings,
        catalogues: Catalogues,
        styles: Catalogue,
        queue: GenerationQueue,
        photos: PhotoDesk,
        available_providers: frozenset[str],
        intake: IntakePool | None = None,
    ) -> None:
        self.redis = redis_client
        self.settings = settings
        self.catalogues = catalogues
        self.styles = styles
        self.queue = queue
        self.photos = photos
        self.intake = intake
        """Where photos are checked: other processes; None: a thread of this one."""
        self.sessions = SessionStore(redis_client)
        self.available_providers = available_providers
        self.llm = LLMFallback.from_settings(settings, redis_client)
        """The optional language model for messages the rules cannot place (off: None)."""
        self.extra_styles = {
            s.key: (s.name_en, s.name_zh, *s.keywords) for s in styles.all() if s.source != "preset"
        }

    # ----------------------------------------------------------------- entry points
    async def handle(self, incoming: Incoming) -> list[Reply]:
        """Answer one message or button press. Duplicates (same message key) get nothing."""
        if incoming.message_key and not first_time(self.redis, incoming.message_key):
            if incoming.album and incoming.photo is not None:  # announced twice, taken once
                together.withdraw(self.redis, incoming.target.person_id, incoming.album)
            return []
        target = incoming.target
        takes_photo = incoming.photo is not None and (incoming.addressed or not target.is_group)
        if not takes_photo:
            # Their photo is still being fetched or checked: answer once it is the reference.
            await wait_for_photo(self.redis, target.person_id)
        session = self.sessions.get(target.person_id, now=time.time())
        written = None if target.channel in OWN_LANGUAGE_CHANNELS else self._written_language(target.person_id, incoming.text)
        target = replace(target, language=_chosen_language(session, written, target))
        kind = "button" if incoming.callback else "photo" if incoming.photo is not None else "text"
        metrics.count(self.redis, "portraitbot_requests_total", {"channel": target.channel, "intent": kind})
        first: list[Reply] = []
        try:
            if incoming.edited:
                go_on, first = edits.revise(self, self.redis, replace(incoming, target=target), self._read(incoming))
                if not go_on:
                    return first
            try:
                reference = await self._take_photo(incoming) if takes_photo else None
            except PortraitBotError:
                if incoming.album:  # the album's other parts no longer wait for this one
                    together.withdraw(self.redis, target.person_id, incoming.album)
                raise
            if reference is not None and incoming.album and incoming.album_adds:
                # Into the set now, so a request sent meanwhile uses it; the run's one answer
                # comes from ``answer_album``.
                self._take_into_set(target, reference)
                together.add(self.redis, target.person_id, incoming.album, reference, incoming.text)
                replies = []
            elif reference is not None and incoming.album:
                replies = await albums.collect(self, incoming, target, reference)
            elif self.llm is not None and reference is None:
                # The optional model may take seconds: keep the event loop free meanwhile.
                replies = await asyncio.to_thread(self._dispatch, incoming, target, session, reference)
            else:
                replies = self._dispatch(incoming, target, session, reference)
        except PortraitBotError as error:
            return [*first, Reply(self.catalogues.error_text(target.language, error))]
        if incoming.origin and any(r.generation_id for r in replies):
            edits.remember(self.redis, incoming, self._read(incoming), replies)
        return [*first, *replies]

    async def answer_album(self, incoming: Incoming) -> list[Reply] | None:
        """The one answer to a run of images (``Incoming.album_adds``) once it is complete, for
        the part that claims it (possibly no reply at all); None for the other parts. Call it
        after ``handle`` took the part in."""
        target = incoming.target
        session = self.sessions.get(target.person_id, now=time.time())
        target = replace(target, language=_chosen_language(session, None, target))
        try:
            return await albums.answer_run(self, incoming, target)
        except PortraitBotError as error:
            return [Reply(self.catalogues.error_text(target.language, error))]

    async def _take_photo(self, incoming: Incoming) -> Reference:
        """Decode, check and save the photo (a few hundred ms) where it holds up no one else."""
        assert incoming.photo is not None
        person = incoming.target.person_id
        photo_arriving(self.redis, person)
        try:
            if self.intake is not None:
                return await self.intake.accept(person, incoming.photo, incoming.photo_ref)
            return await asyncio.to_thread(self.photos.accept, person, incoming.photo, incoming.photo_ref)
        finally:
            photo_arrived(self.redis, person)

    def _read(self, incoming: Incoming) -> Intent:
        return recognize(incoming.text or "", bot_username=incoming.bot_username, extra_styles=self.extra_styles)

    def _written_language(self, person_id: str, text: str | None) -> str | None:
        """The language the person writes in, remembered for a while: someone whose phone is set
        to English but who writes Chinese is answered in Chinese (until /lang says otherwise)."""
        languages = WrittenLanguages(self.redis)
        detected = written_language(text)
        if detected is not None:
            languages.remember(person_id, detected)
            return detected
        return languages.get(person_id)

    def reply_language(self, target: ChatTarget) -> str:
        """The language this person is answered in now (what ``handle`` chose last), so a
        channel's own page can show itself in the same language."""
        session = self.sessions.get(target.person_id, now=time.time())
        written = None if target.channel in OWN_LANGUAGE_CHANNELS else WrittenLanguages(self.redis).get(target.person_id)
        return _chosen_language(session, written, target)

    def forget_language(self, person_id: str) -> None:
        WrittenLanguages(self.redis).forget(person_id)

    def attach_ack(self, generation_id: str, message_id: str) -> None:
        """Remember which chat message to edit with progress for this generation."""
        self.queue.attach_ack(generation_id, message_id)

    def say(self, target: ChatTarget, message_id: str, **params: Any) -> str:
        return self.catalogues.text(target.language, message_id, **params)

    def model_name(self, key: str, target: ChatTarget) -> str:
        """A model's name as the person reads it: brand names stay, "Offline preview" is translated."""
        localised = f"conv.model_name_{key}"
        if self.catalogues.has(localised, target.language):
            return self.say(target, localised)
        return MODELS[key].name if key in MODELS else key

    # ----------------------------------------------------------------- dispatch
    def _dispatch(self, incoming: Incoming, target: ChatTarget, session: Session,
                  reference: Reference | None = None) -> list[Reply]:
        if incoming.callback:
            return pressed(self, incoming.callback, target, session)
        text = (incoming.text or "").strip()
        if incoming.photo is not None:
            return self._photo(incoming, target, text, reference)
        if not text:
            return []
        if target.is_group and not incoming.addressed:
            return []
        name = command_name(text, incoming.bot_username)
        if name in COMMANDS:
            return COMMANDS[name](self, target, session, text)
        pending = session.pending
        choosing = pending is not None and pending.kind == "choice"
        number = followups.position(text)
        if choosing and number is not None:
            return self._pick_by_number(number, target, session)
        if pending is not None and pending.kind == idcountry.PENDING_KIND:
            answered = idcountry.answer(self, text, number, target, session)
            if answered is not None:
                return answered
        if number is not None and text.strip("#").isdigit():
            # A bare number answers a question; with none open it must not start (and charge) work.
            return [Reply(self.say(target, "conv.number_without_choice"))]
        if followups.stops(text):
            return COMMANDS["cancel"](self, target, session, "/cancel")
        if pending is not None and pending.kind in ("ask", fewer.PENDING_KIND) and followups.goes_on(text):
            return self.start(replace(Intent.from_dict(pending.intent), confidence=1.0), target, session)
        if pending is not None and pending.kind == "confirm" and followups.goes_on(text):
            return self.start(replace(Intent.from_dict(pending.intent), go_anyway=True), target, session)
        intent = recognize(text, bot_username=incoming.bot_username, extra_styles=self.extra_styles)
        if self.llm is not None and name is None:
            intent = self.llm.read(text, intent, [s.key for s in self.styles.all()])
        if name is not None and intent.action in ("none", "unknown", "chat") and not target.is_group:
            # Style commands (/anime, /passport) are intents; anything else is a typo or a guess.
            return [Reply(self.say(target, "conv.unknown_command", command="/" + name[:32]))]
        if choosing and pending is not None:
            picked = pick_by_words(self.styles, text, intent, pending)
            if picked is not None:
                return pressed(self, f"style:{picked}", target, session)
        metrics.count(self.redis, "portraitbot_intents_total", {"channel": target.channel, "action": intent.action})
        last = Intent.from_dict(session.last_request) if session.last_request else None
        resolved = followups.resolve(text, intent, last)
        if resolved == "styles":
            return COMMANDS["styles"](self, target, session, "")
        assert isinstance(resolved, Intent)
        return self._intent(resolved, target, session)

    def _intent(self, intent: Intent, target: ChatTarget, session: Session) -> list[Reply]:
        insists = intent.go_anyway and not (intent.style or intent.prompt or intent.scene)
        if insists and session.pending and session.pending.kind == "confirm":
            return self.start(replace(Intent.from_dict(session.pending.intent), go_anyway=True), target, session)
        if insists:
            # "go anyway" with no warning open: nothing to go ahead with, so point the way.
            return [] if target.is_group else [Reply(self._small_talk(target, session))]
        if intent.action == "help":
            return [Reply(self.say(target, "conv.help"))]
        if intent.action == "cancel":
            return COMMANDS["cancel"](self, target, session, "/cancel")
        if intent.action in QUIET_ACTIONS:
            return [] if target.is_group else [Reply(self._small_talk(target, session))]
        if intent.action == "choose":
            return self._ask_choice(intent, target)
        if intent.action == "choose_id_spec":
            return idcountry.ask(self, intent, target)
        if intent.action == "generate" and intent.confidence < ASK_BELOW:
            return self._ask_back(intent, target)
        return self.start(intent, target, session)

    def _ask_back(self, intent: Intent, target: ChatTarget) -> list[Reply]:
        """A guess ("what is the capital of france?"): ask before anything paid starts."""
        if target.is_group:
            return []
        what = (intent.prompt or intent.scene or self._style_name(intent.style or "", target))[:80]
        self.sessions.update(target.person_id, pending=Pending("ask", intent.to_dict(), time.time()))
        return [Reply(self.say(target, "conv.ask_unsure", what=what),
                      buttons=((Button.of(self.say(target, "conv.button_make_it"), ButtonAction.sure, "yes"),
                                Button.of(self.say(target, "conv.button_styles"), ButtonAction.styles, "all")),))]

    # ----------------------------------------------------------------- photos
    def _photo(self, incoming: Incoming, target: ChatTarget, text: str, reference: Reference | None) -> list[Reply]:
        if target.is_group and not incoming.addressed:
            return []
        assert incoming.photo is not None and reference is not None
        session = self._take_into_set(target, reference)
        return sets.answer_photos(self, incoming, target, text, session, [reference])

    def _take_into_set(self, target: ChatTarget, reference: Reference) -> Session:
        """The photo into the person's set (or a new one). Photos in a row may be taken side by
        side (WeChat images, web uploads): one at a time, or one would overwrite another's."""
        with self.redis.lock(f"{KEY_PREFIX}photoset:{target.person_id}", timeout=10, blocking_timeout=10):
            current = self.sessions.get(target.person_id)
            joined = joins_set(current, reference.received_at)
            return self.sessions.save(target.person_id, with_photos(current, [reference], join=joined))

    # ----------------------------------------------------------------- starting work
    def start(self, intent: Intent, target: ChatTarget, session: Session) -> list[Reply]:
        """Plan, check the photo, enqueue and acknowledge one request."""
        reference = session.reference
        # Fresh, and still on disk (RETENTION_DAYS may have deleted it): else ask for a new one.
        fresh = (reference is not None and time.time() - reference.received_at < REFERENCE_MAX_AGE_SECONDS
                 and os.path.exists(reference.path))
        result = self._plan(intent, session, has_reference=fresh)
        person = target.person_id
        if result.needs_photo and not fresh:
            self.sessions.update(person, pending=Pending("photo", intent.to_dict(), time.time()))
            asking = "conv.need_photo_group" if target.is_group else "conv.need_photo"
            return [Reply(self.say(target, asking, style=self._request_name(result, target, intent)))]
        if result.needs_photo and reference and reference.verdict and not intent.go_anyway:
            self.sessions.update(person, pending=Pending("confirm", intent.to_dict(), time.time()))
            return [
                Reply(
                    self.say(target, reference.verdict, **(reference.verdict_params or {})),
                    buttons=((Button.of(self.say(target, "conv.button_go_anyway"), ButtonAction.go, "anyway"),),),
                )
            ]
        if result.needs_photo and not intent.go_anyway and crown_cut(reference) and self._makes_id_photo(result):
            # The measured crop would refuse it after the (paid) generation: say so first.
            self.sessions.update(person, pending=Pending("confirm", intent.to_dict(), time.time()))
            return [Reply(self.say(target, "preflight.crown_cut_id"),
                          buttons=((Button.of(self.say(target, "conv.button_go_anyway"), ButtonAction.go, "anyway"),),))]
        what = self._request_name(result, target, intent)
        try:
            ticket = self.queue.enqueue(
                target,
                result.requests,
                reference=reference.path if (reference and result.needs_photo) else None,
                label=f"{what} · {self.model_name(result.model.key, target)}",
                references=[p for p in session.reference_paths() if os.path.exists(p)] if result.needs_photo else (),
            )
        except QuotaError as error:
            return fewer.refusal(self, error, intent, target)
        self.sessions.update(person, pending=None)
        self.sessions.remember_generation(person, ticket.generation_ids[0], replace(intent, go_anyway=False).to_dict())
        return [Reply(acks.ack_text(self, result, ticket, target, what), generation_id=ticket.generation_ids[0])]

    def _makes_id_photo(self, result: Plan) -> bool:
        for request in result.requests:
            style = self.styles.get(request.style)
            if request.id_spec or (style is not None and style.is_id_photo):
                return True
        return False

    def _plan(self, intent: Intent, session: Session, *, has_reference: bool) -> Plan:
        if intent.style and self.styles.get(intent.style) is None:
            raise UserInputError("conv.unknown_style", style=intent.style)
        return plan(
            intent,
            style_facts=self._facts,
            available_providers=self.available_providers,
            has_reference=has_reference,
            session_model=session.model,
            operator_default=self.settings.default_model or None,
            random_prompts=random_prompts,
        )

    def _facts(self, key: str) -> StyleFacts | None:
        style = self.styles.get(key)
        if style is None:
            return None
        return StyleFacts(style.aspect_ratio, style.needs_photo, style.seed, style.background, style.model)

    def _request_name(self, result: Plan, target: ChatTarget, intent: Intent | None = None) -> str:
        names = [self._style_name(r.style, target) for r in result.requests]
        if intent is not None and intent.action == "generate" and not intent.style and (intent.prompt or intent.scene):
            names = [self.say(target, "conv.style_custom")]  # "me as a viking": not a headshot
        if any(r.expression for r in result.requests):
            names = [self.say(target, "conv.style_expression")]
        unique = list(dict.fromkeys(names))
        return " · ".join(unique[:4]) + (" …" if len(unique) > 4 else "")

    def _style_name(self, key: str, target: ChatTarget) -> str:
        style = self.styles.get(key)
        if style is not None:
            return style.name(target.language)
        return self.say(target, "conv.style_random_face" if key == "random_face" else "conv.style_custom")

    # ----------------------------------------------------------------- choices
    def _ask_choice(self, intent: Intent, target: ChatTarget) -> list[Reply]:
        choices = tuple(c for c in (intent.choices or ()) if self.styles.get(c) is not None)
        if not choices:
            return [Reply(self.say(target, "conv.small_talk"))]
        self.sessions.update(target.person_id, pending=Pending("choice", intent.to_dict(), time.time()))
        return [Reply(self.say(target, "conv.choose"), buttons=style_buttons(self.styles, choices, target.language, columns=2))]

    def _small_talk(self, target: ChatTarget, session: Session) -> str:
        """A pointer to what to do next: a style if the photo is here, else the photo."""
        reference = session.reference
        if reference is not None and time.time() - reference.received_at < REFERENCE_MAX_AGE_SECONDS:
            return self.say(target, "conv.small_talk_have_photo")
        return self.say(target, "conv.small_talk")

    def _pick_by_number(self, number: int, target: ChatTarget, session: Session) -> list[Reply]:
        assert session.pending is not None
        choices = session.pending.intent.get("choices") or []
        if not 1 <= number <= len(choices):
            buttons = style_buttons(self.styles, choices, target.language, columns=2)
            return [Reply(self.say(target, "conv.choose_again", count=len(choices)), buttons=buttons)]
        return pressed(self, f"style:{choices[number - 1]}", target, session)
