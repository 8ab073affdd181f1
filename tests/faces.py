"""Synthetic face photos that OpenCV's Haar cascades really detect, for tests across the project.

No photo of a real person is stored or downloaded: a face is drawn (hair, skin oval, eye
sockets, eyes, brows, nose, mouth, neck, shoulders), softened a little and given sensor-like
grain so sharpness and light measures behave as on a photo. ``face_layout`` gives the drawn
geometry (crown, eye line, chin) so ID-photo tests can measure against the truth.

    from tests.faces import make_face_photo, make_group_photo
    photo = make_face_photo((900, 1200), face_width=360)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

BACKGROUND = (118, 138, 168)
SKIN = (224, 180, 150)
HAIR = (60, 40, 30)
SHIRT = (50, 70, 110)
FACE_ASPECT = 1.3
"""Drawn face oval height / width, about a real adult face's."""
GRAIN_SIGMA = 4.0
"""Standard deviation, in 8-bit levels, of the grain added so the image looks photographed."""


@dataclass(frozen=True)
class FaceLayout:
    """Where the drawn face is, in pixels of the generated image."""

    centre_x: float
    centre_y: float
    face_width: float
    face_height: float
    crown_y: float
    """Top of the hair."""
    chin_y: float
    eye_y: float
    eye_xs: tuple[float, float]
    """Eye centres, left to right in the image."""

    @property
    def head_height(self) -> float:
        """Crown to chin, the measure ID-photo specifications use."""
        return self.chin_y - self.crown_y


def face_layout(
    size: tuple[int, int], face_width: float | None = None, centre: tuple[float, float] | None = None
) -> FaceLayout:
    """The geometry ``make_face_photo`` draws for these arguments."""
    width, height = size
    fw = face_width if face_width is not None else min(width, height) * 0.4
    cx, cy = centre if centre is not None else (width / 2, height * 0.45)
    fh = fw * FACE_ASPECT
    eye_dx = fw * 0.21
    return FaceLayout(
        centre_x=cx,
        centre_y=cy,
        face_width=fw,
        face_height=fh,
        crown_y=cy - fh * 0.62,
        chin_y=cy + fh / 2,
        eye_y=cy - fh * 0.08,
        eye_xs=(cx - eye_dx, cx + eye_dx),
    )


def _shade(colour: tuple[int, int, int], factor: float) -> tuple[int, int, int]:
    r, g, b = colour
    return (int(r * factor), int(g * factor), int(b * factor))


def draw_face(image: Image.Image, layout: FaceLayout, skin: tuple[int, int, int] = SKIN) -> None:
    """Draw one face with its hair, neck and shoulders onto ``image`` in place."""
    d = ImageDraw.Draw(image)
    cx, cy, fw, fh = layout.centre_x, layout.centre_y, layout.face_width, layout.face_height
    d.ellipse([cx - fw * 0.58, layout.crown_y, cx + fw * 0.58, cy + fh * 0.2], fill=HAIR)
    d.rectangle([cx - fw * 0.2, cy + fh * 0.35, cx + fw * 0.2, cy + fh * 0.7], fill=_shade(skin, 0.85))
    d.ellipse([cx - fw * 1.1, cy + fh * 0.6, cx + fw * 1.1, cy + fh * 1.6], fill=SHIRT)
    d.ellipse([cx - fw / 2, cy - fh / 2, cx + fw / 2, cy + fh / 2], fill=skin)
    ey = layout.eye_y
    ew, eh = fw * 0.13, fw * 0.06
    for x in layout.eye_xs:
        d.ellipse([x - ew * 1.3, ey - eh * 2.0, x + ew * 1.3, ey + eh * 1.6], fill=_shade(skin, 0.8))
        d.ellipse([x - ew, ey - eh, x + ew, ey + eh], fill=(245, 245, 245))
        d.ellipse([x - eh, ey - eh, x + eh, ey + eh], fill=(40, 30, 25))
        d.rectangle([x - ew * 1.2, ey - eh * 3.2, x + ew * 1.2, ey - eh * 2.3], fill=(50, 35, 25))
    d.polygon(
        [(cx, ey + eh), (cx - fw * 0.07, cy + fh * 0.12), (cx + fw * 0.07, cy + fh * 0.12)],
        fill=_shade(skin, 0.85),
    )
    my = cy + fh * 0.25
    d.ellipse([cx - fw * 0.16, my - fw * 0.035, cx + fw * 0.16, my + fw * 0.035], fill=(150, 60, 60))


def finish(image: Image.Image, *, brightness: float = 1.0, blur_radius: float = 0.0,
           seed: int = 0) -> Image.Image:
    """Soften drawn edges, apply extra blur, scale the light and add grain, like a camera would."""
    image = image.filter(ImageFilter.GaussianBlur(1.0 + blur_radius))
    pixels = np.asarray(image).astype(np.float32) * brightness
    noise = np.random.default_rng(seed).normal(0.0, GRAIN_SIGMA * max(brightness, 0.1), pixels.shape)
    return Image.fromarray(np.clip(pixels + noise, 0, 255).astype(np.uint8), "RGB")


def make_face_photo(
    size: tuple[int, int] = (640, 800),
    *,
    face_width: float | None = None,
    centre: tuple[float, float] | None = None,
    background: tuple[int, int, int] = BACKGROUND,
    skin: tuple[int, int, int] = SKIN,
    brightness: float = 1.0,
    blur_radius: float = 0.0,
    seed: int = 0,
) -> Image.Image:
    """An RGB portrait photo of one drawn face (default: 40 % of the short side wide)."""
    image = Image.new("RGB", size, background)
    draw_face(image, face_layout(size, face_width, centre), skin)
    return finish(image, brightness=brightness, blur_radius=blur_radius, seed=seed)


def make_group_photo(
    size: tuple[int, int] = (1200, 700), count: int = 2, *, seed: int = 0
) -> Image.Image:
    """Several people side by side, each face the same size."""
    width, height = size
    face_width = min(width / count * 0.55, height * 0.35)
    image = Image.new("RGB", size, BACKGROUND)
    for i in range(count):
        centre = (width * (i + 0.5) / count, height * 0.42)
        draw_face(image, face_layout(size, face_width, centre))
    return finish(image, seed=seed)


def make_empty_photo(size: tuple[int, int] = (640, 800), *, seed: int = 0) -> Image.Image:
    """A photo with no face in it: a wall, a lamp-like blob and a shelf."""
    image = Image.new("RGB", size, (190, 180, 160))
    d = ImageDraw.Draw(image)
    width, height = size
    d.rectangle([0, height * 0.7, width, height * 0.75], fill=(110, 80, 50))
    d.ellipse([width * 0.6, height * 0.2, width * 0.8, height * 0.4], fill=(250, 240, 200))
    d.rectangle([width * 0.1, height * 0.3, width * 0.3, height * 0.7], fill=(70, 90, 60))
    return finish(image, seed=seed)
