"""The generation chain: submit -> poll -> fetch (delivery is in ``worker.delivery``).

Every step starts with a compare-and-set on the record (``Records.transition``), so a step
that runs twice (RQ is at-least-once; the sweep retries expired leases) acts once.

Submit and the money. fal pre-charges at submit and takes no idempotency key, so a submit
must never be sent twice for one generation. The record goes ``queued -> submitting`` with
a fresh token first, then ``submit_sent_at`` is stamped just before the network call, and the
provider's handle is written the moment it returns — before anything else can fail. If a
worker dies in between, the sweep finds ``submitting`` after its lease and decides:

* no ``submit_sent_at``: nothing left this machine -> back to ``queued``, submitted once later;
* ``submit_sent_at`` set and the model is free (the offline engine): submit again;
* ``submit_sent_at`` set on a paid model: the request may have been accepted and charged, and
  without a handle we can never fetch it. We do **not** resubmit (that could charge twice
  without the person asking); the generation fails with ``generate.submit_lost``, which
  apologises and offers /retry, so a second charge happens only when the person asks.
  The provider does the same for a submit whose answer was lost in transit
  (``fal.submit_uncertain``). The window is the time of one HTTP request.

Synchronous providers (Seedream, the headshot API, the offline engine) return the images
from submit, and the generation goes straight to ``delivering``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from typing import Any

from core.errors import (
    PermanentUpstreamError,
    PortraitBotError,
    TransientUpstreamError,
)
from core.models import Model, model_or_local
from core.request import GenerationRequest
from engine import calls
from engine.providers.base import Handle, Provider, ProviderJob
from worker import shared_files
from worker.context import WorkerContext
from worker.delivery import show
from worker.finishing import expire, fail, finish
from worker.ledger import Ledger, hours_to_reset
from worker.records import (
    DUE,
    WAITING,
    Record,
    Records,
    gen_key,
    gen_member,
    new_id,
    now,
    persist,
    record_ttl_s,
)
from worker.redis_conn import key
from worker.steps import Steps
from worker.submits import take_over

log = logging.getLogger(__name__)
EARLY_WAKE_TTL_S = 600
"""Seconds a webhook that arrived before its submit answer is remembered (a submit is one
HTTP request, so a minute would do; ten is cheap)."""
MAYBE_CHARGED_SUFFIX = ".bad_response"
"""A submit answered 2xx but unreadable may have been charged: its booking stays."""
UNCERTAIN_SUBMIT_SUFFIX = ".submit_uncertain"
"""Providers name an ambiguous submit (maybe accepted, answer lost) with this message id suffix."""


def model_of(record: Record) -> Model:
    return model_or_local(record["model"])


def is_free(model: Model) -> bool:
    """A model that costs nothing may be submitted again after an unclear crash."""
    return model.price_usd == 0


# -- submit ---------------------------------------------------------------------------------


async def submit(ctx: WorkerContext, gen_id: str, record: Record | None = None,
                 claimed_at: float | None = None) -> None:
    """Submit one queued generation (the sweep runs it as soon as it is due, with the record
    it just read and when its claim pushed the due score a poll lease ahead), when one of the
    process's submit slots is free."""
    slots = ctx.submit_slots()
    if slots.locked():
        record = None  # it waits its turn: read it again then (it may be cancelled by then)
    async with slots:
        if ctx.stopping:
            # Stopping: nothing left for it yet; another process submits it now, not after
            # the claim's lease (and not on this process's closing HTTP client).
            ctx.redis.zadd(DUE, {gen_member(gen_id): now()}, xx=True)
            return
        await _submit(ctx, gen_id, record, claimed_at)


def _claim_covers(ctx: WorkerContext, claimed_at: float | None) -> bool:
    """Whether the sweep's claim still leases this generation's due entry long enough that a
    step needs not write its own (two ``ZADD`` a submit): the claim is fresh (a third of a poll
    lease, the renewals' period) and no longer than a submit's lease, so the sweep looks no
    later than the submit's own lease would have it (``take_over`` then answers "alive" from
    ``lease_until``, renewed while the request is on the wire)."""
    timing = ctx.timing
    return (claimed_at is not None and timing.poll_lease_s <= timing.submit_lease_s
            and now() - claimed_at < timing.poll_lease_s / 3)


