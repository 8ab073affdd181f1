"""The model registry and routing: which model, through which provider, at what price.

Data from seed 000 §6/§14 (nano2, nanopro, gpt), seed 002 (flux-pro ultra), seed 003
(Seedream, aliases), seed 004 (live-portrait) and seed 001 (the headshot API), plus the
built-in ``offline`` engine. Prices are USD per image, used when a provider does not report
``X-Credits-Used``; where a seed gives no price the figure is the public list price, an
estimate that operators can correct here.
"""

from __future__ import annotations

from dataclasses import dataclass

ALL_ASPECT_RATIOS = ("1:1", "3:4", "4:3", "9:16", "16:9", "2:3", "3:2", "4:5", "5:4", "21:9", "9:21")
SEED_ASPECT_RATIOS = ("1:1", "3:4", "4:3", "9:16", "16:9")
"""Seed 000 §4: the output ratios the nano and gpt models are asked for."""
DEFAULT_MODEL = "nanopro"
"""Seed 000 §6: always nanopro unless the person asks otherwise."""


@dataclass(frozen=True)
class Model:
    """One generation model and how to reach it."""

    key: str
    name: str
    provider: str
    """Which provider module runs it: "fal", "seedream", "headshot" or "offline"."""
    edit_endpoint: str | None
    """Endpoint (fal app id and path, or upstream model name) when a reference photo is given."""
    generate_endpoint: str | None
    """Endpoint for text-to-image, or None when the model needs a reference photo."""
    latency_s: float
    """Typical seconds from submit to result; the ETA shown and when to poll first."""
    price_usd: float
    """USD per image when the provider does not report the cost."""
    max_refs: int
    aspect_ratios: tuple[str, ...]
    takes_seed: bool
    aliases: tuple[str, ...] = ()
    max_count: int = 8
    """Most pictures one person's request may ask of this model."""
    images_per_call: int = 8
    """Most pictures one upstream call makes (fal's ``num_images`` is 1-4); a bigger count is
    split into several calls (``engine.calls.split``)."""
    best: bool = False
    """The model "higher quality" asks for (one model is; ``best_model``)."""

    @property
    def local(self) -> bool:
        """Runs on this machine (the offline engine): free, instant, a preview not a portrait."""
        return self.provider == LOCAL_PROVIDER

    def endpoint(self, has_reference: bool) -> str:
        """The endpoint for edit mode (with a reference photo) or generate mode."""
        chosen = self.edit_endpoint if has_reference else self.generate_endpoint
        return chosen or self.edit_endpoint or self.generate_endpoint or self.key

    def fit_aspect_ratio(self, ratio: str | None) -> str:
        """The supported ratio closest in shape to ``ratio`` (exact when supported)."""
        if ratio in self.aspect_ratios:
            return ratio
        if not ratio or ratio not in ALL_ASPECT_RATIOS:
            return self.aspect_ratios[0]
        wanted = _ratio_value(ratio)
        return min(self.aspect_ratios, key=lambda r: abs(_ratio_value(r) - wanted))


def _ratio_value(ratio: str) -> float:
    width, height = ratio.split(":")
    return float(width) / float(height)


LOCAL_PROVIDER = "offline"
"""The provider that needs no account: always available."""
FAL_IMAGES_PER_CALL = 4
"""fal's image models make 1-4 pictures per request (``num_images``)."""

