"""Random face prompts (seed 002): feature data, the base instruction, pairs and seeds."""

from __future__ import annotations

import random

import pytest

from core.face_features import BASE_INSTRUCTION, FACE_FEATURES
from core.faces import MAX_SEED, random_face_prompts

SEED_002_FEATURES = {
    "Shape": ["Face", "Eye", "Eyebrow", "Nose", "Lips", "Cheek", "Chin", "Hairline"],
    "Structure": ["Eye", "Eyebrow", "Nose", "Jawline"],
    "Texture & Features": ["Skin Texture", "Skin Features", "Cheek", "Lips"],
    "Color": ["Eye", "Skin Tone", "Skin Undertones"],
    "Expression": ["Eye", "Eyebrow", "Lips"],
}


def identity(prompt: str) -> str:
    return prompt.split(" Expression: ")[0]


def expression(prompt: str) -> str:
    return prompt.split(" Expression: ")[1].split(". ")[0]


def test_feature_data_has_every_category_and_feature_of_seed_002_with_rich_lists() -> None:
    for category, features in SEED_002_FEATURES.items():
        for feature in features:
            words = FACE_FEATURES[category][feature]
            assert len(words) >= 4, f"{category}/{feature} is thin"
            assert len(set(words)) == len(words), f"{category}/{feature} repeats a word"
    assert {"round", "oval", "square"} <= set(FACE_FEATURES["Shape"]["Face"])
    assert {"freckled", "clear"} <= set(FACE_FEATURES["Texture & Features"]["Skin Features"])


def test_the_base_instruction_is_seed_002s_composition() -> None:
    assert "1024x1024" in BASE_INSTRUCTION
    assert "white background" in BASE_INSTRUCTION
    assert "no accessories" in BASE_INSTRUCTION


def test_a_seeded_random_gives_the_same_prompts_every_time() -> None:
    first = random_face_prompts(random.Random(2024), pairs=3)
    again = random_face_prompts(random.Random(2024), pairs=3)
    assert first == again
    assert first != random_face_prompts(random.Random(2025), pairs=3)


def test_pairs_come_as_two_prompts_each_ending_with_the_base_instruction() -> None:
    faces = random_face_prompts(random.Random(1), pairs=3)
    assert [f.pair for f in faces] == [0, 0, 1, 1, 2, 2]
    for face in faces:
        assert face.prompt.endswith(BASE_INSTRUCTION)
        assert face.prompt.startswith("A portrait of a person with ")
        assert any(f"{word} face" in face.prompt for word in FACE_FEATURES["Shape"]["Face"])


def test_both_prompts_of_a_pair_are_one_person_with_two_expressions() -> None:
    faces = random_face_prompts(random.Random(5), pairs=4)
    for a, b in zip(faces[::2], faces[1::2], strict=True):
        assert identity(a.prompt) == identity(b.prompt)
        assert expression(a.prompt) != expression(b.prompt)
    assert len({identity(f.prompt) for f in faces}) == 4


def test_by_default_each_prompt_of_a_pair_has_its_own_seed() -> None:
    faces = random_face_prompts(random.Random(9), pairs=4)
    for a, b in zip(faces[::2], faces[1::2], strict=True):
        assert a.seed != b.seed
    assert all(1 <= f.seed <= MAX_SEED for f in faces)


def test_same_seed_gives_both_prompts_of_a_pair_one_seed() -> None:
    faces = random_face_prompts(random.Random(9), pairs=4, same_seed=True)
    for a, b in zip(faces[::2], faces[1::2], strict=True):
        assert a.seed == b.seed
    assert len({f.seed for f in faces}) == 4


@pytest.mark.parametrize("pairs", [0, -1, 9])
def test_a_pair_count_outside_one_to_eight_is_a_mistake(pairs: int) -> None:
    with pytest.raises(ValueError):
        random_face_prompts(random.Random(), pairs=pairs)
