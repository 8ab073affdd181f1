"""The optional language-model fallback's pure half: what the model is told and how its
answer is checked. The call itself (fal, a time cap, a daily count) is ``engine.intent_llm``.

The model answers one JSON object in the intent schema (``SCHEMA``). Anything else is
refused: text around the object, a key the schema lacks, an action, style, spec or ratio we do
not have, a count out of range, a scene or prompt over 300 characters. A picture the model
reads is never sure: its confidence stays below ``ASK_BELOW``, so the bot asks back with
buttons before anything paid starts.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import replace
from typing import Any

from core.idspecs import SPECS
from core.models import ALL_ASPECT_RATIOS
from core.request import ASK_BELOW, MAX_COUNT, Intent

ANSWER_ACTIONS = ("generate", "choose", "help", "cancel", "chat", "unknown")
"""Actions the model may answer; series, expression edits and the rest stay with the rules."""
MAX_TEXT = 300
"""Longest scene or prompt taken from the model, as from the rules."""
LLM_CONFIDENCE = round(ASK_BELOW - 0.05, 2)
"""Confidence given to a picture the model read: below ``ASK_BELOW``, so it is asked back."""
SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["action"],
    "properties": {
        "action": {"enum": list(ANSWER_ACTIONS)},
        "style": {"type": ["string", "null"], "description": "a style key from the list"},
        "count": {"type": ["integer", "null"], "minimum": 1, "maximum": MAX_COUNT},
        "aspect_ratio": {"enum": [*ALL_ASPECT_RATIOS, None]},
        "scene": {"type": ["string", "null"], "maxLength": MAX_TEXT},
        "prompt": {"type": ["string", "null"], "maxLength": MAX_TEXT},
        "id_spec": {"enum": [*SPECS, None]},
        "choices": {"type": ["array", "null"], "items": {"type": "string"},
                    "minItems": 2, "maxItems": 6},
    },
}
"""The intent schema the model's answer must match (a JSON Schema, shown to the model)."""


def system_prompt(style_keys: Collection[str]) -> str:
    """What the model is told: the task, the schema and the style keys it may name."""
    return (
        "You read one chat message sent to a portrait bot (it turns a selfie into portraits) "
        "and answer ONLY one JSON object, no other text, matching this JSON Schema:\n"
        + json.dumps(SCHEMA, separators=(",", ":"))
        + "\nActions: generate (a picture is asked for; style is one key below or null, "
        "scene the setting or wishes in the person's words, prompt a whole custom look), "
        "choose (two or more styles offered as alternatives, in choices), help (a question "
        "about the bot), cancel (calling it off), chat (thanks, greetings, small talk), "
        "unknown (anything else). The message may be in any language. Style keys: "
        + ", ".join(sorted(style_keys)) + "."
    )


def parse_answer(text: str, style_keys: Collection[str]) -> Intent | None:
    """The model's answer as an ``Intent``, or None when it breaks the schema."""
    try:
        data = json.loads(text.strip())
    except (ValueError, AttributeError):
        return None
    if not isinstance(data, dict) or not _valid(data, style_keys):
        return None
    intent = Intent(
        action=data["action"], style=data.get("style"), count=data.get("count"),
        aspect_ratio=data.get("aspect_ratio"), scene=_text(data.get("scene")),
        prompt=_text(data.get("prompt")), id_spec=data.get("id_spec"),
        choices=tuple(data["choices"]) if data.get("choices") else None,
    )
    if intent.action == "generate":
        return replace(intent, confidence=LLM_CONFIDENCE)
    if intent.action == "unknown":
        return replace(intent, confidence=0.0)
    return intent


def _text(value: Any) -> str | None:
    return (" ".join(value.split()) or None) if isinstance(value, str) else None


def _valid(data: dict[str, Any], style_keys: Collection[str]) -> bool:
    properties: dict[str, Any] = SCHEMA["properties"]
    if set(data) - set(properties) or data.get("action") not in ANSWER_ACTIONS:
        return False
    style, count = data.get("style"), data.get("count")
    if style is not None and style not in style_keys:
        return False
    if count is not None and (isinstance(count, bool) or not isinstance(count, int)
                              or not 1 <= count <= MAX_COUNT):
        return False
    if data.get("aspect_ratio") not in properties["aspect_ratio"]["enum"]:
        return False
    if data.get("id_spec") not in properties["id_spec"]["enum"]:
        return False
    for name in ("scene", "prompt"):
        value = data.get(name)
        if value is not None and (not isinstance(value, str) or len(value) > MAX_TEXT):
            return False
    choices = data.get("choices")
    if choices is not None:
        if (not isinstance(choices, list) or not 2 <= len(choices) <= 6
                or not all(isinstance(c, str) and c in style_keys for c in choices)):
            return False
        if data["action"] != "choose":
            return False
    elif data["action"] == "choose":
        return False
    return True
