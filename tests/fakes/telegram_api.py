"""A faithful little Telegram Bot API server, for driving the real python-telegram-bot.

Real HTTP on 127.0.0.1 (``tests.fakes.serve``); the real envelope ``{"ok": true, "result": …}``
/ ``{"ok": false, "error_code": 429, "description": …, "parameters": {"retry_after": 5}}``
with the HTTP status equal to ``error_code`` (PTB picks its exception from the status).
Routes: ``/bot<token>/<method>`` and ``/file/bot<token>/<file_path>``::

    fake = FakeBotApi()
    with fake.serve() as url:                  # TELEGRAM_API_URL=url
        fake.push(fake.message(user, text="/start"))
        ...
        fake.sent                              # every message the bot sent, as Bot API dicts

Uploads (multipart, ``attach://`` media groups) are kept with their bytes for assertions;
failures are programmable (``fail``, ``block``); Telegram's own refusals are imitated where the
product depends on them (photos over 10 MB, width + height over 10000, ratio over 20).
"""

from __future__ import annotations

import asyncio
import io
import itertools
import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes import serve
from tests.fakes.telegram_flood import GroupFlood

DEFAULT_TOKEN = "123456:FAKE-test-token-abcdefghijklmnop"
PHOTO_MAX_BYTES = 10 * 1024 * 1024
"""Bot API: photos up to 10 MB."""
PHOTO_MAX_SIDES = 10000
"""Bot API: a photo's width and height must not exceed 10000 in total."""
PHOTO_MAX_RATIO = 20
"""Bot API: a photo's width/height ratio must be at most 20."""
DOWNLOAD_MAX_BYTES = 20 * 1024 * 1024
"""Bot API: getFile serves files up to 20 MB."""
MAX_POLL_WAIT_S = 2.0
"""getUpdates long-polls at most this long here, whatever ``timeout`` asks, so tests stay fast."""
JSON_FIELDS = frozenset(
    {"reply_markup", "reply_parameters", "media", "commands", "scope", "allowed_updates",
     "entities", "caption_entities", "link_preview_options", "reaction"}
)
REACTION_EMOJI = frozenset({
    "👍", "👎", "❤", "🔥", "🥰", "👏", "😁", "🤔", "🤯", "😱", "😢", "🎉", "🤩", "🙏", "👌", "😍",
    "💯", "🤣", "⚡", "🏆", "💔", "👀", "🤝", "🤗", "🫡", "🆒", "😎", "😇", "✍", "💅",
})
"""Emoji Telegram accepts as a reaction (some of its list); others answer REACTION_INVALID."""
INT_FIELDS = frozenset({"chat_id", "message_id", "offset", "limit", "timeout", "user_id"})


class ApiError(Exception):
    """Answered as the Bot API's error envelope, with the HTTP status equal to error_code."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after


@dataclass
class Upload:
    """A file the bot uploaded, as the fake received it."""

    field: str
    filename: str
    data: bytes
    content_type: str


@dataclass
class Call:
    """One Bot API request: method, decoded parameters, uploaded files."""

    method: str
    params: dict[str, Any]
    files: dict[str, Upload] = field(default_factory=dict)


@dataclass
class Failure:
    method: str
    code: int
    description: str
    retry_after: int | None
    times: int


def utf16_len(text: str) -> int:
    """Telegram measures entity offsets in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def entities_of(text: str) -> list[dict[str, Any]]:
    """The entities a Telegram client would attach: a leading /command, @mentions."""
    found: list[dict[str, Any]] = []
    skip = 0
    if text.startswith("/"):
        skip = len(text.split(maxsplit=1)[0])
        found.append({"type": "bot_command", "offset": 0, "length": utf16_len(text[:skip])})
    for match in re.finditer(r"(?<!\w)@\w+", text):
        if match.start() >= skip:
            found.append({"type": "mention", "offset": utf16_len(text[: match.start()]),
                          "length": utf16_len(match.group())})
    return found


def with_words(message: dict[str, Any], *, text: str | None, caption: str | None) -> None:
    """Set a message's text or caption with the entities a client would send along."""
    for name, value, entities_name in (("text", text, "entities"), ("caption", caption, "caption_entities")):
        if value is not None:
            message[name] = value
            if entities := entities_of(value):
                message[entities_name] = entities


