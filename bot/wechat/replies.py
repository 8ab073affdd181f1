"""Conversation replies (and held results) as one WeChat passive reply.

A passive reply is a single message: a text or an image. Texts of several replies are merged,
their buttons numbered across them; anything that cannot ride in the passive reply -- the
texts beside a held image, images a reply carries -- is pushed afterwards by a follow-up job.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.messages import Reply
from bot.wechat.render import clip, flatten, with_choices
from core.chat import Button


@dataclass(frozen=True)
class Passive:
    """The one message that answers a callback: a text, an image, or nothing ("success")."""

    text: str = ""
    media_id: str = ""


@dataclass(frozen=True)
class Rendered:
    """Texts and replies merged into one text, and what each number of its list stands for."""

    text: str
    callbacks: tuple[str, ...] = ()


def merge(texts: list[str], replies: list[Reply], choose_prompt: str, hint: str = "") -> Rendered:
    """One text from leading texts and replies; buttons numbered across all of them."""
    parts = [t for t in texts if t] + [r.text for r in replies if r.text]
    buttons = [Button(label, data) for reply in replies for label, data in flatten(reply.buttons)]
    text = "\n\n".join(parts)
    if buttons:
        text = with_choices(text, choose_prompt, (tuple(buttons),))
    if hint:
        text = f"{text}\n\n{hint}" if text else hint
    return Rendered(clip(text) if text else "", tuple(b.data for b in buttons))


def images_of(replies: list[Reply]) -> list[str]:
    """Paths of the images the replies carry."""
    return [str(path) for reply in replies for path in reply.images]
