"""What a person asked for (``Intent``) and what the engine is asked to make (``GenerationRequest``).

These two frozen shapes are the contract between intent recognition, the channels, the queue
and the generation engine. They are JSON-friendly (``to_dict`` / ``from_dict``) because RQ
jobs carry them with the JSON serializer.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

Action = Literal[
    "generate", "series", "edit_expression", "random_face", "choose", "choose_id_spec", "help",
    "cancel", "chat", "unknown", "none",
]
ACTIONS: tuple[str, ...] = (
    "generate", "series", "edit_expression", "random_face", "choose", "choose_id_spec", "help",
    "cancel", "chat", "unknown", "none",
)
QUIET_ACTIONS: frozenset[str] = frozenset({"cancel", "chat", "unknown", "none"})
"""Actions that start nothing: calling off (cancel), thanks and small talk (chat), nothing
recognised (unknown); ``none`` is the empty intent's default."""
ASK_BELOW = 0.5
"""A generation read with less confidence than this is asked back, never started."""
MAX_COUNT = 8
"""Seed 000 §4: 1-8 images per request."""


@dataclass(frozen=True)
class SeriesItem:
    """One picture of a series (seed 000 §9): a style, a scene, or a full custom prompt."""

    style: str | None = None
    scene: str | None = None
    prompt: str | None = None


@dataclass(frozen=True)
class Intent:
    """One chat message, understood. ``None`` fields mean "not said" (model None = default)."""

    action: str = "none"
    style: str | None = None
    model: str | None = None
    count: int | None = None
    aspect_ratio: str | None = None
    scene: str | None = None
    prompt: str | None = None
    choices: tuple[str, ...] | None = None
    """For ``choose``: the style keys to offer (e.g. the dating vibes); for ``choose_id_spec``
    the ID-photo specification keys (a visa or passport photo with no country named)."""
    expression: dict[str, float] | None = None
    """For ``edit_expression``: live-portrait parameters, e.g. {"smile": 1.0}."""
    id_spec: str | None = None
    series: tuple[SeriesItem, ...] | None = None
    background: str | None = None
    """ID photos: "white", "blue" or "red" when the person named one."""
    outfit: str | None = None
    """ID photos: "suit", "blazer" or "formal" when the person asked to wear it."""
    go_anyway: bool = False
    """The person insists on a photo the pre-flight check did not like."""
    confidence: float = 1.0
    """How sure the reading is, 0..1: below ``ASK_BELOW`` the bot asks before anything paid
    starts (a whole message taken as a prompt with no word asking for a picture)."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON object ``portraitbot intent`` prints (and jobs carry)."""
        data = asdict(self)
        data["choices"] = list(self.choices) if self.choices is not None else None
        data["series"] = (
            [asdict(item) for item in self.series] if self.series is not None else None
        )
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Intent:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        if values.get("choices") is not None:
            values["choices"] = tuple(values["choices"])
        if values.get("series") is not None:
            values["series"] = tuple(SeriesItem(**item) for item in values["series"])
        return cls(**values)


@dataclass(frozen=True)
class GenerationRequest:
    """One generation the engine runs: resolved style, model and parameters.

    User text sits only in ``scene`` and ``prompt``, already cleaned and capped by
    ``core.prompts.clean_user_text``; it never decides count, endpoint or model.
    """

    style: str = "professional"
    model: str = "nanopro"
    count: int = 1
    aspect_ratio: str = "1:1"
    scene: str | None = None
    prompt: str | None = None
    seed: int | None = None
    id_spec: str | None = None
    background: str | None = None
    expression: dict[str, float] | None = None
    outfit: str | None = None
    """ID photos: what to wear ("suit", "blazer", "formal"; ``core.prompts.OUTFIT_WORDS``),
    made by the edit model before the measured crop."""
    label: str | None = None
    """Batch item label (seed 003), used in file names."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Provider options that are not user text, e.g. Seedream's resolution tier."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GenerationRequest:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})