MODELS: dict[str, Model] = {
    m.key: m
    for m in (
        Model(
            "nano2", "Nano Banana 2", "fal", "fal-ai/nano-banana-2/edit", "fal-ai/nano-banana-2",
            latency_s=15, price_usd=0.08, max_refs=4, aspect_ratios=SEED_ASPECT_RATIOS,
            takes_seed=True, aliases=("nano-banana-2", "nano", "fast", "quick", "draft"),
            images_per_call=FAL_IMAGES_PER_CALL,
        ),
        Model(
            "nanopro", "NanoPro", "fal", "fal-ai/nano-banana-pro/edit", "fal-ai/nano-banana-pro",
            latency_s=25, price_usd=0.15, max_refs=4, aspect_ratios=SEED_ASPECT_RATIOS,
            takes_seed=True, aliases=("nbp", "nano-banana-pro", "poster", "pro", "fal"),
            images_per_call=FAL_IMAGES_PER_CALL,
        ),
        Model(
            "gpt", "GPT Image 2", "fal", "openai/gpt-image-2/edit", "openai/gpt-image-2",
            latency_s=150, price_usd=0.25, max_refs=4, aspect_ratios=SEED_ASPECT_RATIOS,
            takes_seed=False, aliases=("gpt-image-2", "gpt-image", "openai", "best"),
            images_per_call=FAL_IMAGES_PER_CALL, best=True,
        ),
        Model(
            "flux", "FLUX1.1 [pro] ultra", "fal", None, "fal-ai/flux-pro/v1.1-ultra",
            latency_s=10, price_usd=0.06, max_refs=0,
            aspect_ratios=("16:9", "21:9", "4:3", "3:2", "1:1", "2:3", "3:4", "9:16", "9:21"),
            takes_seed=True, aliases=("flux-pro", "flux-2-pro", "flux-ultra"),
            images_per_call=FAL_IMAGES_PER_CALL,
        ),
        Model(
            "seedream", "Seedream 4.5", "seedream", "seedream-4-5-251128", "seedream-4-5-251128",
            latency_s=25, price_usd=0.03, max_refs=14,
            aspect_ratios=("1:1", "3:4", "4:3", "9:16", "16:9", "2:3", "3:2", "4:5", "5:4", "21:9"),
            takes_seed=True, aliases=("byteplus", "sd", "seedream-4.5"),
        ),
        Model(
            "live_portrait", "Live Portrait", "fal", "fal-ai/live-portrait/image", None,
            latency_s=12, price_usd=0.02, max_refs=1, aspect_ratios=("1:1",),
            takes_seed=False, aliases=("live-portrait", "liveportrait", "expression"), max_count=1,
        ),
        Model(
            "headshot", "Headshot API", "headshot", "/api/generate-portrait", None,
            latency_s=20, price_usd=0.05, max_refs=1, aspect_ratios=("3:4", "1:1", "4:3", "9:16", "16:9"),
            takes_seed=True, aliases=("headshot-api",),
        ),
        Model(
            "offline", "Offline preview", "offline", "offline", "offline",
            latency_s=2, price_usd=0.0, max_refs=1, aspect_ratios=ALL_ASPECT_RATIOS,
            takes_seed=True, aliases=("local", "preview", "free"),
        ),
    )
}


def lookup(name: str | None) -> Model | None:
    """A model by key or alias, case-insensitively; None when unknown."""
    if not name:
        return None
    wanted = name.strip().lower().replace(" ", "-").replace("_", "-")
    for model in MODELS.values():
        if wanted == model.key.replace("_", "-") or wanted in model.aliases:
            return model
    return None


@dataclass(frozen=True)
class Route:
    """The model a request runs on, and why it is not the one asked for (a message id)."""

    model: Model
    note: str | None = None


def route(
    requested: str | None,
    *,
    available_providers: frozenset[str],
    has_reference: bool,
    operator_default: str | None = None,
) -> Route:
    """Pick the model: explicit choice > operator default > nanopro; offline when nothing else runs.

    ``requested`` is what the person or the intent named ("gpt", "seedream", an alias);
    quality and speed words are already turned into a model key by intent recognition.
    ``available_providers`` holds the providers with credentials ("fal", "seedream",
    "headshot"); "offline" is always there.
    """
    available = available_providers | {LOCAL_PROVIDER}
    asked = lookup(requested)
    default = lookup(operator_default) or MODELS[DEFAULT_MODEL]
    if asked is None and not has_reference and default.generate_endpoint is None:
        asked = MODELS["nanopro"]
    candidate = asked or default
    note = "model.unknown" if requested and asked is None else None
    if candidate.generate_endpoint is None and not has_reference:
        note, candidate = "model.needs_photo", default
    if candidate.provider in available:
        return Route(candidate, note)
    for fallback in (default, MODELS[DEFAULT_MODEL], MODELS["seedream"], MODELS["headshot"]):
        if fallback.provider in available and (has_reference or fallback.generate_endpoint):
            return Route(fallback, note or "model.unavailable")
    return Route(local_model(), None if not available_providers else note or "model.unavailable")


def local_model() -> Model:
    """The built-in engine: free, always there, the fallback for an unknown model key."""
    return next(m for m in MODELS.values() if m.local)


def model_or_local(model_key: str | None) -> Model:
    """The model a record names, or the built-in engine when the key is unknown (a record
    written by another version)."""
    return MODELS.get(model_key or "") or local_model()


def best_model() -> Model:
    """The model "higher quality" and the result's "Higher quality" button ask for."""
    return next(m for m in MODELS.values() if m.best)
