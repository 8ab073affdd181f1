"""Button data has one format and one parse; data the bot never made is refused, not guessed."""

from __future__ import annotations

import pytest

from core.chat import Button, ButtonAction, ButtonData


def test_every_action_survives_a_round_trip_through_its_callback_data() -> None:
    for action in ButtonAction:
        data = Button.of("label", action, "anime").data
        assert ButtonData.parse(data) == ButtonData(action, "anime")
    assert ButtonData.parse("styles:") == ButtonData(ButtonAction.styles, "")


@pytest.mark.parametrize("forged", ["", "evil:1", "style", "STYLE:anime", None])
def test_data_the_bot_never_made_parses_to_nothing(forged: str | None) -> None:
    assert ButtonData.parse(forged) is None


def test_data_over_telegrams_64_bytes_is_refused_when_made() -> None:
    with pytest.raises(ValueError):
        ButtonData(ButtonAction.style, "x" * 80).format()
