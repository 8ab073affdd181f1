"""From an understood message to the generations to run: the one place that turns an
``Intent`` into ``GenerationRequest``s (style defaults, model routing, counts, ratios)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from core.models import Model, local_model, route
from core.request import MAX_COUNT, GenerationRequest, Intent, SeriesItem

DEFAULT_STYLE = "professional"
"""Seed 000 §4: with no style named, the professional preset (scene or prompt on top)."""
DEFAULT_SERIES = ("professional", "casual", "anime", "oil_painting")
"""A series with no styles named: four looks that show the range."""
MAX_SERIES_ITEMS = 8
"""As many pictures as one request may hold (seed 000 §4, 1-8)."""
EXPRESSION_MODEL = "live_portrait"


@dataclass(frozen=True)
class StyleFacts:
    """What planning needs to know of a style (the catalogue supplies it)."""

    aspect_ratio: str
    needs_photo: bool
    seed: int | None = None
    background: str | None = None
    model: str | None = None
    """A model the operator pinned to the style (a seed repeats a look only on one model)."""


@dataclass(frozen=True)
class Plan:
    """What to run. ``needs_photo`` is True when no request can start without a reference."""

    requests: tuple[GenerationRequest, ...]
    model: Model
    needs_photo: bool
    note: str | None = None
    """A message id explaining a substituted model, if any."""


def plan(
    intent: Intent,
    *,
    style_facts: Callable[[str], StyleFacts | None],
    available_providers: frozenset[str],
    has_reference: bool,
    session_model: str | None = None,
    operator_default: str | None = None,
    random_prompts: Callable[[int], list[tuple[str, int]]] | None = None,
) -> Plan:
    """Turn an intent into generation requests; never trusts user text for parameters."""
    items = _items(intent)
    facts = [style_facts(item.style or DEFAULT_STYLE) for item in items]
    pinned = next((f.model for f in facts if f is not None and f.model), None)
    wanted_model = intent.model or pinned or session_model
    if intent.action == "edit_expression":
        wanted_model = EXPRESSION_MODEL
    needs_photo = intent.action != "random_face" and any(f is None or f.needs_photo for f in facts)
    chosen = route(
        wanted_model,
        available_providers=available_providers,
        has_reference=has_reference and needs_photo,
        operator_default=operator_default,
    )
    model = chosen.model
    if intent.action == "edit_expression" and model.key != EXPRESSION_MODEL and not model.local:
        # Only live-portrait (fal) moves a face's expression; the offline engine imitates it.
        model = local_model()
    count = max(1, min(intent.count or 1, MAX_COUNT, model.max_count))
    requests: list[GenerationRequest] = []
    if intent.action == "random_face" and random_prompts is not None:
        for text, seed in random_prompts(count):
            requests.append(
                GenerationRequest(style="random_face", model=model.key, prompt=text, seed=seed,
                                  aspect_ratio=model.fit_aspect_ratio(intent.aspect_ratio or "1:1"))
            )
        return Plan(tuple(requests), model, needs_photo=False, note=chosen.note)
    for item, fact in zip(items, facts, strict=True):
        style = item.style or DEFAULT_STYLE
        ratio = intent.aspect_ratio or (fact.aspect_ratio if fact else "1:1")
        requests.append(
            GenerationRequest(
                style=style,
                model=model.key,
                count=count if len(items) == 1 else 1,
                aspect_ratio=model.fit_aspect_ratio(ratio),
                scene=item.scene,
                prompt=item.prompt,
                seed=fact.seed if fact else None,
                id_spec=intent.id_spec,
                background=intent.background or (fact.background if fact else None),
                expression=intent.expression,
                outfit=intent.outfit,
            )
        )
    return Plan(tuple(requests), model, needs_photo=needs_photo, note=chosen.note)


def _items(intent: Intent) -> list[SeriesItem]:
    if intent.action == "series":
        items = list(intent.series or ()) or [SeriesItem(style=s) for s in DEFAULT_SERIES]
        return items[:MAX_SERIES_ITEMS]
    return [SeriesItem(style=intent.style, scene=intent.scene, prompt=intent.prompt)]
