"""HTTP routes of the web chat: the page, messages in, the feed out, the browser's own media.

A browser is a person: a random session cookie (HttpOnly) names it, and its user id is a
hash of that cookie, so ids in URLs or the feed never let one browser reach another's files.
"""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import secrets
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from bot import together
from bot.messages import Dialogue, Incoming, Reply
from bot.web.history import History, thumbnail
from bot.web.sender import WebFeed, buttons_json, media_dir
from core.chat import ChatTarget, PhotoRef
from core.i18n import Catalogues, normalize_language
from core.styles import Catalogue
from worker import shared_files

STATIC_DIR = Path(__file__).resolve().parent / "static"
COOKIE = "pb_session"
COOKIE_MAX_AGE = 180 * 24 * 3600
"""Half a year: the browser keeps its session (and so its photos) across visits."""
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
"""The same byte cap as image intake; larger bodies are refused before they are read."""
WEB_BODY_LIMITS = {"/api/message": MAX_UPLOAD_BYTES + 64 * 1024}
"""Bytes a request body may have, by path prefix (the form's fields besides the photo fit in
64 KB); bot/limits.py cuts bodies there, chunked or not. Other paths get its default."""
EVENTS_PER_READ = 100
"""Feed events per poll; a reload reads on while ``more`` says there are."""
MAX_TEXT_CHARS = 2000
"""Longer messages are cut; prompts are capped again by core.prompts."""


def album_id(raw: str) -> str | None:
    """The page's id for files picked together (letters, digits, ``-``; at most 40), else None.
    Redis keys name it under the person, so one browser's id never reaches another's album."""
    return raw if 0 < len(raw) <= 40 and raw.replace("-", "").isalnum() and raw.isascii() else None


def user_id_for(token: str) -> str:
    return "w" + hashlib.sha256(token.encode()).hexdigest()[:24]


def client_address(request: Request, proxy_header: str = "") -> str:
    """A hash naming the browser's network address, for the per-address daily limit.

    The address is the connection's peer, or, only when the operator names a trusted proxy's
    header (``TRUSTED_PROXY_HEADER``), the last address that proxy wrote there (what it saw;
    anything before it the client may have sent). IPv6 counts by /64, what one host gets."""
    raw = ""
    if proxy_header:
        raw = request.headers.get(proxy_header, "").split(",")[-1].strip()
    if not raw and request.client is not None:
        raw = request.client.host
    try:
        address = ipaddress.ip_address(raw)
        if address.version == 6:
            raw = str(ipaddress.ip_network(f"{address}/64", strict=False))
    except ValueError:
        pass
    return "a" + hashlib.sha256(f"portraitbot-address:{raw}".encode()).hexdigest()[:24]


def _language(request: Request, explicit: str | None = None) -> str:
    if explicit:
        return normalize_language(explicit)
    header = request.headers.get("accept-language", "")
    return normalize_language(header.split(",")[0].split(";")[0].strip() or None)


def _session_token(request: Request) -> tuple[str, bool]:
    token = request.cookies.get(COOKIE, "")
    if len(token) >= 32 and token.replace("-", "").replace("_", "").isalnum():
        return token, False
    return secrets.token_urlsafe(32), True


def _with_cookie(response: Response, token: str, new: bool) -> Response:
    if new:
        response.set_cookie(COOKIE, token, max_age=COOKIE_MAX_AGE, httponly=True, samesite="lax")
    return response