async def _submit(ctx: WorkerContext, gen_id: str, record: Record | None,
                  claimed_at: float | None = None) -> None:
    records = Records(ctx.redis)
    record = record if record is not None else records.gen(gen_id)
    if record is None or record.state != "queued":
        return  # already past this step, or cancelled: a duplicate run does nothing
    started = now()
    if started < record.number("not_before"):
        return  # a retry waiting out its backoff; pb:due brings it back in time
    if started - record.number("created_at") > ctx.settings.queue_ttl_seconds:
        await expire(ctx, record)
        return
    model = model_of(record)
    provider = ctx.providers.get(model.provider)
    try:
        if provider is None:
            raise PermanentUpstreamError("generate.provider_missing", provider=model.provider)
        job = provider_job(ctx, record, model)  # before the claim: nothing is booked if it fails
    except PortraitBotError as error:
        if await fail(ctx, record, ("queued",), error.message_id, error.params):
            ctx.redis.zrem(WAITING, gen_id)
        return
    token = new_id()
    attempts = int(record.number("attempts")) + 1
    lease_until = started + ctx.timing.submit_lease_s
    # One script: queued -> submitting under this token, the booking (fal charges at submit),
    # submit_sent_at (the request leaves right after), the lease, out of the waiting line, and
    # the group's "generating" mark. Nothing of it is written when the cap refuses.
    begun = Steps(ctx.redis).start_submit(
        record, token, attempts, started, lease_until, now(), paid=not is_free(model),
        amount_usd=model.price_usd * job.count, budget_usd=ctx.settings.daily_budget_usd,
        pool_budget_usd=ctx.settings.web_daily_budget_usd,
        set_due=not _claim_covers(ctx, claimed_at))
    if begun.outcome < 0:
        return  # cancelled, or another process's submit
    if begun.outcome == 0:
        if await fail(ctx, record, ("queued",), "quota.budget_exhausted",
                      {"reset_hours": hours_to_reset()}):
            ctx.redis.zrem(WAITING, gen_id)
        return
    if begun.outcome == 2 and job.count and model.price_usd:
        ctx.tally.count("portraitbot_spend_usd_total", {"model": model.key}, model.price_usd * job.count)
    # Renewed by the sweep while this process lives (worker/submits.py): never taken over
    # while on the wire, however long fal takes to answer.
    ctx.submitting.hold(gen_id, token)
    try:
        await _submit_owned(ctx, record, token, attempts, model, provider, job, begun.ack,  # type: ignore[arg-type]
                            claimed_at)
    finally:
        ctx.submitting.let_go(gen_id)


