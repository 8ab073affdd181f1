"""Who pays for a request in credits, and holding them (PAYMENTS=stars; ``worker.credits``).

On Telegram everyone pays in credits. The web chat and WeChat have no payment: there the free
daily quota applies, unless an operator granted the person credits enough for the request.
In a group, an admin's request is paid from the group's pool when it has enough.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core import credits as pricing
from core.chat import ChatTarget
from core.errors import QuotaError
from core.models import Model
from core.request import GenerationRequest
from core.settings import Settings
from worker.credits import Credits


@dataclass(frozen=True)
class Held:
    """The credits a request holds, one hold per generation."""

    credits: Credits
    holds: tuple[tuple[str, int], ...]
    balance: int
    """What the payer has left after holding them."""
    pooled: bool
    """The group's pool paid."""

    @property
    def total(self) -> int:
        return sum(c for _, c in self.holds)

    def release(self) -> None:
        """The request was refused after all: every hold goes back."""
        for gen_id, _ in self.holds:
            self.credits.release(gen_id)


class Billing:
    def __init__(self, credits: Credits, settings: Settings) -> None:
        self.credits = credits
        self.settings = settings

    def pays(self, target: ChatTarget) -> bool:
        """Does this person pay for pictures in credits? With PAYMENTS=stars, on Telegram
        always; elsewhere (no payments there) only once an operator granted them credits."""
        if self.settings.payments != "stars":
            return False
        return target.channel == "telegram" or self.credits.has_grants(target.person_id)

    def hold(self, target: ChatTarget, gen_ids: Sequence[str], requests: Sequence[GenerationRequest],
             models: Sequence[Model]) -> Held | None:
        """Hold each generation's credits; None when the request is not paid in credits (the
        daily quota applies). QuotaError ``credits.short`` when the payer has too few."""
        if not self.pays(target):
            return None
        table = dict(self.settings.model_credits)
        holds = tuple((g, pricing.price(m.key, max(1, r.count), table))
                      for g, r, m in zip(gen_ids, requests, models, strict=True))
        total = sum(c for _, c in holds)
        if target.channel != "telegram" and self.credits.balance(target.person_id) < total:
            return None  # the free daily quota, as for everyone there
        payer, pooled = self._payer(target, total)
        held, balance = self.credits.reserve(payer, list(holds))
        if not held:
            raise QuotaError("credits.short", need=total, balance=balance)
        return Held(self.credits, holds, balance, pooled)

    def _payer(self, target: ChatTarget, credits: int) -> tuple[str, bool]:
        """The group's pool when the person may spend it (a group admin) and it has enough,
        else the person's own account: (account id, from the pool)."""
        if target.is_group and target.pool and self.credits.balance(target.pool_id) >= credits:
            return target.pool_id, True
        return target.person_id, False