def too_large_reply(catalogues: Catalogues) -> Callable[[Scope], dict[str, Any]]:
    """The web chat's answer to a body over its limit, in the browser's language."""

    def body(scope: Scope) -> dict[str, Any]:
        text = catalogues.text(_language(Request(scope)), "web.too_large", mb=MAX_UPLOAD_BYTES // 2**20)
        return {"replies": [{"text": text, "buttons": []}]}

    return body


def _reply_json(reply: Reply) -> dict[str, Any]:
    return {"text": reply.text, "buttons": buttons_json(reply.buttons), "generation_id": reply.generation_id}


def web_routes(
    conversation: Dialogue, catalogue: Catalogue, feed: WebFeed, catalogues: Catalogues, data_dir: Path,
    *, proxy_header: str = "", progress: Callable[[str], Any] | None = None,
) -> list[Any]:
    """The routes, bound to the process's conversation and feed. ``progress`` is the queue's
    (``GenerationQueue.progress``): acknowledgements show the queue position and time left."""
    history = History(feed, catalogues, data_dir, progress)

    async def favicon(request: Request) -> Response:
        """Browsers ask for /favicon.ico whatever the page links: answer with the icon, not 404."""
        return FileResponse(STATIC_DIR / "favicon.svg", media_type="image/svg+xml")

    async def page(request: Request) -> Response:
        token, new = _session_token(request)
        return _with_cookie(FileResponse(STATIC_DIR / "index.html"), token, new)

    async def strings(request: Request) -> Response:
        language = _language(request, request.query_params.get("lang"))
        texts = {k: v for k, v in catalogues.messages.get(language, {}).items() if k.startswith("web.")}
        return JSONResponse({"lang": language, "strings": texts})

    async def styles(request: Request) -> Response:
        language = _language(request, request.query_params.get("lang"))
        groups = [
            {
                "code": category.code,
                "name": category.name(language),
                "styles": [
                    {"key": s.key, "name": s.name(language), "emoji": s.emoji, "best_for": s.best_for(language)}
                    for s in catalogue.all()
                    if s.category == category.code
                ],
            }
            for category in catalogue.categories()
        ]
        return JSONResponse({"categories": groups})

    async def message(request: Request) -> Response:
        token, new = _session_token(request)
        user = user_id_for(token)
        # Files picked together are posted side by side, one each, with one album id in the URL:
        # announced before the body is read, so the album waits for every upload (bot.together).
        album = album_id(request.query_params.get("album", ""))
        person = ChatTarget("web", chat_id=user, user_id=user).person_id
        if not album:
            return await _message(request, token, new, user, None)
        together.announce(feed.redis, person, album)
        handed: list[bool] = []
        try:
            return await _message(request, token, new, user, album, handed)
        finally:
            if not handed:  # refused, cut short or without a photo: the album no longer waits for it
                together.withdraw(feed.redis, person, album)

    async def _message(request: Request, token: str, new: bool, user: str, album: str | None,
                       handed: list[bool] | None = None) -> Response:
        declared = int(request.headers.get("content-length") or 0)
        if declared > MAX_UPLOAD_BYTES + 64 * 1024:
            text = catalogues.text(_language(request), "web.too_large", mb=MAX_UPLOAD_BYTES // 2**20)
            return _with_cookie(JSONResponse({"replies": [{"text": text, "buttons": []}]}, 413), token, new)
        form = await request.form(max_files=1, max_fields=8)
        language = _language(request, str(form.get("lang") or "") or None)
        photo_bytes = None
        upload = form.get("photo")
        if upload is not None and not isinstance(upload, str):
            photo_bytes = await upload.read(MAX_UPLOAD_BYTES + 1)
            if len(photo_bytes) > MAX_UPLOAD_BYTES:
                text = catalogues.text(language, "web.too_large", mb=MAX_UPLOAD_BYTES // 2**20)
                return _with_cookie(JSONResponse({"replies": [{"text": text, "buttons": []}]}, 413), token, new)
        text_field = str(form.get("text") or "")[:MAX_TEXT_CHARS]
        callback = str(form.get("callback") or "") or None
        client_id = str(form.get("client_id") or "")[:64] or uuid.uuid4().hex
        sent_photo = None
        if photo_bytes:
            sent_photo = await asyncio.to_thread(thumbnail, photo_bytes, history.media_folder(user), client_id)
        history.sent(user, client_id, text_field or None, str(form.get("label") or "") or None,
                     sent_photo if photo_bytes else None)
        incoming = Incoming(
            target=ChatTarget("web", chat_id=user, user_id=user, language=language,
                              client=client_address(request, proxy_header)),
            message_key=f"web:{user}:{client_id}",
            text=text_field or None,
            photo=photo_bytes,
            photo_ref=PhotoRef("web", "upload") if photo_bytes else None,
            callback=callback,
            album=album if photo_bytes else None,
        )
        if handed is not None and photo_bytes:
            handed.append(True)  # the conversation takes the part into the album, or withdraws it
        replies = await conversation.handle(incoming)
        for reply in replies:
            if reply.generation_id:
                conversation.attach_ack(reply.generation_id, reply.generation_id)
        if not any(reply.forgets for reply in replies):  # after /forget the feed stays empty
            history.replied(user, client_id, replies)
        # The page shows itself in the language the person is answered in (a switch, /lang, or
        # what they write may have changed it), so one bubble never mixes two languages.
        answered_in = conversation.reply_language(incoming.target)
        return _with_cookie(
            JSONResponse({"replies": [_reply_json(r) for r in replies], "lang": answered_in}), token, new
        )

    async def events(request: Request) -> Response:
        token, new = _session_token(request)
        after = request.query_params.get("after", "0-0")
        if not all(part.isdigit() for part in after.split("-")) or after.count("-") != 1:
            after = "0-0"
        user = user_id_for(token)
        rows = feed.read(user, after, limit=EVENTS_PER_READ)
        payload = [{"id": ident, **event} for ident, event in rows]
        cursor = rows[-1][0] if rows else after
        # How the acknowledgements the page still watches stand now (and those in this read).
        watched = request.query_params.get("acks", "").split(",")
        watched += [e["generation_id"] for e in payload if e.get("type") == "reply" and e.get("generation_id")]
        person = ChatTarget("web", chat_id=user, user_id=user).person_id
        acks = history.acks(person, _language(request, request.query_params.get("lang")), watched)
        body = {"events": payload, "cursor": cursor, "more": len(rows) >= EVENTS_PER_READ, "acks": acks}
        return _with_cookie(JSONResponse(body), token, new)

    async def sample(request: Request) -> Response:
        """A style's gallery picture: the operator's, else made once by the offline engine."""
        from engine.offline.samples import sample_path

        path = await asyncio.to_thread(sample_path, data_dir, catalogue, request.path_params["key"])
        if path is None:
            return Response(status_code=404)
        return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": "public, max-age=86400"})

    async def media(request: Request) -> Response:
        token, _ = _session_token(request)
        name = request.path_params["name"]
        folder = media_dir(data_dir, user_id_for(token))
        if Path(name).name != name or name.startswith("."):
            return Response(status_code=404)
        path = await asyncio.to_thread(shared_files.local, folder / name)  # a worker elsewhere wrote it
        if not path.is_file():
            return Response(status_code=404)
        return FileResponse(path, headers={"Cache-Control": "private, max-age=86400"})

    return [
        Route("/", page),
        Route("/api/strings", strings),
        Route("/api/styles", styles),
        Route("/api/message", message, methods=["POST"]),
        Route("/api/events", events),
        Route("/media/{name}", media),
        Route("/samples/{key}.jpg", sample),
        Route("/favicon.ico", favicon),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]
