"""The provider registry: which generation backends this process can use.

One entry per ``Model.provider`` name in ``core.models``: "fal", "seedream", "headshot" and
the built-in "offline" engine. A provider is built only when its credentials are set; the
offline engine is always there (it needs no account). Adding a backend means writing one
module with a ``Provider`` and one line in ``_BUILDERS``.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable

import httpx

from core.settings import Settings
from engine.providers.base import Provider

log = logging.getLogger(__name__)

OFFLINE = "offline"


def _fal(settings: Settings, client: httpx.AsyncClient) -> Provider:
    from engine.providers.fal import FalProvider

    return FalProvider(settings, client)


def _seedream(settings: Settings, client: httpx.AsyncClient) -> Provider:
    from engine.providers.seedream import SeedreamProvider

    return SeedreamProvider(settings, client)


def _headshot(settings: Settings, client: httpx.AsyncClient) -> Provider:
    from engine.providers.headshot import HeadshotProvider

    return HeadshotProvider(settings, client)


_BUILDERS: dict[str, tuple[Callable[[Settings], bool], Callable[[Settings, httpx.AsyncClient], Provider]]] = {
    "fal": (lambda s: bool(s.fal_key), _fal),
    "seedream": (lambda s: bool(s.byteplus_api_key), _seedream),
    "headshot": (lambda s: bool(s.headshot_api_url and s.headshot_api_key), _headshot),
}
"""Provider name -> (has credentials?, build it)."""


def available_providers(settings: Settings) -> frozenset[str]:
    """Providers with credentials, for ``core.models.route`` ("offline" is always implied)."""
    return frozenset(name for name, (configured, _) in _BUILDERS.items() if configured(settings))


def build_providers(settings: Settings, client: httpx.AsyncClient) -> dict[str, Provider]:
    """Every usable provider, sharing ``client``; the offline engine when it is installed."""
    providers = {
        name: build(settings, client)
        for name, (configured, build) in _BUILDERS.items()
        if configured(settings)
    }
    offline = build_offline(settings)
    if offline is not None:
        providers[OFFLINE] = offline
    return providers


def build_offline(settings: Settings) -> Provider | None:
    """The offline engine (``engine.offline.OfflineProvider``), or None if not installed."""
    try:
        module = importlib.import_module("engine.offline")
        provider_class = module.OfflineProvider
    except (ImportError, AttributeError):
        log.warning("the offline engine is not available")
        return None
    provider: Provider = provider_class(settings)
    return provider


__all__ = ["OFFLINE", "available_providers", "build_offline", "build_providers"]
