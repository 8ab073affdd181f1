"""Refining one result: "more like this", "vertical version", "square version" and "another
style" on that picture. Each is the picture's own request made again with the picture itself as the reference
photo (so the look carries over), in a tall frame for the vertical version and in the chosen
style for another style. The button names the picture by its generation and number
(``more:<generation id>.<n>``); only the person it was made for can use it."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

from bot.commands import Conversation
from bot.messages import Reply
from core.chat import ChatTarget
from core.request import GenerationRequest, Intent
from worker.store import Reference, Session

ACTIONS = ("more", "tall", "square", "restyle")
"""Button actions this module answers."""
VERTICAL = "9:16"
"""The vertical version's frame: a phone screen, tall enough to differ from a 3:4 portrait."""
SQUARE = "1:1"
"""The square version's frame (a profile picture)."""


def press(conv: Conversation, action: str, value: str, target: ChatTarget, session: Session) -> list[Reply]:
    """Start the refinement ``action`` of the picture ``value`` names, or say the button expired."""
    ref, style = value, ""
    if action == "restyle":  # restyle:<generation id>.<n>.<style key>
        ref, _, style = value.rpartition(".")
    found = _picture(conv, ref, target)
    if found is None or (action == "restyle" and conv.styles.get(style) is None):
        return [Reply(conv.say(target, "conv.expired_button"))]
    path, request = found
    known = request.style if conv.styles.get(request.style) is not None else None
    intent = Intent(action="generate", style=known, model=request.model, count=1,
                    aspect_ratio=request.aspect_ratio, scene=request.scene, prompt=request.prompt,
                    id_spec=request.id_spec, background=request.background, outfit=request.outfit,
                    go_anyway=True)
    if action in ("tall", "square"):
        intent = replace(intent, aspect_ratio=VERTICAL if action == "tall" else SQUARE)
    elif action == "restyle":
        intent = Intent(action="generate", style=style, model=request.model, count=1, scene=request.scene,
                        go_anyway=True)
    # This request only: the person's stored selfie stays their reference for what comes next.
    with_picture = replace(session, reference=Reference(path=str(path), received_at=time.time()))
    return conv.start(intent, target, with_picture)


def _picture(conv: Conversation, ref: str, target: ChatTarget) -> tuple[Path, GenerationRequest] | None:
    """The picture's file and the request it was made from, when it is the person's and kept."""
    generation_id, _, number = ref.partition(".")
    if not generation_id.isalnum() or not number.isdigit():
        return None
    record = conv.queue.records.gen(generation_id)
    if record is None or record["person_id"] != target.person_id:
        return None
    outputs = record.json("outputs", [])
    index = int(number) - 1
    if not 0 <= index < len(outputs) or index in record.json("documents", []):
        return None
    path = Path(outputs[index])
    if not path.is_file():
        return None
    return path, GenerationRequest.from_dict(record.json("request", {}))
