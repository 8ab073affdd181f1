"""Offering styles to choose from and reading the answer: buttons, "the beach one", a number."""

from __future__ import annotations

import random

from core.chat import Button, ButtonAction, Buttons
from core.request import Intent
from core.styles import Catalogue
from worker.store import Pending

SHORT_ANSWER_WORDS = 4
"""A reply to "which one?" this short ("beach", "the city one") is read against the choices."""


def style_buttons(styles: Catalogue, keys: tuple[str, ...] | list[str], target_language: str | None,
                  *, columns: int) -> Buttons:
    """One button per known style, ``columns`` to a row, labelled in the person's language."""
    buttons = []
    for key in keys:
        style = styles.get(key)
        if style is not None:
            label = f"{style.emoji} {style.name(target_language)}".strip()
            buttons.append(Button.of(label, ButtonAction.style, key))
    return tuple(tuple(buttons[i : i + columns]) for i in range(0, len(buttons), columns))


def pick_by_words(styles: Catalogue, text: str, intent: Intent, pending: Pending) -> str | None:
    """The offered choice a short answer names ("beach", "海滩", "the city one"), if exactly one."""
    choices = [c for c in pending.intent.get("choices") or [] if styles.get(c) is not None]
    if intent.style in choices:
        return intent.style
    plain = text.lower()
    if len(plain.split()) > SHORT_ANSWER_WORDS or len(plain) > 24:
        return None  # a new request ("actually make me a watercolor"), not an answer
    named = [c for c in choices if any(term and term in plain for term in choice_terms(styles, c))]
    return named[0] if len(named) == 1 else None


def choice_terms(styles: Catalogue, key: str) -> set[str]:
    """What tells one choice from its siblings: the last part of its names, its keywords."""
    style = styles.get(key)
    assert style is not None
    terms = {key.rsplit("_", 1)[-1].lower()}
    for name in (style.name_en, style.name_zh):
        tail = name.replace("—", "·").split("·")[-1].strip().lower()
        terms.add(tail.strip("()（）"))
    terms.update(k.lower() for k in style.keywords)
    return {t for t in terms if len(t) >= 2}


def random_prompts(count: int) -> list[tuple[str, int]]:
    """``count`` made-up people (prompt, seed) for "random faces" requests."""
    from core.faces import random_face_prompts

    rng = random.Random()
    # A pair is one made-up person with two expressions; one prompt per pair gives N people.
    faces = random_face_prompts(rng, pairs=count)[::2]
    return [(face.prompt, face.seed) for face in faces][:count]
