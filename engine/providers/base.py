"""The one small Protocol every generation provider implements: submit / poll / result / cancel.

A provider module (fal, seedream, headshot, offline) turns a ``ProviderJob`` into images.
Asynchronous upstreams (the fal queue) return a ``Handle`` from ``submit`` that the worker
stores before anything else can fail, then ``poll`` and ``result`` it; synchronous ones
(Seedream, the headshot API, the offline engine) complete inside ``submit`` and return the
images at once. Errors are the ones in ``core.errors``: transient ones are retried by the
caller, permanent ones are shown to the person.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal, Protocol

State = Literal["queued", "running", "done"]


@dataclass(frozen=True)
class ProviderJob:
    """Everything a provider needs for one generation; no user text outside ``prompt``."""

    model: str
    endpoint: str
    prompt: str
    references: tuple[bytes, ...] = ()
    """Reference photos as JPEG bytes (edit mode); empty for text-to-image."""
    count: int = 1
    aspect_ratio: str = "1:1"
    seed: int | None = None
    expression: dict[str, float] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    webhook_url: str | None = None


@dataclass(frozen=True)
class Handle:
    """What the worker stores to find an upstream request again. JSON-friendly, no secrets."""

    provider: str
    request_id: str
    endpoint: str
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Handle:
        return cls(**data)


@dataclass(frozen=True)
class OutputImage:
    """One finished image, already downloaded (upstream URLs expire or are CSP-restricted)."""

    data: bytes
    content_type: str = "image/png"


@dataclass(frozen=True)
class Submitted:
    """The answer to ``submit``: a handle, and the images when the provider finished already."""

    handle: Handle
    images: tuple[OutputImage, ...] | None = None
    cost_usd: float | None = None
    """What upstream said it charged (``X-Credits-Used``), when it said so."""


@dataclass(frozen=True)
class Status:
    state: State
    queue_position: int | None = None


class Provider(Protocol):
    """A generation backend. One instance per process, sharing one HTTP client."""

    name: str

    async def submit(self, job: ProviderJob) -> Submitted:
        """Start a generation; raise core.errors on failure. Upstream may charge here."""
        ...

    async def poll(self, handle: Handle) -> Status:
        """One status call, never waiting."""
        ...

    async def result(self, handle: Handle) -> tuple[OutputImage, ...]:
        """Fetch and download the finished images."""
        ...

    async def cancel(self, handle: Handle) -> None:
        """Ask upstream to stop; quiet when it already finished."""
        ...