async def _submit_owned(ctx: WorkerContext, record: Record, token: str, attempts: int,
                        model: Model, provider: Provider, job: ProviderJob, ack: str | None,
                        claimed_at: float | None = None) -> None:
    gen_id = record.id
    ledger = Ledger(ctx.redis)
    try:
        if ack is not None:
            # "Generating…" goes to the chat while the submit is on the wire, not before it.
            group = Record(record["group"], {"state": "active", "target": record["target"],
                                             "ack": ack, "model": record["model"]})
            _background(show(ctx, group, "generating"))
        submitted = await provider.submit(job)
    except TransientUpstreamError as error:
        await _submit_failed_transiently(ctx, record, token, attempts, model, error)
        return
    except PortraitBotError as error:
        if not error.message_id.endswith(MAYBE_CHARGED_SUFFIX):
            ledger.refund(gen_id, model.key)  # refused upstream (or by the cap): not charged
        await fail(ctx, record, ("submitting",), error.message_id, error.params, expect_token=token)
        return
    except Exception:
        # A bug, not an upstream answer. It may have happened after fal accepted the request,
        # so never resubmit on it: fail, and let the person /retry.
        log.exception("submit of %s failed unexpectedly", gen_id)
        await fail(ctx, record, ("submitting",), "error.internal", {}, expect_token=token)
        return
    handle = submitted.handle
    cost = submitted.cost_usd if submitted.cost_usd is not None else model.price_usd * record_count(record)
    if submitted.images is not None:
        # The images are in hand and only here: no status call may race this worker to them
        # (a poll would fetch from a provider that keeps nothing). Claim the fetch step now.
        due: float | None = now() + max(ctx.timing.submit_lease_s, ctx.timing.poll_lease_s)
        state = "fetching"
    else:
        # This process polls it from its own clock (worker/owned.py); pb:due holds the lease
        # (the claim's, while fresh: the owned polls' renewal pushes it on).
        state = "submitted"
        due = None if _claim_covers(ctx, claimed_at) else now() + ctx.timing.poll_lease_s
    submitted_at = now()
    handle_json = _json(handle.to_dict())
    # One script: the handle (fal has charged for it: retried through a Redis restart), the
    # booking settled to the answer's cost, in flight, and the webhook's request-id mapping
    # (only when fal was given a webhook: without one nothing reads it, two commands saved).
    hooked = job.webhook_url is not None
    done = await persist(lambda: Steps(ctx.redis).submitted(
        gen_id, token, state, due, handle_json, submitted_at, cost, model.key,
        key("req", handle.request_id) if hooked else None,
        early_wake_key(handle.request_id) if hooked else None,
        record_ttl_s(ctx.settings.retention_days)))
    if not done.written:
        # Cancelled (or given up) while we were submitting: keep the handle, stop upstream.
        ctx.redis.hset(gen_key(gen_id), "handle", handle_json)
        ledger.settle(gen_id, model.key, cost)  # charged all the same
        with contextlib.suppress(PortraitBotError):
            await provider.cancel(handle)
        return
    if done.settle_apart:
        ledger.settle(gen_id, model.key, cost)  # booked on another day, or not booked at all
    elif done.change_usd:
        name = "portraitbot_spend_usd_total" if done.change_usd > 0 else "portraitbot_spend_refunded_usd_total"
        ctx.tally.count(name, {"model": model.key}, abs(done.change_usd))
    if submitted.images is None:
        # The whole record, as the two scripts left it, is kept between polls: a finished
        # poll needs no read (the end's compare-and-set on state and token still decides).
        kept = Record(gen_id, {**record.fields, "state": "submitted", "token": token,
                               "attempts": str(attempts), "submitted_at": repr(submitted_at),
                               "handle": handle_json, "polls": "0"})
        ctx.owned.own(kept, submitted_at + ctx.timing.first_poll_delay(model.latency_s), 0)
    if done.woke:
        # fal finished and called the webhook before its submit answer reached us: poll now.
        ctx.redis.zadd(DUE, {gen_member(gen_id): now()}, xx=True)
    if submitted.images is not None:
        await finish(ctx, record, submitted.images, ("fetching",), expect_token=token,
                      compliant=bool(handle.data.get("id_compliant")))


_BACKGROUND: set[asyncio.Task[None]] = set()


def _background(coro: Coroutine[Any, Any, None]) -> None:
    """Run a courtesy (a progress note) beside the step; it handles its own errors."""
    task = asyncio.get_running_loop().create_task(coro)
    _BACKGROUND.add(task)
    task.add_done_callback(_BACKGROUND.discard)


def early_wake_key(request_id: str) -> str:
    """Set by the fal webhook for a request id no generation knows yet (see submit)."""
    return key("req", request_id, "woke")


async def _submit_failed_transiently(
    ctx: WorkerContext, record: Record, token: str, attempts: int, model: Model,
    error: TransientUpstreamError,
) -> None:
    if error.message_id.endswith(UNCERTAIN_SUBMIT_SUFFIX) and not is_free(model):
        await fail(ctx, record, ("submitting",), "generate.submit_lost", {}, expect_token=token)
        return
    if attempts > ctx.timing.submit_retries:
        Ledger(ctx.redis).refund(record.id, model.key)  # nothing was accepted upstream
        await fail(ctx, record, ("submitting",), error.message_id, error.params, expect_token=token)
        return
    # Nothing was accepted upstream: back in line; the sweep submits it again when due.
    delay = error.retry_after or min(30.0, 2.0**attempts)
    Records(ctx.redis).transition(
        gen_key(record.id), ("submitting",), "queued", expect_token=token, submit_sent_at="",
        not_before=now() + delay, due=(gen_member(record.id), now() + delay),
    )


