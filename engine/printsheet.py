"""Print sheets: one ID photo repeated on a 4x6 in or A4 page at 300 DPI, with cut guides.

Photos keep their true printed size (the spec's pixels at 300 DPI), so the sheet must be
printed at 100 % scale. As many copies as fit go on the page; the space left over is shared
evenly as margins and gaps, and thin grey lines run through the gaps to cut along. When the
copies fill the page exactly (US 2x2 in on 4x6 in: six copies), the lines sit on the edges.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from PIL import Image, ImageDraw

from core.idspecs import PRINT_DPI, IdSpec

Paper = Literal["4x6", "a4"]
PAPER_PX: dict[str, tuple[int, int]] = {"4x6": (1200, 1800), "a4": (2480, 3508)}
"""Paper sizes in pixels at 300 DPI, portrait: 4x6 in, and A4 (210x297 mm)."""
PAPER_LABEL = {"4x6": "4×6 in", "a4": "A4"}
"""How paper sizes are named in captions."""
SHEET_CAPTION_ID = "idphoto.sheet_caption"
"""Message id of the sheet's caption: ``{copies}`` and ``{paper}`` (use ``sheet_caption_params``)."""
PAPER_BACKGROUND = (255, 255, 255)
GUIDE_GREY = (170, 170, 170)
"""Cut-guide colour: visible on white paper, faint enough not to compete with the photos."""
GUIDE_WIDTH = 1
"""Cut-guide width in pixels (1/300 in, about 0.08 mm)."""


@dataclass(frozen=True)
class SheetLayout:
    """Where the copies go: top-left corners in sheet pixels."""

    columns: int
    rows: int
    xs: tuple[int, ...]
    ys: tuple[int, ...]

    @property
    def copies(self) -> int:
        return self.columns * self.rows


def _positions(length: int, item: int) -> tuple[int, ...]:
    """Start offsets of as many ``item``s as fit in ``length``, spread with equal spaces."""
    count = max(1, length // item)
    space = max(0, length - count * item) / (count + 1)
    return tuple(round(space + i * (item + space)) for i in range(count))


def sheet_layout(photo_size: tuple[int, int], paper: Paper = "4x6") -> SheetLayout:
    """The grid of copies of a ``photo_size`` photo on ``paper``."""
    sheet_w, sheet_h = PAPER_PX[paper]
    xs = _positions(sheet_w, photo_size[0])
    ys = _positions(sheet_h, photo_size[1])
    return SheetLayout(len(xs), len(ys), xs, ys)


def print_sheet(photo: Image.Image, spec: IdSpec, paper: Paper = "4x6") -> Image.Image:
    """``photo`` repeated on ``paper`` at 300 DPI with thin grey cut guides."""
    if paper not in PAPER_PX:
        raise ValueError(f"unknown paper {paper!r}")
    copy = photo.convert("RGB")
    size = (spec.width_px, spec.height_px)
    if abs(copy.width / copy.height - spec.aspect) < 0.01:
        copy = copy.resize(size, Image.Resampling.LANCZOS) if copy.size != size else copy
    else:
        # A photo made to another spec: keep its own size (300 DPI) rather than distort it.
        size = copy.size
    layout = sheet_layout(size, paper)
    sheet = Image.new("RGB", PAPER_PX[paper], PAPER_BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    width, height = sheet.size
    # Guides first, across the whole page: pasted photos cover them, the gaps show them.
    for x in layout.xs:
        for edge in (x - 1, x + size[0]):
            draw.line([(edge, 0), (edge, height)], fill=GUIDE_GREY, width=GUIDE_WIDTH)
    for y in layout.ys:
        for edge in (y - 1, y + size[1]):
            draw.line([(0, edge), (width, edge)], fill=GUIDE_GREY, width=GUIDE_WIDTH)
    for y in layout.ys:
        for x in layout.xs:
            sheet.paste(copy, (x, y))
    if _touching(layout, size, sheet.size):
        # Copies that abut leave no gap to show a guide in: outline each copy instead.
        for y in layout.ys:
            for x in layout.xs:
                draw.rectangle([x, y, x + size[0] - 1, y + size[1] - 1], outline=GUIDE_GREY)
    sheet.info["dpi"] = (PRINT_DPI, PRINT_DPI)
    return sheet


def _touching(layout: SheetLayout, size: tuple[int, int], sheet: tuple[int, int]) -> bool:
    gaps_x = sheet[0] - layout.columns * size[0]
    gaps_y = sheet[1] - layout.rows * size[1]
    return gaps_x < layout.columns + 1 or gaps_y < layout.rows + 1


def encode_sheet(sheet: Image.Image, quality: int = 92) -> bytes:
    """The sheet as a JPEG with 300 DPI in its header (labs and kiosks read it)."""
    from engine.idphoto import encode_jpeg

    return encode_jpeg(sheet, quality)


def sheet_caption_params(spec: IdSpec, paper: Paper = "4x6") -> dict[str, str | int]:
    """Placeholders of the ``idphoto.sheet_caption`` message."""
    copies = sheet_layout((spec.width_px, spec.height_px), paper).copies
    return {"copies": copies, "paper": PAPER_LABEL[paper]}
