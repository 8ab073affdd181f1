"""ID photos finished the same way for the command line and the bot: each raw picture becomes
the spec's compliant photo and its 4×6 print sheet (``engine.idphoto``, ``engine.printsheet``)."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from core.errors import UserInputError
from core.request import GenerationRequest
from core.settings import Settings
from core.styles import Catalogue
from engine.providers.base import OutputImage

Made = list[tuple[OutputImage, str] | tuple[OutputImage, str, dict[str, Any]]]
"""[(file, suffix)] or [(file, suffix, card)]: a card (``engine.idmeasure.Card.to_dict``) is
what the ID photo's delivered file measured."""
IdPhotoMaker = Callable[[OutputImage, GenerationRequest, bool], Made]
"""(raw image, request, already compliant) -> files, e.g. ``id_us`` (with its card) and
``sheet_4x6``."""


@dataclass
class Finished:
    """The files to save, each with its name suffix and the number of the picture it came from."""

    files: list[OutputImage] = field(default_factory=list)
    suffixes: list[str] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Message ids saying why a picture is not to spec (it is still delivered)."""
    cards: list[dict[str, Any]] = field(default_factory=list)
    """The compliance card of each ID photo made, in picture order."""


def is_id_request(request: GenerationRequest, catalogue: Catalogue) -> bool:
    style = catalogue.get(request.style)
    return bool(request.id_spec or (style is not None and style.is_id_photo))


def finish_id_photos(
    images: list[OutputImage], request: GenerationRequest, catalogue: Catalogue,
    make: IdPhotoMaker | None, compliant: bool,
) -> Finished:
    """For ID photos, the compliant photo and its print sheet replace each raw image; other
    requests (or no ID engine installed) keep their images as they are."""
    finished = Finished()
    if make is None or not is_id_request(request, catalogue):
        finished.files = list(images)
        finished.suffixes = [""] * len(images)
        finished.numbers = list(range(1, len(images) + 1))
        return finished
    style = catalogue.get(request.style)
    if style is not None and not request.background:
        request = replace(request, background=style.background)
    for number, image in enumerate(images, start=1):
        try:
            made = make(image, request, compliant)
        except UserInputError as error:
            # The model's picture is still worth having; say why it is not to spec.
            if error.message_id not in finished.notes:
                finished.notes.append(error.message_id)
            made = [(image, "")]
        for file, suffix, *card in made:
            finished.cards.extend(card)
            finished.files.append(file)
            finished.suffixes.append(suffix)
            finished.numbers.append(number)
    return finished


def default_id_photo(settings: Settings) -> IdPhotoMaker | None:
    """ID-photo compliance with ``engine.idphoto`` and ``engine.printsheet``, when installed."""
    try:
        from engine.detector import build_detector
        from engine.idphoto import comply, resolve_spec
        from engine.printsheet import encode_sheet, print_sheet
    except ImportError:
        return None
    from PIL import Image

    from core.idspecs import choose_background
    from engine.idmeasure import measure_file

    detector = build_detector(settings)

    def make(image: OutputImage, request: GenerationRequest, compliant: bool) -> Made:
        picture = Image.open(io.BytesIO(image.data)).convert("RGB")
        if compliant:
            # Already to spec (the offline engine does compliance itself): add the sheet only.
            spec = resolve_spec(request.id_spec, request.background)
            card = measure_file(image.data, spec, choose_background(spec, request.background),
                                detector)
            sheet = encode_sheet(print_sheet(picture, spec))
            return [(image, f"id_{spec.key}", card.to_dict()),
                    (OutputImage(sheet, "image/jpeg"), "sheet_4x6")]
        photo = comply(picture, request.id_spec, request.background, detector=detector)
        sheet = encode_sheet(print_sheet(photo.image, photo.spec))
        measured = photo.card.to_dict() if photo.card is not None else None
        first: tuple[OutputImage, str] | tuple[OutputImage, str, dict[str, Any]] = (
            (OutputImage(photo.data, "image/jpeg"), f"id_{photo.spec.key}", measured)
            if measured is not None else (OutputImage(photo.data, "image/jpeg"), f"id_{photo.spec.key}"))
        return [first, (OutputImage(sheet, "image/jpeg"), "sheet_4x6")]

    return make