def provider_job(ctx: WorkerContext, record: Record, model: Model) -> ProviderJob:
    """The provider's input for this part of the request (``engine.calls``, as the CLI's)."""
    request = GenerationRequest.from_dict(record.json("request", {}))
    references: list[bytes] = []
    for index, path in enumerate(record.references()):
        try:
            references.append(shared_files.local(path).read_bytes())
        except OSError:
            if index == 0:  # the main photo; another of the set gone (retention) is left out
                raise PermanentUpstreamError("generate.photo_gone") from None
    return calls.provider_job(request, model, ctx.styles, tuple(references),
                              chunk=int(record.number("chunk")), webhook_url=ctx.webhook_url(record.id))


def record_count(record: Record) -> int:
    return int(record.json("request", {}).get("count", 1) or 1)


# -- poll and fetch (run by the sweep) -------------------------------------------------------




async def poll(ctx: WorkerContext, light: Record, polls_before: int | None = None) -> None:
    """One status call for a submitted generation; reschedule it, or fetch the result.

    ``light`` is the record as this process last knew it (kept in memory since its submit or
    takeover, or only the poll's fields: then the whole record is read when the generation
    leaves this step). The next poll is this process's own (``worker/owned.py``: no Redis
    command until then; ``pb:due`` holds its lease), and the poll count is written when the
    generation moves on. A generation cancelled or forgotten meanwhile loses the end's
    compare-and-set, and what was fetched for it is deleted (``finish``)."""
    model = model_of(light)
    provider = ctx.providers.get(model.provider)
    handle = Handle.from_dict(light.json("handle"))
    elapsed = now() - light.number("submitted_at")
    overdue = elapsed > ctx.settings.generation_deadline_seconds
    # A paid request is asked at least once before the deadline can cancel it (the deadline
    # may be shorter than the first poll's delay: it may well be done by then).
    before = int(light.number("polls")) if polls_before is None else polls_before
    if provider is None or (overdue and before > 0):
        await _timed_out(ctx, _whole(ctx, light), provider, handle)
        return
    polls = before + 1
    try:
        status = await provider.poll(handle)
    except (TransientUpstreamError, PermanentUpstreamError) as error:
        if isinstance(error, PermanentUpstreamError) and not error.message_id.endswith(
            MAYBE_CHARGED_SUFFIX
        ):
            await fail(ctx, _whole(ctx, light), ("submitted", "running"), error.message_id,
                       error.params)
            return
        # Busy, or one unreadable status answer: the paid request is asked again until its
        # deadline rather than given up on.
        retry_after = error.retry_after if isinstance(error, TransientUpstreamError) else None
        ctx.owned.own(_light(light), now() + (retry_after or ctx.timing.poll_interval_max_s), polls)
        return
    except PortraitBotError as error:
        await fail(ctx, _whole(ctx, light), ("submitted", "running"), error.message_id, error.params)
        return
    if status.state == "done":
        if light["not_done_at"]:
            ctx.cadence.learn(model.key, light.number("not_done_at"))
        # Fetched straight away, no "fetching" step first: the lease this poll runs under
        # covers the download, and the move to delivering is the compare-and-set (a second
        # poller, after a wake-up or a takeover, fetches the same files and loses it).
        whole = _whole(ctx, light)
        if whole.state not in ("submitted", "running"):
            return  # read again (not kept whole): cancelled or forgotten since
        try:
            images = await provider.result(handle)
        except TransientUpstreamError:
            ctx.owned.own(_light(light), now() + ctx.timing.poll_interval_max_s, polls)  # again soon
            return
        except PortraitBotError as error:
            await fail(ctx, whole, ("submitted", "running"), error.message_id, error.params,
                       expect_token=whole["token"])
            return
        # Only for this attempt (its token): a late second poller of a result that the likeness
        # check already sent back for one more attempt must not send the new attempt back too.
        await finish(ctx, whole, images, ("submitted", "running"), expect_token=whole["token"], polls=polls)
        return
    if overdue:
        await _timed_out(ctx, _whole(ctx, light), provider, handle)
        return
    window = ctx.cadence.window(model.key)
    delay = (ctx.timing.next_poll_delay(elapsed, model.latency_s) if window is None
             else ctx.timing.learned_poll_delay(elapsed, *window))
    kept = _light(light)
    kept.fields["not_done_at"] = repr(elapsed)  # in memory only: what the cadence learns
    ctx.owned.own(kept, now() + delay, polls)


