"""A fake of fal.ai's queue API (``queue.fal.run``) and its file CDN (``*.fal.media``).

Faithful to the protocol as fal documents it and as the official ``fal_client`` speaks it:

* ``POST /{owner}/{app}[/{subpath}][?fal_webhook=URL]`` with ``Authorization: Key …`` answers
  ``{request_id, gateway_request_id, response_url, status_url, cancel_url, queue_position}``.
  The three URLs use ``/{owner}/{app}/requests/{id}`` — the sub-path is dropped there.
* ``GET …/requests/{id}/status[?logs=1]`` answers ``IN_QUEUE`` (with ``queue_position``),
  ``IN_PROGRESS`` or ``COMPLETED`` (``error`` set when the model failed); ``logs`` is a list
  when asked for, else null. A status request at the full sub-path answers 405, as fal's does.
* ``GET …/requests/{id}`` answers the model output (``images`` list, or the single ``image``
  of live-portrait) once completed, 400 before.
* ``PUT …/requests/{id}/cancel`` answers 202 ``CANCELLATION_REQUESTED``, 400
  ``ALREADY_COMPLETED`` or 404 ``NOT_FOUND``.
* Errors carry ``{"detail": …}``: 401 bad key, 402 insufficient credits and 403 endpoint not
  allowed (as the seed's sc-proxy answers), 422 validation with fal's list of
  ``{loc, msg, type}``.
* When done, a ``fal_webhook`` receives ``{request_id, gateway_request_id, status: OK|ERROR,
  payload, error}``.
* Output images are real PNG/JPEG files served at ``/media/files/…`` with no auth needed.

Knobs (plain attributes a test sets) script failures, latency, hangs and cost headers; the
records (``accepted``, ``charged_usd``, ``calls``, ``media_requests``) let tests assert what a
user or an operator would notice, e.g. that a prompt was charged exactly once.
"""

from __future__ import annotations

import asyncio
import base64
import io
import itertools
import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from PIL import Image
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes import serve

DEFAULT_KEY = "fal-test-key-0123456789"
"""The key the fake accepts unless a test sets another."""
ASPECT_RATIOS = ("auto", "21:9", "16:9", "3:2", "4:3", "5:4", "1:1", "4:5", "3:4", "2:3", "9:16", "9:21")
MAX_IMAGES_PER_REQUEST = 4
"""fal's image models take num_images 1-4."""
PRICE_USD = {"openai/gpt-image-2": 0.25, "fal-ai/nano-banana-2": 0.08, "fal-ai/flux-pro": 0.06,
             "fal-ai/live-portrait": 0.02}
"""What the fake charges per image at submit, by owner/app; other apps cost 0.15."""
COLOURS = [(200, 60, 60), (60, 160, 80), (60, 90, 200), (220, 180, 40), (150, 60, 170)]


@dataclass
class FakeRequest:
    """One accepted submit."""

    request_id: str
    app: str
    """owner/app, the part status and result URLs use."""
    endpoint: str
    """owner/app/subpath as submitted."""
    body: dict[str, Any]
    webhook: str | None
    submitted_at: float
    status_calls: int = 0
    cancelled: bool = False
    forced_done: bool = False
    error: str | None = None
    output: dict[str, Any] | None = None
    webhook_deliveries: int = 0


