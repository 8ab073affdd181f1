"""A fake of fal's LLM endpoint, ``fal-ai/any-llm``, on the same queue protocol as the fake
fal queue (submit, status, result, cancel; ``Authorization: Key …``; 422 on a bad input).

Input ``{model, prompt, system_prompt?, reasoning?}``; output ``{output, reasoning, partial,
error}`` as fal's schema has it. Knobs: ``answers`` (the text each next request outputs,
popped in order; then ``default_answer``) and every knob of ``FakeFalQueue`` (``hang``,
``delay``, ``submit_failures``…). Records: ``prompts`` (what each accepted request asked).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tests.fakes.fal_queue import FakeFalQueue, FakeRequest

ENDPOINT = "fal-ai/any-llm"


@dataclass
class FakeFalLLM(FakeFalQueue):
    """The fake queue answering ``fal-ai/any-llm`` with scripted text."""

    answers: list[str] = field(default_factory=list)
    default_answer: str = '{"action": "unknown"}'
    prompts: list[str] = field(default_factory=list)

    async def _submit(self, request: Request, parts: list[str]) -> Response:
        if "/".join(parts) != ENDPOINT:
            return JSONResponse({"detail": "Not Found"}, status_code=404)
        try:
            body = json.loads(await request.body() or b"null")
        except ValueError:
            body = None
        problems = _validate(body)
        if problems:
            return JSONResponse({"detail": problems}, status_code=422)
        answer = await super()._submit(request, parts)
        if answer.status_code == 200:
            self.prompts.append(body["prompt"])
        return answer

    def _finish(self, fake: FakeRequest, base_url: str) -> None:
        with self._lock:
            if fake.output is not None or fake.error is not None:
                return
            if self.completed_error is not None:
                fake.error = self.completed_error
                return
            text = self.answers.pop(0) if self.answers else self.default_answer
            fake.output = {"output": text, "reasoning": None, "partial": False, "error": None}


def _validate(body: Any) -> list[dict[str, Any]]:
    if not isinstance(body, dict):
        return [{"loc": ["body"], "msg": "Input should be a valid dictionary", "type": "dict_type"}]
    problems = []
    if not isinstance(body.get("prompt"), str) or not body["prompt"]:
        problems.append({"loc": ["body", "prompt"], "msg": "Field required", "type": "missing"})
    for name in ("model", "system_prompt"):
        if name in body and not isinstance(body[name], str):
            problems.append({"loc": ["body", name], "msg": "Input should be a valid string",
                             "type": "string_type"})
    return problems


@pytest.fixture
def fake_fal_llm() -> Iterator[tuple[FakeFalLLM, str]]:
    """A running fake fal LLM: (fake, base URL for FAL_QUEUE_URL)."""
    fake = FakeFalLLM()
    with fake.serve() as url:
        yield fake, url