def image_size(data: bytes) -> tuple[int, int]:
    """(width, height) of an image, or (0, 0) when it is not one Pillow reads."""
    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            return image.size
    except Exception:
        return 0, 0


class FakeBotApi:
    """The Bot API state and its Starlette app. All helpers are thread-safe."""

    def __init__(
        self, token: str = DEFAULT_TOKEN, *, username: str = "PortraitTestBot", bot_id: int = 7000001,
        group_limit: tuple[int, float] = (20, 60.0),
    ) -> None:
        self.token = token
        self.bot_user = {"id": bot_id, "is_bot": True, "first_name": "Portrait", "username": username}
        self.lock = threading.Lock()
        self.calls: list[Call] = []
        self.sent: list[dict[str, Any]] = []
        """Every message the bot sent or edited (latest version last), as Bot API dicts."""
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.files: dict[str, tuple[str, bytes]] = {}
        """file_id -> (file_path, bytes)."""
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        """(scope as JSON, language_code) -> commands, as setMyCommands stored them."""
        self.webhook: dict[str, Any] | None = None
        self.updates: list[dict[str, Any]] = []
        self.allowed_updates: set[str] | None = None
        """The update types last asked for (getUpdates or setWebhook); None: the default, all."""
        self.failures: list[Failure] = []
        self.blocked: set[int] = set()
        self.chats: dict[int, dict[str, Any]] = {}
        self.reactions: dict[tuple[int, int], list[str]] = {}
        """(chat_id, message_id) -> the emoji the bot reacted with (setMessageReaction)."""
        self.flood = GroupFlood(*group_limit)
        """Telegram's ~20 messages a minute per group: a send over it answers 429 + retry_after."""
        self.answer_delay: dict[str, float] = {}
        """Seconds a method takes to answer AFTER it has taken effect (the message is in the
        chat), by method name: Telegram processing a big photo. A client that dies meanwhile
        never learns its message arrived."""
        self.download_delay: dict[str, float] = {}
        """Seconds a file's download takes, by file id: a big photo on a slow link."""
        self._ids = itertools.count(1)
        self._update_ids = itertools.count(900001)
        self._releasing = False
        self.app = Starlette(
            routes=[
                Route("/bot{token}/{method}", self._api, methods=["GET", "POST"]),
                Route("/file/bot{token}/{path:path}", self._download, methods=["GET"]),
            ]
        )

    # ---- running -------------------------------------------------------------------------

    @contextmanager
    def serve(self) -> Iterator[str]:
        """Run on a free loopback port; yields the root URL for TELEGRAM_API_URL."""
        with serve(self.app, on_stop=self.release) as url:
            yield url

    def release(self) -> None:
        """End pending long polls so the server can stop at once."""
        self._releasing = True

    # ---- what a test injects ---------------------------------------------------------------

    def user(self, user_id: int = 1001, *, language_code: str = "en", name: str = "Ann") -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": name, "language_code": language_code}

    def group(self, chat_id: int = -1001234567890, title: str = "Friends") -> dict[str, Any]:
        return {"id": chat_id, "type": "supergroup", "title": title}

    def add_file(self, data: bytes, *, ext: str = "jpg") -> str:
        """Store a file as Telegram would; returns its file_id."""
        number = next(self._ids)
        file_id = f"FILE{number:06d}-{len(data)}"
        with self.lock:
            self.files[file_id] = (f"photos/file_{number}.{ext}", data)
        return file_id

    def photo_sizes(self, data: bytes, *, thumbnail: bytes | None = None) -> list[dict[str, Any]]:
        """A ``photo`` array: a small thumbnail first, the full image last (as Telegram orders)."""
        sizes = []
        for blob in ([thumbnail] if thumbnail else []) + [data]:
            width, height = image_size(blob)
            file_id = self.add_file(blob)
            sizes.append(
                {"file_id": file_id, "file_unique_id": "U" + file_id, "width": width,
                 "height": height, "file_size": len(blob)}
            )
        return sizes

    def document(self, data: bytes, *, mime_type: str = "image/jpeg", name: str = "photo.jpg") -> dict[str, Any]:
        file_id = self.add_file(data, ext=name.rsplit(".", 1)[-1])
        return {"file_id": file_id, "file_unique_id": "U" + file_id, "file_name": name,
                "mime_type": mime_type, "file_size": len(data)}

    def message(
        self,
        sender: dict[str, Any],
        *,
        chat: dict[str, Any] | None = None,
        text: str | None = None,
        caption: str | None = None,
        photo: list[dict[str, Any]] | None = None,
        document: dict[str, Any] | None = None,
        reply_to: dict[str, Any] | None = None,
        **content: dict[str, Any],
    ) -> dict[str, Any]:
        """A ``message`` from a person (private chat unless ``chat``), with client-side entities;
        ``content`` adds other kinds as the Bot API names them (``voice={...}``, ``sticker=…``)."""
        chat = chat or {"id": sender["id"], "type": "private", "first_name": sender["first_name"]}
        message: dict[str, Any] = {
            "message_id": next(self._ids), "date": int(time.time()), "chat": chat, "from": sender,
        }
        with_words(message, text=text, caption=caption)
        if photo is not None:
            message["photo"] = photo
        if document is not None:
            message["document"] = document
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        message.update(content)
        with self.lock:
            self.chats[chat["id"]] = chat
            self.messages[(chat["id"], message["message_id"])] = message
        return message

    def callback(self, sender: dict[str, Any], data: str, message: dict[str, Any]) -> dict[str, Any]:
        """A ``callback_query`` update body: ``sender`` pressed a button of ``message``."""
        return {"id": f"cb{next(self._ids)}", "from": sender, "chat_instance": "ci1",
                "message": message, "data": data}

    def edit(self, message: dict[str, Any], *, text: str | None = None, caption: str | None = None) -> dict[str, Any]:
        """The person edits their ``message``: its new version, for ``push(..., kind="edited_message")``."""
        edited = {k: v for k, v in message.items() if k not in ("entities", "caption_entities")}
        edited["edit_date"] = int(time.time())
        with_words(edited, text=text, caption=caption)
        with self.lock:
            self.messages[(message["chat"]["id"], message["message_id"])] = edited
        return edited

    def bot_added(self, by: dict[str, Any], chat: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """What Telegram sends when ``by`` adds the bot to a group: a ``my_chat_member`` change
        (left -> member) and the "… added …" service message; push each with its ``kind``."""
        with self.lock:
            self.chats[chat["id"]] = chat
        change = {"chat": chat, "from": by, "date": int(time.time()),
                  "old_chat_member": {"user": self.bot_user, "status": "left"},
                  "new_chat_member": {"user": self.bot_user, "status": "member"}}
        service = {"message_id": next(self._ids), "date": int(time.time()), "chat": chat, "from": by,
                   "new_chat_members": [self.bot_user], "new_chat_member": self.bot_user,
                   "new_chat_participant": self.bot_user}
        return change, service

    def push(self, body: dict[str, Any], *, update_id: int | None = None, kind: str | None = None) -> dict[str, Any]:
        """Queue an update for getUpdates: a message dict, or a callback dict from ``callback``
        (``kind="edited_message"`` for one from ``edit``). Like Telegram, an update of a type the
        bot left out of ``allowed_updates`` is never delivered."""
        kind = kind or ("callback_query" if "chat_instance" in body else "message")
        update = {"update_id": update_id or next(self._update_ids), kind: body}
        with self.lock:
            if self.allowed_updates is None or kind in self.allowed_updates:
                self.updates.append(update)
        return update

    def fail(
        self, method: str, code: int = 429, description: str | None = None, *,
        times: int = 1, retry_after: int | None = None,
    ) -> None:
        """The next ``times`` calls of ``method`` fail with ``code``."""
        if code == 429 and retry_after is None:
            retry_after = 1
        if description is None:
            description = {
                429: f"Too Many Requests: retry after {retry_after}",
                403: "Forbidden: bot was blocked by the user",
                400: "Bad Request: chat not found",
            }.get(code, "Internal Server Error")
        with self.lock:
            self.failures.append(Failure(method, code, description, retry_after, times))

    def block(self, chat_id: int) -> None:
        """From now on the person has blocked the bot: sends to this chat answer 403."""
        with self.lock:
            self.blocked.add(chat_id)

    # ---- what a test asserts on ----------------------------------------------------------------

    def calls_of(self, method: str) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.method == method]

    def sent_to(self, chat_id: int) -> list[dict[str, Any]]:
        """The latest version of every message the bot has in this chat, oldest first."""
        with self.lock:
            return [
                m for (c, _), m in sorted(self.messages.items(), key=lambda kv: kv[0][1])
                if c == chat_id and m.get("from", {}).get("id") == self.bot_user["id"]
            ]

    def wait_for(self, predicate: Any, timeout: float = 5.0) -> Any:
        """Poll ``predicate()`` until it returns something truthy; raise on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if result := predicate():
                return result
            time.sleep(0.02)
        raise AssertionError("the fake Bot API did not see what the test waited for")

    async def until(self, predicate: Any, timeout: float = 5.0) -> Any:
        """``wait_for`` for async tests: yields to the event loop while waiting."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if result := predicate():
                return result
            await asyncio.sleep(0.02)
        raise AssertionError("the fake Bot API did not see what the test waited for")

    def texts_to(self, chat_id: int) -> list[str]:
        """Texts and captions of the bot's messages in a chat, as they read now."""
        return [m.get("text") or m.get("caption") or "" for m in self.sent_to(chat_id)]

    # ---- the HTTP side -------------------------------------------------------------------------

    async def _download(self, request: Request) -> Response:
        if request.path_params["token"] != self.token:
            return Response(status_code=401)
        path = request.path_params["path"]
        with self.lock:
            found = [data for p, data in self.files.values() if p == path]
            delay = max((self.download_delay.get(i, 0.0) for i, (p, _) in self.files.items() if p == path), default=0.0)
        if not found:
            return Response(b"Not Found", status_code=404)
        await asyncio.sleep(delay)
        return Response(found[0], media_type="application/octet-stream")

    async def _api(self, request: Request) -> Response:
        if request.path_params["token"] != self.token:
            return self._error(ApiError(401, "Unauthorized"))
        method = request.path_params["method"]
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return self._error(ApiError(404, "Not Found"))
        params, files = await self._read(request)
        with self.lock:
            self.calls.append(Call(method, params, files))
        try:
            self._programmed_failure(method, params)
            if method == "getUpdates":
                result = await self._m_getUpdates(params)
            else:
                with self.lock:
                    result = handler(params, files)
                    self.flood.record(method, params)
        except ApiError as error:
            return self._error(error)
        if delay := self.answer_delay.get(method):
            await asyncio.sleep(delay)
        return JSONResponse({"ok": True, "result": result})

    @staticmethod
    def _error(error: ApiError) -> Response:
        body: dict[str, Any] = {"ok": False, "error_code": error.code, "description": error.description}
        if error.retry_after is not None:
            body["parameters"] = {"retry_after": error.retry_after}
        return JSONResponse(body, status_code=error.code)

    async def _read(self, request: Request) -> tuple[dict[str, Any], dict[str, Upload]]:
        params: dict[str, Any] = {}
        files: dict[str, Upload] = {}
        if request.headers.get("content-type", "").startswith("application/json"):
            return dict(await request.json()), files
        form = await request.form(max_files=50, max_part_size=64 * 1024 * 1024)
        items = list(form.multi_items()) + list(request.query_params.multi_items())
        for key, value in items:
            if isinstance(value, UploadFile):
                files[key] = Upload(key, value.filename or key, await value.read(),
                                    value.content_type or "")
            elif key in JSON_FIELDS:
                params[key] = json.loads(value)
            elif key in INT_FIELDS and value.lstrip("-").isdigit():
                params[key] = int(value)
            else:
                params[key] = value
        return params, files

    def _programmed_failure(self, method: str, params: dict[str, Any]) -> None:
        with self.lock:
            for failure in self.failures:
                if failure.method == method and failure.times > 0:
                    failure.times -= 1
                    raise ApiError(failure.code, failure.description, failure.retry_after)
            if method.startswith("send") and params.get("chat_id") in self.blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if (retry_after := self.flood.check(method, params)) is not None:
                raise ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)

    # ---- methods (called with the lock held, except getUpdates) -------------------------------

    def _m_getMe(self, params: dict[str, Any], files: dict[str, Upload]) -> dict[str, Any]:
        return {**self.bot_user, "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False}

    async def _m_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        if params.get("allowed_updates") is not None:
            allowed = params["allowed_updates"]
            self.allowed_updates = set(json.loads(allowed) if isinstance(allowed, str) else allowed) or None
        offset = int(params.get("offset") or 0)
        wait = min(float(params.get("timeout") or 0), MAX_POLL_WAIT_S)
        deadline = time.monotonic() + wait
        while True:
            with self.lock:
                if offset:
                    self.updates = [u for u in self.updates if u["update_id"] >= offset]
                ready = list(self.updates[: int(params.get("limit") or 100)])
            if ready or time.monotonic() >= deadline or self._releasing:
                return ready
            await asyncio.sleep(0.02)

    def _m_deleteWebhook(self, params: dict[str, Any], files: dict[str, Upload]) -> bool:
        self.webhook = None
        if str(params.get("drop_pending_updates")).lower() == "true":
            self.updates.clear()
        return True

    def _m_setWebhook(self, params: dict[str, Any], files: dict[str, Upload]) -> bool:
        if not str(params.get("url", "")).startswith("https://"):
            raise ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook = params
        if params.get("allowed_updates") is not None:
            allowed = params["allowed_updates"]
            self.allowed_updates = set(json.loads(allowed) if isinstance(allowed, str) else allowed) or None
        return True

    def _m_setMyCommands(self, params: dict[str, Any], files: dict[str, Upload]) -> bool:
        scope = json.dumps(params.get("scope") or {"type": "default"}, sort_keys=True)
        self.commands[(scope, params.get("language_code") or "")] = list(params["commands"])
        return True

    def _m_sendChatAction(self, params: dict[str, Any], files: dict[str, Upload]) -> bool:
        self._chat(params)
        return True

    def _m_setMessageReaction(self, params: dict[str, Any], files: dict[str, Upload]) -> bool:
        key = (self._chat(params)["id"], params.get("message_id"))
        if key not in self.messages:
            raise ApiError(400, "Bad Request: message to react not found")
        reactions = params.get("reaction") or []
        if any(r.get("type") == "emoji" and r.get("emoji") not in REACTION_EMOJI for r in reactions):
            raise ApiError(400, "Bad Request: REACTION_INVALID")
        self.reactions[key] = [r.get("emoji") for r in reactions]
        return True

    def _m_answerCallbackQuery(self, params: dict[str, Any], files: dict[str, Upload]) -> bool:
        return True

    def _m_getFile(self, params: dict[str, Any], files: dict[str, Upload]) -> dict[str, Any]:
        file_id = params.get("file_id", "")
        if file_id not in self.files:
            raise ApiError(400, "Bad Request: invalid file_id")
        path, data = self.files[file_id]
        if len(data) > DOWNLOAD_MAX_BYTES:
            raise ApiError(400, "Bad Request: file is too big")
        return {"file_id": file_id, "file_unique_id": "U" + file_id, "file_size": len(data),
                "file_path": path}

    def _m_sendMessage(self, params: dict[str, Any], files: dict[str, Upload]) -> dict[str, Any]:
        if not str(params.get("text", "")).strip():
            raise ApiError(400, "Bad Request: message text is empty")
        return self._store(params, text=params["text"])

    def _m_editMessageText(self, params: dict[str, Any], files: dict[str, Upload]) -> dict[str, Any]:
        key = (self._chat(params)["id"], params.get("message_id"))
        old = self.messages.get(key)
        if old is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        markup = params.get("reply_markup")
        if old.get("text") == params.get("text") and old.get("reply_markup") == markup:
            raise ApiError(400, "Bad Request: message is not modified: specified new message "
                                "content and reply markup of the existing message are exactly the same")
        new = {**old, "text": params["text"], "edit_date": int(time.time())}
        new.pop("reply_markup", None)
        if markup:
            new["reply_markup"] = markup
        self.messages[key] = new
        self.sent.append(new)
        return new

    def _m_sendPhoto(self, params: dict[str, Any], files: dict[str, Upload]) -> dict[str, Any]:
        return self._store(params, photo=self._photo(files, params.get("photo")))

    def _m_sendDocument(self, params: dict[str, Any], files: dict[str, Upload]) -> dict[str, Any]:
        return self._store(params, document=self._document(files, params.get("document")))

    def _m_sendMediaGroup(self, params: dict[str, Any], files: dict[str, Upload]) -> list[dict[str, Any]]:
        media = params.get("media") or []
        if not 2 <= len(media) <= 10:
            raise ApiError(400, "Bad Request: wrong number of media in the album: must be 2-10")
        if "reply_markup" in params:
            raise ApiError(400, "Bad Request: media groups can't have a reply markup")
        kinds = {item["type"] for item in media}
        if "document" in kinds and len(kinds) > 1:
            raise ApiError(400, "Bad Request: document can't be mixed with other media types")
        group_id = f"MG{next(self._ids)}"
        sent = []
        for item in media:
            extra = {"caption": item["caption"]} if item.get("caption") else {}
            if item["type"] == "photo":
                content: dict[str, Any] = {"photo": self._photo(files, item["media"])}
            else:
                content = {"document": self._document(files, item["media"])}
            sent.append(self._store(params, media_group_id=group_id, **content, **extra))
        return sent

    # ---- helpers ----------------------------------------------------------------------------

    def _chat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, int):
            raise ApiError(400, "Bad Request: chat not found")
        return self.chats.get(chat_id) or {"id": chat_id, "type": "private" if chat_id > 0 else "group"}

    def _resolve(self, files: dict[str, Upload], ref: Any, part: str) -> Upload:
        """An uploaded part (``attach://name`` or the method's own field), or a known file_id."""
        name = str(ref).removeprefix("attach://") if str(ref).startswith("attach://") else part
        if name in files:
            return files[name]
        if ref in self.files:
            path, data = self.files[ref]
            return Upload(part, path.rsplit("/", 1)[-1], data, "")
        raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")

    def _photo(self, files: dict[str, Upload], ref: Any) -> list[dict[str, Any]]:
        upload = self._resolve(files, ref, "photo")
        width, height = image_size(upload.data)
        if len(upload.data) > PHOTO_MAX_BYTES:
            raise ApiError(413, "Request Entity Too Large")
        too_long = max(width, height) > PHOTO_MAX_RATIO * min(width, height)
        if not width or width + height > PHOTO_MAX_SIDES or too_long:
            raise ApiError(400, "Bad Request: PHOTO_INVALID_DIMENSIONS")
        file_id = self.add_file_locked(upload.data)
        return [{"file_id": file_id, "file_unique_id": "U" + file_id, "width": width,
                 "height": height, "file_size": len(upload.data)}]

    def _document(self, files: dict[str, Upload], ref: Any) -> dict[str, Any]:
        upload = self._resolve(files, ref, "document")
        file_id = self.add_file_locked(upload.data)
        return {"file_id": file_id, "file_unique_id": "U" + file_id, "file_name": upload.filename,
                "mime_type": upload.content_type, "file_size": len(upload.data)}

    def add_file_locked(self, data: bytes) -> str:
        number = next(self._ids)
        file_id = f"FILE{number:06d}-{len(data)}"
        self.files[file_id] = (f"documents/file_{number}", data)
        return file_id

    def _store(self, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat = self._chat(params)
        message: dict[str, Any] = {
            "message_id": next(self._ids), "date": int(time.time()), "chat": chat,
            "from": self.bot_user, **content,
        }
        if params.get("caption"):
            message.setdefault("caption", params["caption"])
        if params.get("message_thread_id") is not None and chat.get("is_forum"):
            message["message_thread_id"] = int(params["message_thread_id"])
            message["is_topic_message"] = True
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        reply_to = (params.get("reply_parameters") or {}).get("message_id")
        if reply_to is not None:
            original = self.messages.get((chat["id"], int(reply_to)))
            if original is None and not (params.get("reply_parameters") or {}).get(
                "allow_sending_without_reply"
            ):
                raise ApiError(400, "Bad Request: message to be replied not found")
            if original is not None:
                message["reply_to_message"] = original
        self.messages[(chat["id"], message["message_id"])] = message
        self.sent.append(message)
        return message