@dataclass
class FakeFalQueue:
    """The fake's knobs and records; ``app`` is the ASGI app, ``serve()`` runs it."""

    key: str = DEFAULT_KEY
    progress: tuple[str, ...] = ("IN_QUEUE", "IN_PROGRESS", "COMPLETED")
    """Status the n-th status call of a request answers (the last repeats)."""
    run_seconds: float | None = None
    """When set, a request completes this long after submit (wall clock) instead."""
    queue_position: int = 2
    credits_used: str | None = None
    """Value of the X-Credits-Used header on accepted submits (sc-proxy style); None: no header."""
    balance_usd: float | None = None
    """Credits left; a submit that costs more answers 402. None: unlimited."""
    allowed_apps: set[str] | None = None
    """owner/app values the proxy lets through; others answer 403. None: all."""
    completed_error: str | None = None
    """When set, requests finish COMPLETED with this ``error`` (the model failed)."""
    reject: tuple[int, Any] | None = None
    """A fixed (status, detail) every submit answers after validation, e.g. (422, "No face")."""
    submit_failures: list[int] = field(default_factory=list)
    """Statuses the next submits answer with, before anything is accepted (popped in order)."""
    status_failures: list[int] = field(default_factory=list)
    status_garbage: int = 0
    """How many next status calls answer 200 with a body that is not JSON (a broken proxy)."""
    result_failures: list[int] = field(default_factory=list)
    media_failures: list[int] = field(default_factory=list)
    retry_after: str = "0"
    """Retry-After header value on scripted 429/503 answers."""
    delay: dict[str, float] = field(default_factory=dict)
    """Seconds to wait before answering, by route: submit, status, result, cancel, media.
    For submit the wait comes after the request was accepted and charged."""
    hang: set[str] = field(default_factory=set)
    """Routes that never answer (until the server stops). A hanging submit was accepted."""
    image_size: tuple[int, int] = (64, 64)
    outputs: list[bytes] = field(default_factory=list)
    """Image files the next requests output, one per request, popped in order (then as usual)."""
    echo_reference: bool = False
    """Output the first reference photo itself (so a face survives, e.g. for ID-photo tests)."""
    webhook_delay: float = 0.05
    """Seconds after submit a webhook fires when ``run_seconds`` is not set."""
    webhook_base: str | None = None
    """When set, webhooks keep their path and query but go to this base URL instead, e.g. a
    test's local server standing in for the bot's ``PUBLIC_URL``."""

    # records
    accepted: list[str] = field(default_factory=list)
    requests: dict[str, FakeRequest] = field(default_factory=dict)
    charged_usd: float = 0.0
    submit_attempts: int = 0
    calls: list[tuple[str, str]] = field(default_factory=list)
    authorizations: list[str | None] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    """Every call's request headers, in order."""
    media_requests: list[dict[str, str]] = field(default_factory=list)
    webhook_errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.files: dict[str, tuple[bytes, str]] = {}
        self.base_url = ""
        """The running fake's own URL: image links in webhook payloads point here."""
        self._lock = threading.Lock()
        self._released = threading.Event()
        self._colour = itertools.count()
        self.app = Starlette(
            routes=[
                Route("/media/files/{rid}/{name}", self._media, methods=["GET"]),
                Route("/{path:path}", self._dispatch, methods=["GET", "POST", "PUT", "DELETE"]),
            ]
        )

    # -- running ---------------------------------------------------------------------------

    @contextmanager
    def serve(self) -> Iterator[str]:
        """Run the fake on a free loopback port; yields the base URL for FAL_QUEUE_URL."""
        self._released.clear()
        with serve(self.app, on_stop=self.release) as url:
            self.base_url = url
            yield url

    def release(self) -> None:
        """Let every hanging handler finish (called at shutdown)."""
        self._released.set()

    # -- what tests ask ----------------------------------------------------------------------

    def submit_count(self, prompt: str | None = None) -> int:
        """Accepted (charged) submits, all or those with this prompt."""
        return sum(1 for r in self.requests.values() if prompt is None or r.body.get("prompt") == prompt)

    def complete(self, request_id: str) -> None:
        """Finish a request now, whatever its progress script says."""
        self.requests[request_id].forced_done = True

    # -- protocol ----------------------------------------------------------------------------

    async def _dispatch(self, request: Request) -> Response:
        path = request.path_params["path"].strip("/")
        self.calls.append((request.method, "/" + path))
        self.authorizations.append(request.headers.get("authorization"))
        self.headers.append(dict(request.headers))
        if request.headers.get("authorization") != f"Key {self.key}":
            return _error(401, "Unauthorized: invalid or missing key")
        parts = path.split("/")
        if "requests" in parts:
            at = parts.index("requests")
            app, tail = parts[:at], parts[at + 1 :]
            if request.method == "GET" and len(app) != 2:
                # The queue routes GETs only at owner/app; the sub-path lives on POST only.
                return _error(405, "Method Not Allowed")
            if len(app) != 2 or not tail:
                return _error(404, "Not Found")
            rid, rest = tail[0], tail[1:]
            app_id = "/".join(app)
            if request.method == "GET" and rest == ["status"]:
                return await self._status(request, app_id, rid)
            if request.method == "GET" and not rest:
                return await self._result(request, app_id, rid)
            if request.method == "PUT" and rest == ["cancel"]:
                return await self._cancel(app_id, rid)
            return _error(405, "Method Not Allowed")
        if request.method != "POST" or len(parts) < 2:
            return _error(405 if len(parts) >= 2 else 404, "Method Not Allowed")
        return await self._submit(request, parts)

    async def _submit(self, request: Request, parts: list[str]) -> Response:
        self.submit_attempts += 1
        if self.submit_failures:
            return _scripted(self.submit_failures.pop(0), self.retry_after)
        app_id, endpoint = "/".join(parts[:2]), "/".join(parts)
        if self.allowed_apps is not None and app_id not in self.allowed_apps:
            return _error(403, "endpoint_not_allowed: this endpoint is not on the proxy's allow-list")
        try:
            body = json.loads(await request.body() or b"null")
        except ValueError:
            return _error(422, [{"loc": ["body"], "msg": "Invalid JSON", "type": "json_invalid"}])
        problems = _validate(endpoint, body)
        if problems:
            return _error(422, problems)
        if self.reject is not None:
            return _error(*self.reject)
        count = 1 if "live-portrait" in app_id else int(body.get("num_images", 1))
        cost = PRICE_USD.get(app_id, 0.15) * count
        with self._lock:
            if self.balance_usd is not None:
                if cost > self.balance_usd + 1e-9:
                    return _error(402, "insufficient_credits: top up the balance to continue")
                self.balance_usd -= cost
            self.charged_usd += cost
            rid = str(uuid.uuid4())
            self.accepted.append(rid)
            self.requests[rid] = FakeRequest(
                rid, app_id, endpoint, body, request.query_params.get("fal_webhook"), time.monotonic()
            )
        webhook = self.requests[rid].webhook
        if webhook:
            after = self.run_seconds if self.run_seconds is not None else self.webhook_delay
            threading.Timer(after, self._deliver_webhook, args=(rid,)).start()
        await self._wait("submit")
        base = f"{request.base_url}".rstrip("/") + f"/{app_id}/requests/{rid}"
        headers = {"x-fal-request-id": rid}
        if self.credits_used is not None:
            headers["X-Credits-Used"] = self.credits_used
        return JSONResponse(
            {
                "status": "IN_QUEUE",
                "request_id": rid,
                "gateway_request_id": rid,
                "response_url": base,
                "status_url": base + "/status",
                "cancel_url": base + "/cancel",
                "queue_position": self.queue_position,
            },
            headers=headers,
        )

    async def _status(self, request: Request, app_id: str, rid: str) -> Response:
        await self._wait("status")
        if self.status_failures:
            return _scripted(self.status_failures.pop(0), self.retry_after)
        if self.status_garbage > 0:
            self.status_garbage -= 1
            return Response("<html>OK</html>", status_code=200, media_type="text/html")
        fake = self.requests.get(rid)
        if fake is None or fake.app != app_id:
            return _error(404, "Request not found")
        state = self._state(fake)
        fake.status_calls += 1
        base = f"{request.base_url}".rstrip("/") + f"/{app_id}/requests/{rid}"
        with_logs = request.query_params.get("logs", "0").lower() in ("1", "true")
        data: dict[str, Any] = {"status": state, "request_id": rid, "response_url": base,
                                "status_url": base + "/status", "cancel_url": base + "/cancel"}
        if state == "IN_QUEUE":
            data["queue_position"] = max(0, self.queue_position - fake.status_calls + 1)
        else:
            data["logs"] = (
                [{"message": "generating", "level": "INFO", "source": "user",
                  "timestamp": "2026-01-01T00:00:00Z"}] if with_logs else None
            )
        if state == "COMPLETED":
            self._finish(fake, str(request.base_url).rstrip("/"))
            data["metrics"] = {"inference_time": 1.23}
            if fake.error:
                data["error"] = fake.error
                data["error_type"] = "request_cancelled" if fake.cancelled else "runner_error"
        return JSONResponse(data, status_code=202 if state != "COMPLETED" else 200)

    async def _result(self, request: Request, app_id: str, rid: str) -> Response:
        await self._wait("result")
        if self.result_failures:
            return _scripted(self.result_failures.pop(0), self.retry_after)
        fake = self.requests.get(rid)
        if fake is None or fake.app != app_id:
            return _error(404, "Request not found")
        if self._state(fake) != "COMPLETED":
            return _error(400, "Request is still in progress")
        self._finish(fake, str(request.base_url).rstrip("/"))
        if fake.error:
            return _error(500 if not fake.cancelled else 400, fake.error)
        return JSONResponse(fake.output, headers={"x-fal-request-id": rid})

    async def _cancel(self, app_id: str, rid: str) -> Response:
        await self._wait("cancel")
        fake = self.requests.get(rid)
        if fake is None or fake.app != app_id:
            return JSONResponse({"status": "NOT_FOUND"}, status_code=404)
        if self._state(fake) == "COMPLETED":
            return JSONResponse({"status": "ALREADY_COMPLETED"}, status_code=400)
        fake.cancelled = True
        fake.error = "Request was cancelled"
        return JSONResponse({"status": "CANCELLATION_REQUESTED"}, status_code=202)

    async def _media(self, request: Request) -> Response:
        self.media_requests.append(dict(request.headers))
        await self._wait("media")
        if self.media_failures:
            return _scripted(self.media_failures.pop(0), self.retry_after)
        name = f"{request.path_params['rid']}/{request.path_params['name']}"
        if name not in self.files:
            return Response("Not Found", status_code=404)
        data, content_type = self.files[name]
        # fal.media serves files with a restrictive CSP (seed 000): fine to download, not to embed.
        return Response(data, media_type=content_type,
                        headers={"Content-Security-Policy": "default-src 'none'; sandbox"})

    # -- machinery ---------------------------------------------------------------------------

    async def _wait(self, route: str) -> None:
        if route in self.hang:
            while not self._released.is_set():
                await asyncio.sleep(0.02)
            return
        seconds = self.delay.get(route, 0.0)
        if seconds:
            end = time.monotonic() + seconds
            while time.monotonic() < end and not self._released.is_set():
                await asyncio.sleep(min(0.02, seconds))

    def _state(self, fake: FakeRequest) -> str:
        if fake.cancelled or fake.forced_done:
            return "COMPLETED"
        if self.run_seconds is not None:
            elapsed = time.monotonic() - fake.submitted_at
            if elapsed >= self.run_seconds:
                return "COMPLETED"
            return "IN_QUEUE" if elapsed < self.run_seconds * 0.2 else "IN_PROGRESS"
        return self.progress[min(fake.status_calls, len(self.progress) - 1)]

    def _finish(self, fake: FakeRequest, base_url: str) -> None:
        """Produce the output once: real image files, the model's JSON."""
        with self._lock:
            if fake.output is not None or fake.error is not None:
                return
            if self.completed_error is not None:
                fake.error = self.completed_error
                return
            fmt = str(fake.body.get("output_format") or "png").lower()
            fmt = "jpeg" if fmt in ("jpg", "jpeg") else "png"
            count = 1 if "live-portrait" in fake.app else int(fake.body.get("num_images", 1))
            images = []
            scripted = self.outputs.pop(0) if self.outputs else None
            for index in range(count):
                colour = COLOURS[next(self._colour) % len(COLOURS)]
                buffer = io.BytesIO()
                picture = Image.new("RGB", self.image_size, colour)
                refs = fake.body.get("image_urls") or [fake.body.get("image_url")]
                if index == 0 and scripted is not None:
                    picture = Image.open(io.BytesIO(scripted))
                elif self.echo_reference and isinstance(refs[0], str) and refs[0].startswith("data:"):
                    picture = Image.open(io.BytesIO(base64.b64decode(refs[0].split(",", 1)[1])))
                picture.convert("RGB").save(buffer, format=fmt.upper())
                data = buffer.getvalue()
                name = f"{fake.request_id}/{index}.{'jpg' if fmt == 'jpeg' else 'png'}"
                self.files[name] = (data, f"image/{fmt}")
                images.append({
                    "url": f"{base_url}/media/files/{name}", "content_type": f"image/{fmt}",
                    "file_name": name.split("/")[-1], "file_size": len(data),
                    "width": picture.width, "height": picture.height,
                })
            if "live-portrait" in fake.app:
                fake.output = {"image": images[0]}
            else:
                fake.output = {"images": images, "seed": fake.body.get("seed", 42), "description": ""}

    def _deliver_webhook(self, rid: str) -> None:
        fake = self.requests[rid]
        fake.forced_done = True
        assert fake.webhook is not None
        self._finish(fake, self.base_url)
        payload = {
            "request_id": rid,
            "gateway_request_id": rid,
            "status": "ERROR" if fake.error else "OK",
            "payload": ({"detail": [{"msg": fake.error, "type": "runner_error"}]}
                        if fake.error else fake.output),
            "error": fake.error,
        }
        url = fake.webhook
        if self.webhook_base:
            parts = httpx.URL(url)
            url = self.webhook_base.rstrip("/") + parts.raw_path.decode()
        try:
            httpx.post(url, json=payload, timeout=15.0)
            fake.webhook_deliveries += 1
        except httpx.HTTPError as exc:
            self.webhook_errors.append(type(exc).__name__)


