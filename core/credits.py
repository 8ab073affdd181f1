"""What pictures cost in credits, and the packs of credits sold for Telegram Stars (pure).

A model's price in credits is the operator's (``MODEL_CREDITS=nanopro:3,gpt:8``) or, by
default, its upstream price in dollars over ``CREDIT_USD``, rounded up (NanoPro at $0.15 is 3
credits; the offline preview costs nothing). A series or a count multiplies it. A pack
(``CREDIT_PACKS=10:50,50:200``) is credits for Stars; its invoice payload names both, so a
payment for a pack the operator has since changed or withdrawn is refused at checkout.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from core.errors import ConfigError
from core.models import MODELS

CREDIT_USD = 0.05
"""Upstream dollars one credit covers by default (a Star pays the operator about $0.013, so
the default packs, 5 to 3.5 Stars a credit, cover that with a margin)."""
DEFAULT_PACKS = ((10, 50), (50, 200), (200, 700))
"""(credits, Stars) offered by /buy unless CREDIT_PACKS says otherwise."""
DEFAULT_FREE_CREDITS = 5
"""Credits each person gets once to try the bot (FREE_CREDITS)."""
CURRENCY = "XTR"
"""Telegram Stars; invoices in it carry an empty provider token."""
PAYLOAD_PREFIX = "credits"


@dataclass(frozen=True)
class Pack:
    credits: int
    stars: int

    @property
    def payload(self) -> str:
        """The invoice payload (1-128 bytes): what the payment must still match at checkout."""
        return f"{PAYLOAD_PREFIX}:{self.credits}:{self.stars}"

    @classmethod
    def from_payload(cls, payload: str) -> Pack | None:
        prefix, _, rest = payload.partition(":")
        credits, _, stars = rest.partition(":")
        if prefix != PAYLOAD_PREFIX or not credits.isdigit() or not stars.isdigit():
            return None
        return cls(int(credits), int(stars))


def default_price(model_key: str) -> int:
    """Credits per image when the operator sets none: the upstream price, rounded up."""
    model = MODELS.get(model_key)
    if model is None or model.price_usd <= 0:
        return 0
    return max(1, math.ceil(model.price_usd / CREDIT_USD - 1e-9))


def price(model_key: str, images: int, table: Mapping[str, int]) -> int:
    """Credits for ``images`` pictures of a model (the operator's table first)."""
    each = table.get(model_key)
    return (default_price(model_key) if each is None else each) * max(1, images)


def offered(payload: str, total: int, currency: str, packs: Iterable[Pack]) -> Pack | None:
    """The pack a checkout pays for, if it is still offered at that price in Stars."""
    pack = Pack.from_payload(payload)
    if pack is None or currency != CURRENCY or total != pack.stars or pack not in tuple(packs):
        return None
    return pack


def parse_packs(name: str, value: str) -> tuple[Pack, ...]:
    """``"10:50,50:200"`` -> packs of (credits, Stars); ConfigError with a sentence otherwise."""
    packs = []
    for item in (x.strip() for x in value.split(",") if x.strip()):
        credits, _, stars = item.partition(":")
        if not (credits.isdigit() and stars.isdigit()) or int(credits) < 1 or not 1 <= int(stars) <= 10000:
            raise ConfigError(f"{name} must list credits:stars pairs such as 10:50,50:200 "
                              f"(1-10000 Stars each), got {item!r}")
        packs.append(Pack(int(credits), int(stars)))
    return tuple(packs)


def parse_prices(name: str, value: str) -> tuple[tuple[str, int], ...]:
    """``"nanopro:3,gpt:8"`` -> ((model, credits per image), ...)."""
    table = []
    for item in (x.strip() for x in value.split(",") if x.strip()):
        model, _, credits = item.partition(":")
        if model not in MODELS or not credits.isdigit():
            raise ConfigError(f"{name} must list model:credits pairs such as nanopro:3,gpt:8 "
                              f"(models: {', '.join(sorted(MODELS))}), got {item!r}")
        table.append((model, int(credits)))
    return tuple(table)
