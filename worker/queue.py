"""``GenerationQueue``: what the bot calls to start, follow, cancel and retry generations.

It only writes records and enqueues short jobs; it never talks to a provider, so a handler
acknowledges within milliseconds. Quota refusals (``QuotaError``) happen before anything is
queued or spent. One call to ``enqueue`` is one group: a single generation, or the items of a
series or batch, which run in parallel and are delivered together, in order.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import redis

from core.chat import ChatTarget
from core.errors import QuotaError, UserInputError
from core.models import MODELS, Model, model_or_local
from core.request import GenerationRequest
from core.settings import Settings
from engine import calls
from worker import rqueue, shared_files
from worker.alive import in_flight
from worker.billing import Billing
from worker.chain import EARLY_WAKE_TTL_S, early_wake_key
from worker.credits import Credits
from worker.finishing import LAST_FAILED
from worker.ledger import Ledger, Limits, day, hours_to_reset, seconds_to_reset
from worker.records import (
    ACTIVE,
    DUE,
    WAITING,
    Records,
    encode,
    gen_key,
    gen_member,
    group_key,
    group_member,
    new_id,
    now,
    record_ttl_s,
)
from worker.redis_conn import key, text

SUBMIT_STEP_S = 0.05
"""Seconds of queue wait counted per generation ahead, for the ETA (submits are short)."""
ANONYMOUS_POOL = "web"
"""The channel whose people are anonymous (a cookie each): its own budget share and address limit."""
PERSON_SET_SLACK_S = 86400
"""Seconds the person's set of records outlives its lifetime, set at their first request of a
UTC day: it then outlives every record enqueued that day (one EXPIRE a day, not a request)."""
GROUP_BACKSTOP_S = 120.0
"""The sweep re-checks a group this long after it could at the latest have finished."""


@dataclass(frozen=True)
class Ticket:
    """What ``enqueue`` answers: enough for the acknowledgement message."""

    group_id: str
    generation_ids: tuple[str, ...]
    eta_s: float
    ahead: int
    model: str
    credits: int = 0
    """Credits the request holds (PAYMENTS=stars), spent when it is delivered."""
    balance: int | None = None
    """Credits left after holding them; None when the request is not paid in credits."""
    pooled: bool = False
    """The group's pool paid (``balance`` is the pool's)."""


@dataclass(frozen=True)
class Progress:
    state: str
    ahead: int
    eta_s: float


@dataclass(frozen=True)
class QuotaStatus:
    used: int
    limit: int
    active: int
    resets_in: float
    """Seconds until the daily quota resets (UTC midnight)."""


def person_key(person_id: str) -> str:
    return key("person", person_id)


def request_key(request_id: str) -> str:
    """Upstream request id -> generation id, for the fal webhook."""
    return key("req", request_id)


class GenerationQueue:
    """The bot's side of the queue. Connections are passed in."""

    def __init__(self, redis: redis.Redis, settings: Settings) -> None:
        self.redis = redis
        self.settings = settings
        self.records = Records(redis)
        self.ledger = Ledger(redis)
        self.credits = Credits(redis, settings.free_credits)
        self.billing = Billing(self.credits, settings)

    @property
    def limits(self) -> Limits:
        s = self.settings
        return Limits(s.max_active_per_person, s.daily_limit_per_person, s.daily_budget_usd,
                      s.web_daily_limit_per_address, s.web_daily_budget_usd)

    def enqueue(
        self,
        target: ChatTarget,
        requests: Sequence[GenerationRequest],
        *,
        reference: str | None,
        label: str = "",
        references: Sequence[str] = (),
    ) -> Ticket:
        """Queue one generation per request, as one group; QuotaError before anything is spent.

        ``reference`` is the main reference photo; ``references`` the person's whole set, best
        first (the main one included), sent to models that take several images."""
        if not requests:
            raise ValueError("enqueue needs at least one request")
        requests, chunks = split_counts(requests)
        models = [_model(r) for r in requests]
        person = target.person_id
        group_id = new_id()
        gen_ids = tuple(new_id() for _ in requests)
        images = sum(max(1, r.count) for r in requests)
        estimate = sum(m.price_usd * max(1, r.count) for m, r in zip(models, requests, strict=True))
        today = day()
        # Anonymous web visitors share one pool of the budget, and one limit per address.
        pool = ANONYMOUS_POOL if target.channel == ANONYMOUS_POOL else ""
        limits = self.limits
        client = target.client if pool and limits.address_limit > 0 else ""
        in_group = not pool and target.is_group and self.settings.group_daily_limit > 0
        if in_group:
            # A group chat shares one daily count, whoever in it asks.
            limits = replace(limits, address_limit=self.settings.group_daily_limit)
            client = f"group:{target.channel}:{target.chat_id}"
        held = self.billing.hold(target, gen_ids, requests, models)
        if held is not None:
            limits = replace(limits, daily_limit=0)  # they pay for each picture: no daily cap
        try:
            refused, left, first_today = self.ledger.reserve(person, group_id, images, estimate, limits, today,
                                                client=client, pool=pool)
        except Exception:
            if held is not None:
                held.release()
            raise
        if refused and held is not None:
            held.release()
        if refused == "quota.active_limit":
            raise QuotaError("quota.active_limit", limit=self.limits.max_active)
        if refused in ("quota.daily_limit", "quota.address_limit") and left > 0:
            # Asked for more than is left: say how many are, so the person can make those.
            raise QuotaError("quota.daily_left", left=left, limit=self.limits.daily_limit,
                             reset_hours=hours_to_reset())
        if refused == "quota.daily_limit":
            raise QuotaError("quota.daily_limit", limit=self.limits.daily_limit,
                             reset_hours=hours_to_reset())
        if refused == "quota.address_limit":
            raise QuotaError("quota.group_limit" if in_group else "quota.address_limit",
                             limit=limits.address_limit, reset_hours=hours_to_reset())
        if refused:
            raise QuotaError("quota.budget_exhausted", reset_hours=hours_to_reset())
        created = now()
        ttl = self.settings.queue_ttl_seconds
        latest_end = created + ttl + self.settings.generation_deadline_seconds + GROUP_BACKSTOP_S
        kept = record_ttl_s(self.settings.retention_days)
        # One round trip, no MULTI/EXEC (two commands more): the due entries are written last,
        # so a sweep that finds one finds its records.
        with self.redis.pipeline(transaction=False) as pipe:
            pipe.hset(group_key(group_id), mapping={
                "id": group_id, "person_id": person, "target": encode(target.to_dict()),
                "gens": encode(list(gen_ids)), "state": "active", "label": label,
                "model": models[0].key, "created_at": created, "ack": "",
            })
            pipe.expire(group_key(group_id), kept)
            for index, (gen_id, request, model) in enumerate(zip(gen_ids, requests, models, strict=True)):
                pipe.hset(gen_key(gen_id), mapping={
                    "id": gen_id, "person_id": person, "group": group_id, "index": index,
                    "items": len(gen_ids),
                    "target": encode(target.to_dict()), "request": encode(request.to_dict()),
                    "model": model.key, "reference": reference or "", "state": "queued",
                    "references": encode(list(references)) if reference and len(references) > 1 else "",
                    "chunk": chunks[index], "quota_day": today, "quota_images": max(1, request.count),
                    "quota_client": client, "pool": pool,
                    "attempts": 0, "created_at": created, "token": "",
                })
                pipe.expire(gen_key(gen_id), kept)
            # Tiny offsets keep the items of a group in order in the waiting line.
            pipe.zadd(WAITING, {gen_id: created + index * 1e-6 for index, gen_id in enumerate(gen_ids)})
            # The sweep submits them (one owner per step: an RQ job besides it doubled the
            # Redis work per generation and raced it to the submit).
            pipe.zadd(DUE, {**{gen_member(gen_id): created for gen_id in gen_ids},
                            group_member(group_id): latest_end})
            pipe.sadd(person_key(person), *(f"gen:{g}" for g in gen_ids), f"grp:{group_id}")
            if first_today:
                # Once a day, not per request: a day longer than any record enqueued today.
                pipe.expire(person_key(person), kept + PERSON_SET_SLACK_S)
            pipe.zrank(WAITING, gen_ids[0])  # the queue position, in the same round trip
            rank = pipe.execute()[-1]
        ahead = int(rank) if isinstance(rank, int) else 0
        return Ticket(group_id, gen_ids, self._eta(models, ahead), ahead, models[0].key,
                      held.total if held else 0, held.balance if held else None, bool(held and held.pooled))

    def cancel(self, person_id: str) -> int:
        """Cancel every unfinished generation of the person (upstream too); how many."""
        return sum(self.cancel_group(person_id, text(raw)) for raw in self.redis.smembers(key("active", person_id)))

    def cancel_group(self, person_id: str, group_id: str) -> int:
        """Cancel one request's unfinished generations (upstream too), give back what they
        held; how many were cancelled."""
        cancelled = 0
        group = self.records.group(group_id)
        if group is None:
            self.ledger.release(person_id, group_id)
            return 0
        for item in self.records.gens_of(group):
            was = item.state
            if self.records.transition(gen_key(item.id), ACTIVE, "cancelled",
                                       finished_at=now(), due=(gen_member(item.id), None)):
                cancelled += 1
                self.redis.zrem(WAITING, item.id)
                self.ledger.record_outcome(item["model"], "cancelled")
                self.ledger.give_back(item.id)
                if not self.redis.hget(gen_key(item.id), "submit_sent_at"):
                    # Never left (or bounced back to wait out a retry): nothing is charged.
                    self.ledger.refund(item.id, item["model"])
                if was != "queued":
                    rqueue.enqueue_cancel(self.redis, item.id, self.settings.failure_ttl_seconds)
        if self.records.transition(group_key(group_id), ("active", "ready"), "cancelled",
                                   due=(group_member(group_id), None)) and group["ack"]:
            rqueue.enqueue_ended(self.redis, group_id, "cancelled", self.settings.failure_ttl_seconds)
        self.ledger.release(person_id, group_id)
        return cancelled

    def not_started(self, generation_id: str) -> str | None:
        """The request (group) id of this generation while none of its pictures has been sent
        upstream yet, else None: it can still be replaced at no cost."""
        record = self.records.gen(generation_id)
        group = self.records.group(record["group"]) if record is not None else None
        if record is None or group is None:
            return None
        if all(item.state == "queued" for item in self.records.gens_of(group)):
            return record["group"]
        return None

    def retry(self, generation_id: str, person_id: str) -> Ticket:
        """Run a failed generation again with the same stored photo (no second upload)."""
        record = self.records.gen(generation_id)
        if record is None or record["person_id"] != person_id or record.state not in (
            "failed", "expired", "cancelled"
        ):
            raise UserInputError("retry.nothing")
        reference = record["reference"] or None
        references = [p for p in record.references() if Path(p).is_file()]
        if reference and reference not in references:
            raise UserInputError("retry.photo_gone")
        group = self.records.group(record["group"])
        ticket = self.enqueue(
            ChatTarget.from_dict(record.json("target")),
            [GenerationRequest.from_dict(record.json("request", {}))],
            reference=reference,
            label=group["label"] if group else "",
            references=references,
        )
        self.redis.delete(key(LAST_FAILED, person_id))
        return ticket

    def last_failed(self, person_id: str) -> str | None:
        value = self.redis.get(key(LAST_FAILED, person_id))
        return text(value) if value else None

    def attach_ack(self, generation_id: str, message_id: str) -> None:
        """Remember the acknowledgement message, so progress edits it."""
        record = self.records.gen(generation_id)
        if record is not None:
            self.redis.hset(group_key(record["group"]), "ack", message_id)
            self.redis.hset(gen_key(generation_id), "ack", message_id)

    def progress(self, generation_id: str) -> Progress:
        record = self.records.gen(generation_id)
        if record is None:
            return Progress("unknown", 0, 0.0)
        model = model_or_local(record["model"])
        if record.state == "queued":
            ahead = self._ahead(generation_id)
            return Progress("queued", ahead, self._eta([model], ahead))
        if record.state in ("submitted", "running", "submitting"):
            started = record.number("submitted_at", now())
            return Progress(record.state, 0, max(1.0, started + model.latency_s - now()))
        return Progress(record.state, 0, 0.0)

    def quota(self, person_id: str) -> QuotaStatus:
        return QuotaStatus(
            used=self.ledger.used_today(person_id),
            limit=self.settings.daily_limit_per_person,
            active=self.ledger.active(person_id),
            resets_in=seconds_to_reset(),
        )

    def stats(self) -> dict[str, float | int | str]:
        """Numbers for /stats and /metrics: outcomes by model, spend, queue depth, in flight."""
        costs, outcomes = self.ledger.today()
        numbers: dict[str, float | int | str] = {
            "spend_usd_today": round(costs.get("total", 0.0), 4),
            "budget_usd_daily": self.settings.daily_budget_usd,
            "queue_depth": rqueue.depth(self.redis),
            "waiting": int(self.redis.zcard(WAITING)),
            "in_flight": in_flight(self.redis),
        }
        for name, value in sorted(outcomes.items()):
            model, _, what = name.partition(":")
            numbers[f"generations_{what}_{model}" if what != "latency_sum" else f"latency_sum_s_{model}"] = (
                round(value, 3) if what == "latency_sum" else int(value)
            )
        for name, value in sorted(costs.items()):
            if name.startswith("model:"):
                numbers[f"spend_usd_today_{name[6:]}"] = round(value, 4)
            elif name.startswith("pool:"):
                numbers[f"spend_usd_today_pool_{name[5:]}"] = round(value, 4)
        return numbers

    def wake(self, request_id: str) -> bool:
        """fal's webhook says a request finished: poll it now rather than at its next turn."""
        gen_id = self.redis.get(request_key(request_id))
        if not gen_id:
            # Maybe ours, its submit answer still on the way: submit polls at once when it lands.
            self.redis.set(early_wake_key(request_id), "1", ex=EARLY_WAKE_TTL_S)
            return False
        record = self.records.gen(text(gen_id))
        if record is None or record.state not in ("submitted", "running"):
            return False
        self.redis.zadd(DUE, {gen_member(record.id): now()}, xx=True)
        return True

    def forget(self, person_id: str) -> None:
        """Delete the person's records and result files (the photo store forgets the photos)."""
        self.cancel(person_id)
        data_dir = Path(self.settings.data_dir).resolve()
        members = [text(m) for m in self.redis.smembers(person_key(person_id))]
        for member in members:
            kind, _, record_id = member.partition(":")
            if kind == "gen":
                record = self.records.gen(record_id)
                outputs = record.json("outputs", []) if record else []
                for path in outputs:
                    _remove_inside(Path(path), data_dir)
                shared_files.current().delete(outputs)
                self.redis.delete(gen_key(record_id))
                self.redis.zrem(WAITING, record_id)
            else:
                self.redis.delete(group_key(record_id))
            self.redis.zrem(DUE, member)
        self.redis.delete(person_key(person_id), key(LAST_FAILED, person_id), key("active", person_id))

    def _ahead(self, gen_id: str) -> int:
        rank = self.redis.zrank(WAITING, gen_id)
        return int(rank) if isinstance(rank, int) else 0

    @staticmethod
    def _eta(models: Sequence[Model], ahead: int) -> float:
        return max(m.latency_s for m in models) + ahead * SUBMIT_STEP_S


def split_counts(
    requests: Sequence[GenerationRequest],
) -> tuple[list[GenerationRequest], list[int]]:
    """Requests with more images than one upstream call makes, split (``engine.calls.split``);
    and each part's number."""
    parts: list[GenerationRequest] = []
    chunks: list[int] = []
    for request in requests:
        split = calls.split(request, _model(request))
        parts.extend(split)
        chunks.extend(range(len(split)))
    return parts, chunks


def _model(request: GenerationRequest) -> Model:
    model = MODELS.get(request.model)
    if model is None:
        raise UserInputError("model.unknown", model=request.model)
    return model


def _remove_inside(path: Path, root: Path) -> None:
    """Delete a file only when it lies inside the data directory."""
    with contextlib.suppress(OSError, ValueError):
        resolved = path.resolve()
        resolved.relative_to(root)
        resolved.unlink(missing_ok=True)

