"""The RQ side: queue name, and enqueueing the chain's short jobs.

Jobs carry only record ids (JSON serializer, no pickle); everything else is in the records.
Each enqueue gets a fresh job id (``submit-<gen>-<nonce>``): re-using an id would let a
finishing run of the same id overwrite a scheduled retry's job hash. Duplicate runs are
harmless because every step is idempotent on its record.
"""

from __future__ import annotations

import uuid

import redis
from rq import Queue
from rq.serializers import JSONSerializer

QUEUE_NAME = "portraitbot"
"""The one queue of short jobs (cancel, the WeChat channels' own); submits and deliveries
are the sweep's, one owner per step."""
JOB_TIMEOUT_S = 180
"""A single step never takes longer than this; a slower one is killed and its lease retries it."""
RESULT_TTL_S = 60
"""Results are not used (state is in the records); keep them a minute for debugging."""
CANCEL_JOB = "worker.jobs.cancel_job"
ENDED_JOB = "worker.jobs.ended_job"


def queue(redis_client: redis.Redis) -> Queue:
    return Queue(QUEUE_NAME, connection=redis_client, serializer=JSONSerializer)


def enqueue_cancel(redis_client: redis.Redis, gen_id: str, failure_ttl: int) -> None:
    """Ask a worker to stop a cancelled generation upstream (the bot holds no provider client)."""
    queue(redis_client).enqueue(
        CANCEL_JOB, args=(gen_id,), job_id=f"cancel-{gen_id}-{uuid.uuid4().hex[:8]}",
        job_timeout=JOB_TIMEOUT_S, result_ttl=RESULT_TTL_S, failure_ttl=failure_ttl,
    )


def enqueue_ended(redis_client: redis.Redis, group_id: str, stage: str, failure_ttl: int) -> None:
    """Ask a worker to edit a request's acknowledgement to say how it ended (the bot process
    holds no channel senders)."""
    queue(redis_client).enqueue(
        ENDED_JOB, args=(group_id, stage), job_id=f"ended-{group_id}-{uuid.uuid4().hex[:8]}",
        job_timeout=JOB_TIMEOUT_S, result_ttl=RESULT_TTL_S, failure_ttl=failure_ttl,
    )


def depth(redis_client: redis.Redis) -> int:
    """Jobs waiting in the queue."""
    return queue(redis_client).count
