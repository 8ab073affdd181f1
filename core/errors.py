"""The one error tree of PortraitBot.

Every error carries a ``message_id`` (a key in the ``locales/`` catalogues) and the
``params`` that fill its placeholders, so the edge can tell the person what went wrong in
their language. Nothing here holds a secret: never put a key or token into ``params``.

    PortraitBotError
    ├── UserInputError            shown to the person, never retried (bad photo, bad text)
    ├── UpstreamError
    │   ├── TransientUpstreamError  retried with backoff (5xx, 429, timeouts, network)
    │   └── PermanentUpstreamError  shown, not retried (402 credits, 403, 422, FAILED)
    ├── QuotaError                 shown with when it resets; nothing was spent
    └── ConfigError                the operator's settings are wrong; stops start-up
"""

from __future__ import annotations

from typing import Any


class PortraitBotError(Exception):
    """Base of every error the product raises on purpose."""

    default_message_id = "error.internal"

    def __init__(self, message_id: str | None = None, /, **params: Any) -> None:
        self.message_id = message_id or self.default_message_id
        self.params: dict[str, Any] = params
        super().__init__(self.message_id)

    def __str__(self) -> str:
        if not self.params:
            return self.message_id
        shown = ", ".join(f"{k}={v!r}" for k, v in sorted(self.params.items()))
        return f"{self.message_id} ({shown})"


class UserInputError(PortraitBotError):
    """Something the person sent cannot be used; tell them what to send instead."""

    default_message_id = "error.bad_input"


class UpstreamError(PortraitBotError):
    """A provider or chat platform did not do what we asked."""

    default_message_id = "error.upstream"


class TransientUpstreamError(UpstreamError):
    """Worth retrying: network trouble, 5xx, 429. ``retry_after`` is seconds, if known."""

    default_message_id = "error.upstream_busy"

    def __init__(
        self, message_id: str | None = None, /, *, retry_after: float | None = None, **params: Any
    ) -> None:
        super().__init__(message_id, **params)
        self.retry_after = retry_after


class PermanentUpstreamError(UpstreamError):
    """Retrying will not help; show the person the reason."""

    default_message_id = "error.upstream_failed"


class QuotaError(PortraitBotError):
    """A limit was reached; ``params`` say which and when it resets."""

    default_message_id = "error.quota"


class ConfigError(PortraitBotError):
    """The operator's configuration is invalid. ``detail`` is plain English for a log."""

    default_message_id = "error.config"

    def __init__(self, detail: str) -> None:
        super().__init__(self.default_message_id, detail=detail)
        self.detail = detail

    def __str__(self) -> str:
        return self.detail
