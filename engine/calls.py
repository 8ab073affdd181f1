"""One request, the provider calls it becomes: the same for the command line and the bot.

``split`` cuts a request's picture count into calls of at most ``Model.images_per_call``;
``provider_job`` builds one call (prompt from the style catalogue, endpoint, seed, count,
aspect ratio, the offline engine's style facts). ``engine.generate`` (the CLI) and
``worker.chain`` (the bot) both go through here, so the same intent sends the same requests.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from core.models import Model
from core.prompts import build_prompt, pick_seed
from core.request import GenerationRequest
from core.styles import Catalogue
from engine.providers.base import ProviderJob


def split(request: GenerationRequest, model: Model) -> list[GenerationRequest]:
    """The request as one part per upstream call, in order (a part's index is its chunk)."""
    left = max(1, min(request.count, model.max_count))
    parts: list[GenerationRequest] = []
    while left > 0:
        size = min(left, model.images_per_call)
        parts.append(replace(request, count=size))
        left -= size
    return parts


def chunk_seed(seed: int | None, chunk: int, model: Model) -> int | None:
    """Each part of a split request gets its own seeds, or its pictures would repeat: a call
    of n pictures uses seed … seed + n − 1 upstream, so the next part starts after them."""
    if seed is None or not model.takes_seed:
        return None
    return seed + chunk * model.images_per_call


def provider_job(
    request: GenerationRequest, model: Model, catalogue: Catalogue, references: tuple[bytes, ...],
    *, chunk: int = 0, webhook_url: str | None = None,
) -> ProviderJob:
    """One upstream call for one part of ``request`` (``chunk`` counts the parts from 0)."""
    references = references[: max(model.max_refs, 1)] if references else ()
    request = replace(request, aspect_ratio=model.fit_aspect_ratio(request.aspect_ratio))
    extra: dict[str, Any] = dict(request.extra)
    if model.local:
        # The offline engine works from the style itself, not from prose.
        extra.update(style=request.style, background=request.background, id_spec=request.id_spec,
                     outfit=request.outfit)
    return ProviderJob(
        model=model.key,
        endpoint=model.endpoint(bool(references)),
        prompt=build_prompt(request, catalogue, edit_mode=bool(references)),
        references=references,
        count=min(request.count, model.images_per_call),
        aspect_ratio=request.aspect_ratio,
        seed=chunk_seed(pick_seed(request, catalogue), chunk, model),
        expression=request.expression,
        extra=extra,
        webhook_url=webhook_url,
    )