def _whole(ctx: WorkerContext, record: Record) -> Record:
    """The whole record, when a step needs more than the poll's fields."""
    if "request" in record.fields:
        return record  # kept whole since its submit, or read whole (the sweep's takeover)
    return Records(ctx.redis).gen(record.id) or Record(record.id, {})


def _light(record: Record) -> Record:
    """The record kept in memory until the next poll (a copy: ``not_done_at`` is added)."""
    return Record(record.id, dict(record.fields))


async def _timed_out(ctx: WorkerContext, record: Record, provider: Provider | None,
                     handle: Handle) -> None:
    if provider is not None:
        with contextlib.suppress(PortraitBotError):
            await provider.cancel(handle)
    await fail(ctx, record, ("submitted", "running"), "generate.timed_out",
               {"minutes": max(1, round(ctx.settings.generation_deadline_seconds / 60))})


async def fetch(
    ctx: WorkerContext, record: Record, provider: Provider, handle: Handle, token: str
) -> None:
    """Download the finished images and hand the generation to its group's delivery."""
    try:
        images = await provider.result(handle)
    except TransientUpstreamError:
        return  # the lease runs out and the sweep fetches again (results are free)
    except PortraitBotError as error:
        await fail(ctx, record, ("fetching",), error.message_id, error.params, expect_token=token)
        return
    await finish(ctx, record, images, ("fetching",), expect_token=token)


async def refetch(ctx: WorkerContext, record: Record) -> None:
    """A fetch whose worker died: claim it with a new token and fetch again."""
    model = model_of(record)
    provider = ctx.providers.get(model.provider)
    if now() - record.number("submitted_at") > 2 * ctx.settings.generation_deadline_seconds:
        # Results are free to fetch again, but not forever.
        await fail(ctx, record, ("fetching",), "generate.download_failed", {})
        return
    token = new_id()
    if provider is None or not Records(ctx.redis).transition(
        gen_key(record.id), ("fetching",), "fetching", token=token,
        due=(gen_member(record.id), now() + ctx.timing.poll_lease_s),
    ):
        return
    await fetch(ctx, record, provider, Handle.from_dict(record.json("handle")), token)


async def recover_submit(ctx: WorkerContext, record: Record) -> None:
    """A submit whose process died (its lease ran out): resubmit only when that cannot charge
    twice. A live process renews the lease of every submit it has on the wire, and the
    takeover checks the lease in the same script (worker/submits.py), so a slow submit is
    never failed (or cancelled) under its owner's feet."""
    records = Records(ctx.redis)
    model = model_of(record)
    if record["handle"]:
        return  # the handle was kept by a losing race; the record's state decides
    token = new_id()
    taken = take_over(ctx.redis, record.id, record["token"], token, ctx.timing.submit_lease_s)
    if taken is False:
        return  # moved on, or taken by another process
    if taken is not True:
        # Its process is alive (or may be): look again when the lease ends.
        records.transition(gen_key(record.id), ("submitting",), None, expect_token=record["token"],
                           due=(gen_member(record.id), float(taken)))
        return
    # Read again under the new token: submit_sent_at may have been stamped since the read.
    current = records.gen(record.id) or record
    if current["submit_sent_at"] and not is_free(model):
        await fail(ctx, current, ("submitting",), "generate.submit_lost", {}, expect_token=token)
        return
    if records.transition(
        gen_key(record.id), ("submitting",), "queued", expect_token=token, submit_sent_at="",
        due=(gen_member(record.id), now()),
    ):
        await submit(ctx, record.id)


def _json(value: Any) -> str:
    import json

    return json.dumps(value, separators=(",", ":"))
