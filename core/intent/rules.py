"""The recogniser's rule table: ``RULES`` are tried in order and the first that answers
decides; then each of ``ADJUSTMENTS`` that answers changes the result. The order is the
behaviour (a rule may rely on every rule above it having declined); each rule's name,
docstring and two examples are in ``rules_asked`` and ``rules_looks``, and
``portraitbot intent --explain`` prints the rules that fired."""

from __future__ import annotations

from core.intent import rules_asked as asked
from core.intent import rules_looks as looks
from core.intent.evidence import Evidence
from core.intent.rule import Adjustment, Rule
from core.request import Intent

RULES: tuple[Rule, ...] = (
    asked.help_command,
    asked.cancel_command,
    asked.price_or_howto,
    asked.random_face,
    asked.id_photo_words,
    asked.id_backdrop,
    asked.help_question,
    asked.cancel_words,
    asked.new_background,
    asked.crafted_description,
    asked.series,
    asked.choose_between,
    asked.listed_styles,
    asked.custom_medium,
    asked.becomes_someone_zh,
    asked.own_look,
    looks.named_style,
    looks.expression_edit,
    looks.family_hint,
    looks.family_choice,
    looks.help_words,
    looks.hinted_style,
    looks.go_anyway,
    looks.question_about_bot,
    looks.small_talk,
    looks.chat_words,
    looks.nothing_recognised,
    looks.described_picture,
    looks.plain_request,
)
"""Every decision, in the order tried; ``plain_request`` always answers."""
ADJUSTMENTS: tuple[Adjustment, ...] = (looks.question_is_a_guess,)
"""Changes to the decided intent, each applied when it answers."""


def decide(evidence: Evidence) -> tuple[Intent, list[str]]:
    """The intent and the names of the rules that fired: the deciding rule, then each
    adjustment that changed it."""
    for candidate in RULES:
        intent = candidate.decide(evidence)
        if intent is not None:
            fired = [candidate.name]
            break
    else:  # pragma: no cover - plain_request always answers
        intent, fired = Intent(action="unknown", confidence=0.0), []
    for change in ADJUSTMENTS:
        changed = change.adjust(evidence, intent)
        if changed is not None:
            intent = changed
            fired.append(change.name)
    return intent, fired
