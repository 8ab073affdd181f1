"""Keep the bot token out of logs: Telegram URLs carry it (``/bot<token>/sendPhoto``)."""

from __future__ import annotations

import logging

QUIET_LOGGERS = ("httpx", "httpcore")
"""httpx logs every request URL at INFO; with the token in the path that is a leak."""
REDACTED = "<telegram-token>"


class RedactToken(logging.Filter):
    """Replaces one secret in a record's message and traceback before any handler sees it."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.secret in message:
            record.msg, record.args = message.replace(self.secret, REDACTED), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and self.secret in record.exc_text:
            record.exc_text = record.exc_text.replace(self.secret, REDACTED)
        return True


def protect_logs(token: str) -> None:
    """Silence httpx INFO and redact ``token`` on every telegram/httpx logger that exists.

    A filter on a logger sees only records created on that very logger, so it goes on each
    one (python-telegram-bot creates its loggers at import, so they all exist by now).
    """
    import telegram.ext  # noqa: F401  (creates the library's loggers)

    for name in QUIET_LOGGERS:
        if logging.getLogger(name).getEffectiveLevel() < logging.WARNING:
            logging.getLogger(name).setLevel(logging.WARNING)
    if not token:
        return
    names = [
        name for name in list(logging.Logger.manager.loggerDict)
        if name.split(".")[0] in ("telegram", "httpx", "httpcore", "bot", "worker", "apscheduler")
    ]
    for name in ["telegram", *QUIET_LOGGERS, *names]:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactToken) and f.secret == token for f in logger.filters):
            logger.addFilter(RedactToken(token))
