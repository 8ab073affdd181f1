"""``Evidence``: what one message says, read once and shared by the rules of ``rules``.

The parameters every reading needs (model, count, ratio, the slash command's meaning, the
spans that are no content) are read up front; the costlier readings (a backdrop, a written
description, the style hits) only when a rule first asks for them, each once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import cached_property

from core.intent import style_words
from core.intent.background import Backdrop, background_change, scene_words
from core.intent.crafted import crafted, detail_clauses
from core.intent.describe import (
    content_left,
    custom_description,
    filler_spans,
    hits_spans,
    noise_spans,
)
from core.intent.matcher import Found, Hit
from core.intent.numbers import find_count
from core.intent.own_scene import BECOME, own_picture, style_in_description
from core.intent.parameters import aspect_ratio, count_spans, model_named
from core.intent.primary import distinct, in_format, in_scene, is_purpose
from core.intent.style_choice import all_style_keys, chosen_style, command_meaning, style_hits
from core.request import Intent

_PICTURE_KINDS = frozenset({"style", "photo", "family", "medium", "id"})
"""Hits that name a picture: a number word right before one counts pictures."""
_FOR_ME = re.compile(r"\b(?:of|for) me\b")
"""A photo "of me" is asked for, however nice ("a nice photo of me")."""


_SUBJECTS = frozenset({"style:pet_together", "style:family_photo", "style:child_portrait"})
"""Styles named by who is in the picture: a number right before them counts dogs or children
("hai con chó", "dua anjingku", "two kids"), not pictures."""


class Evidence:
    """One message's hits and the readings the rules decide from."""

    def __init__(self, found: Found, command: str | None,
                 extra: Mapping[str, Sequence[str]]) -> None:
        self.found = found
        self.command = command
        self.extra = extra
        ratio_spans: list[tuple[int, int]] = []
        model, model_spans = model_named(found)
        ratio = aspect_ratio(found, ratio_spans)
        masked = model_spans + ratio_spans + hits_spans(found.of("spec")) + hits_spans(
            [h for h in found.hits if h.kind == "style" and re.search(r"\d", h.phrase)])
        pictures = frozenset(h.start for h in found.hits if h.kind in _PICTURE_KINDS
                             and h.label not in _SUBJECTS)
        self.count = find_count(found.text, found.tokens, masked, pictures)
        self.base = Intent(model=model, count=self.count, aspect_ratio=ratio,
                           go_anyway=found.has("go"))
        """The parameters said, whatever the action turns out to be."""
        self.noise = noise_spans(found, model_spans + ratio_spans + count_spans(found, masked)
                                 + found.negated)
        """Spans that are no content: model, ratio and count words, negated words."""
        self.forced = command_meaning(command, extra)
        """What the slash command means (an action, a style or family key), if any."""

    @cached_property
    def backdrop(self) -> Backdrop | None:
        """A new background asked for ("白底换成蓝底", "on a grey background")."""
        return background_change(self.found)

    @property
    def new_colour(self) -> str | None:
        return self.backdrop.colour if self.backdrop else None

    @cached_property
    def written(self) -> tuple[str, bool] | None:
        """A picture described in the person's own words (``crafted``): (text, is_scene)."""
        return None if self.forced else crafted(self.found, self.noise)

    @cached_property
    def styles(self) -> list[Hit]:
        """Style hits, dating words and venues combined into the dating vibe."""
        return style_hits(self.found, self.forced)

    @cached_property
    def strong(self) -> list[Hit]:
        """Style hits that name a style on their own (not only hint at one)."""
        return [h for h in self.styles if not h.weak]

    @cached_property
    def named(self) -> list[str]:
        return distinct(self.strong)

    @cached_property
    def listed(self) -> list[Hit]:
        """Styles named as looks of their own: not a setting, purpose or format (a dating
        vibe is a look wherever it is named)."""
        found = self.found
        return [h for h in self.styles if h.value.startswith("dating_")
                or (not in_scene(found, h) and not is_purpose(found, h)
                    and not in_format(found, h))]

    @cached_property
    def custom(self) -> tuple[str, int, int] | None:
        """A look the catalogue lacks ("me as a knight"): (description, start, end)."""
        return custom_description(self.found, self.noise)

    @cached_property
    def commanded(self) -> bool:
        """Whether the slash command names a style ("/anime")."""
        return bool(self.forced and self.forced in all_style_keys(self.extra))

    @cached_property
    def own(self) -> str | None:
        """The person's description when it names something no preset covers and no style
        command overrides it ("me as a knight"); None otherwise."""
        custom, found = self.custom, self.found
        if not custom or self.commanded or style_in_description(found, self.strong, custom[1],
                                                                 custom[2]):
            return None
        become = [h for h in self.styles if h.value in style_words.PET_STYLES
                  and custom[1] <= h.start and BECOME.search(found.text[:custom[1]])]
        return own_picture(found, custom, self.noise + filler_spans(found)
                           + hits_spans(found.of("expr"))
                           + hits_spans([h for h in self.styles if h not in become]))

    @cached_property
    def families(self) -> set[str]:
        """Style families named (or commanded) without a member: dating, travel, ..."""
        families = {h.value for h in self.found.of("family")}
        if self.forced in style_words.FAMILY_CHOICES:
            families.add(self.forced)
        return families

    def asks(self, *, any_command: bool = False) -> bool:
        """Whether the words ask for a picture: a picture noun, "of me", a command (one that
        means something, or with ``any_command`` any at all), or a request verb that is more
        than a polite opener ("can you tell me a joke" is not)."""
        found = self.found
        command = self.command if any_command else self.forced
        return bool(found.has("photo") or self.verbs() or command
                    or _FOR_ME.search(found.text))

    def verbs(self) -> list[Hit]:
        """Request words that ask for something, not polite openers ("could you")."""
        politeness = hits_spans(self.found.of("filler"))
        return [h for h in self.found.of("request") if (h.start, h.end) not in politeness]

    def only_small_talk(self) -> bool:
        """Greetings and thanks with nothing asked ("nice pic, thanks!")."""
        found = self.found
        if (not (found.has("talk") or found.has("praise")) or found.has("request")
                or _FOR_ME.search(found.text)):
            return False
        chatter = [h for h in found.hits if h.kind in ("talk", "praise", "photo")]
        return not content_left(found.text, hits_spans(chatter))

    def new_background(self, backdrop: Backdrop) -> Intent:
        """A picture with a new background (see ``background``): the style named outside
        the background's words, else the default; the background is the scene."""
        found, forced = self.found, self.forced
        styles = [h for h in style_hits(found, forced)
                  if not backdrop.start <= h.start < backdrop.end]
        key = (chosen_style(styles, forced, self.extra, found)
               if self.commanded or any(not h.weak for h in styles) else None)
        scene = scene_words(backdrop)
        details = detail_clauses(found, key) if key else None
        if scene and details and scene in details:
            scene = details  # "navy blazer, light grey background": the clothes too
        return replace(self.base, action="generate", style=key, scene=scene,
                       background=backdrop.colour)
