"""The optional language-model fallback's call: one message to fal's LLM endpoint
(``fal-ai/any-llm``, through the same queue as the pictures: submit, poll, result) under a
hard time cap. The answer is checked by ``core.intent.llm``; anything late, failed or invalid
is None, and the caller keeps the rules' reading. Off unless ``INTENT_LLM_MODEL`` and
``FAL_KEY`` are both set; the daily count is the caller's (``bot.llm_fallback``).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Collection
from typing import Any

import httpx

from core.intent.llm import parse_answer, system_prompt
from core.request import Intent
from core.settings import Settings

log = logging.getLogger(__name__)

ENDPOINT = "fal-ai/any-llm"
"""fal's LLM endpoint: input ``model``, ``prompt``, ``system_prompt``; output ``output``."""
POLL_EVERY_S = 0.15


class IntentLLM:
    """Asks the operator's chosen model what one message wants, within ``timeout_s``."""

    def __init__(self, settings: Settings, client: httpx.Client | None = None) -> None:
        self.model = settings.intent_llm_model
        self.timeout_s = settings.intent_llm_timeout_s
        self._key = settings.fal_key
        self._base = settings.fal_queue_url.rstrip("/")
        self._client = client or httpx.Client()

    @staticmethod
    def configured(settings: Settings) -> bool:
        return bool(settings.intent_llm_model and settings.fal_key)

    def ask(self, text: str, style_keys: Collection[str]) -> Intent | None:
        """The model's reading of ``text``, or None (late, failed, or not in the schema)."""
        deadline = time.monotonic() + self.timeout_s
        body = {"model": self.model, "prompt": text, "system_prompt": system_prompt(style_keys)}
        try:
            answer = self._run(body, deadline)
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            log.warning("intent LLM gave no answer: %s", type(exc).__name__)
            return None
        if answer is None:
            log.warning("intent LLM gave no answer within %.1f s", self.timeout_s)
            return None
        intent = parse_answer(answer, style_keys)
        if intent is None:
            log.warning("intent LLM answer refused: not in the intent schema")
        return intent

    def _run(self, body: dict[str, Any], deadline: float) -> str | None:
        submitted = self._call("POST", f"{self._base}/{ENDPOINT}", deadline, json=body)
        if submitted is None:
            return None
        request_id = submitted["request_id"]
        base = f"{self._base}/{ENDPOINT}/requests/{request_id}"
        status_url = self._ours(submitted.get("status_url")) or base + "/status"
        response_url = self._ours(submitted.get("response_url")) or base
        while True:
            status = self._call("GET", status_url, deadline)
            if status is None:
                self._cancel(base + "/cancel")
                return None
            if status.get("status") == "COMPLETED":
                if status.get("error"):
                    return None
                break
            if time.monotonic() + POLL_EVERY_S >= deadline:
                self._cancel(base + "/cancel")
                return None
            time.sleep(POLL_EVERY_S)
        result = self._call("GET", response_url, deadline)
        if result is None or result.get("error"):
            return None
        output = result.get("output")
        return output if isinstance(output, str) else None

    def _call(self, method: str, url: str, deadline: float,
              json: dict[str, Any] | None = None) -> dict[str, Any] | None:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        try:
            response = self._client.request(
                method, url, json=json, timeout=httpx.Timeout(left),
                headers={"Authorization": f"Key {self._key.reveal()}"})
        except httpx.TimeoutException:
            return None
        if response.status_code >= 400:
            log.warning("intent LLM: fal answered %s", response.status_code)
            return None
        data = response.json()
        return data if isinstance(data, dict) else None

    def _cancel(self, url: str) -> None:
        """Best effort, briefly: a late answer is not wanted any more."""
        with contextlib.suppress(httpx.HTTPError):
            self._client.put(url, timeout=httpx.Timeout(0.5),
                             headers={"Authorization": f"Key {self._key.reveal()}"})

    def _ours(self, url: Any) -> str | None:
        """A URL from fal's answer, only when it is on our queue root (the key goes there)."""
        return url if isinstance(url, str) and url.startswith(self._base + "/") else None
