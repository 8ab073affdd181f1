"""Logging for every process: one JSON line per event, secrets redacted on the way out.

The redaction filter sits on the handler, so it sees every record from every library
(httpx, telegram, rq, uvicorn). It replaces each configured secret value, and anything
shaped like a Telegram bot token or an ``Authorization`` value, with ``***``.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from collections.abc import Iterable

TOKEN_SHAPES = (
    re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{30,}\b"),  # Telegram bot tokens (also inside /bot<token>/ URLs)
    re.compile(r"(?i)(authorization[\"']?\s*[:=]\s*[\"']?(?:key|bearer)\s+)[^\s\"',]+"),
    re.compile(r"(?i)((?:access_token|secret|appsecret|apiKey|api_key)=)[^&\s\"']+"),
)
CONTEXT_FIELDS = ("generation_id", "request_id", "channel", "person", "job_id", "model", "state")
"""Extra fields a log call may pass (``extra={...}``) that are kept in the JSON line."""
NOISY_LOGGERS = ("httpx", "httpcore", "telegram.ext.Updater", "apscheduler")
"""httpx logs request URLs at INFO, and Telegram URLs carry the bot token."""


class RedactSecrets(logging.Filter):
    """Rewrites each record's message with every secret replaced by ``***``."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def scrub(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        text = TOKEN_SHAPES[0].sub("***", text)
        for shape in TOKEN_SHAPES[1:]:
            text = shape.sub(lambda m: m.group(1) + "***", text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info:
            message += "\n" + logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
            record.exc_text = None
        record.msg = self.scrub(message)
        record.args = None
        return True


class JsonLines(logging.Formatter):
    """``{"ts":…, "level":…, "logger":…, "msg":…, "generation_id":…}`` one per line."""

    def format(self, record: logging.LogRecord) -> str:
        event = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for name in CONTEXT_FIELDS:
            if hasattr(record, name):
                event[name] = getattr(record, name)
        return json.dumps(event, ensure_ascii=False, default=str)


def setup_logging(level: str, secrets: Iterable[str], stream: object = None) -> logging.Handler:
    """Install the one handler on the root logger; returns it (tests attach to it)."""
    handler = logging.StreamHandler(stream or sys.stderr)  # type: ignore[arg-type]
    handler.setFormatter(JsonLines())
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    return handler