def _validate(endpoint: str, body: Any) -> list[dict[str, Any]]:
    """The model's input validation, in fal's 422 ``detail`` shape."""
    if not isinstance(body, dict):
        return [{"loc": ["body"], "msg": "Input should be a valid dictionary", "type": "dict_type"}]
    problems: list[dict[str, Any]] = []

    def problem(name: str, msg: str, kind: str) -> None:
        problems.append({"loc": ["body", name], "msg": msg, "type": kind, "input": body.get(name)})

    if "live-portrait" in endpoint:
        if not isinstance(body.get("image_url"), str) or not body["image_url"]:
            problem("image_url", "Field required", "missing")
        return problems
    prompt = body.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        problem("prompt", "Field required", "missing")
    if endpoint.endswith("/edit"):
        urls = body.get("image_urls")
        if not isinstance(urls, list) or not urls:
            problem("image_urls", "Field required", "missing")
        elif not all(isinstance(u, str) and (u.startswith("data:image/") or u.startswith("http"))
                     for u in urls):
            problem("image_urls", "Each item must be a URL or a data URI of an image", "url_type")
        else:
            for url in urls:
                if url.startswith("data:"):
                    try:
                        base64.b64decode(url.split(",", 1)[1], validate=True)
                    except (ValueError, IndexError):
                        problem("image_urls", "Invalid base64 data URI", "value_error")
    count = body.get("num_images", 1)
    if not isinstance(count, int) or not 1 <= count <= MAX_IMAGES_PER_REQUEST:
        problem("num_images", f"Input should be between 1 and {MAX_IMAGES_PER_REQUEST}", "range")
    if "aspect_ratio" in body and body["aspect_ratio"] not in ASPECT_RATIOS:
        problem("aspect_ratio", f"Input should be one of {', '.join(ASPECT_RATIOS)}", "enum")
    if "seed" in body and not isinstance(body["seed"], int):
        problem("seed", "Input should be a valid integer", "int_type")
    return problems


def _error(status: int, detail: Any) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status)


def _scripted(status: int, retry_after: str) -> Response:
    headers = {"Retry-After": retry_after} if status in (429, 503) else {}
    if status in (502, 503, 504):
        # What an ingress (nginx) in front of the queue answers: HTML, no x-fal-request-id.
        return Response(f"<html><body><h1>{status}</h1>nginx</body></html>", status_code=status,
                        media_type="text/html", headers=headers)
    return JSONResponse({"detail": f"scripted failure {status}"}, status_code=status, headers=headers)


@pytest.fixture
def fake_fal() -> Iterator[tuple[FakeFalQueue, str]]:
    """A running fake fal queue: (fake, base URL). Import it into a test module to use it."""
    fake = FakeFalQueue()
    with fake.serve() as url:
        yield fake, url
