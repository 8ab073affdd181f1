"""ID / passport photo specifications (data) and the crop geometry that meets them (pure).

Each ``IdSpec`` says how big the printed photo is, how many pixels that is at 300 DPI, where
the head and the eye line must sit, and which background colours the issuing office accepts.
Fractions are of the photo *height*, measured from the *bottom* edge for the eye line, so a
test can check an output image against its spec with two numbers.

Sources (figures as published; where an office publishes none we say so and use a composition
that satisfies the nearest published rule):

* ``icao`` / ``schengen`` / ``kr`` — ICAO Doc 9303 part 3 and ISO/IEC 19794-5 "full frontal":
  35x45 mm, chin to crown 32-36 mm (70-80 %), eye line 50-70 % of the height from the bottom.
  The UK asks 29-34 mm, so ``icao`` uses the overlap 32-34 mm: one photo passes both.
  Korea's passport photo rule is 32-36 mm on 35x45 mm, white background.
* ``us`` — travel.state.gov photo requirements: 2x2 in, head 1-1 3/8 in (50-69 %), eye line
  1 1/8-1 3/8 in from the bottom (56-69 %), white or off-white; DS-160 online: 600x600 to
  1200x1200 px, at most 240 KB.
* ``in`` — Indian passport / e-Visa: 2x2 in with the US head and eye rules, white background;
  e-Visa upload 10 KB-1 MB.
* ``ca`` — IRCC passport photo specifications: 50x70 mm, chin to crown 31-36 mm. IRCC gives no
  eye line; we keep it 50-70 % like ICAO.
* ``cn_passport`` — 出入境证件相片照相指引: 33x48 mm, head width 21-24 mm, head height (crown
  to chin) 28-33 mm, white background. Online forms commonly ask for 40-120 KB.
* ``cn_1inch`` / ``cn_2inch`` — 一寸 25x35 mm and 二寸 35x49 mm have no national standard;
  studio practice puts the head at about two thirds of the height (blue, white or red).
  We use 60-75 % for head height and the ICAO eye band.
* ``uk`` — HM Passport Office "Photos for passports": 35x45 mm, chin to crown 29-34 mm, plain
  cream or light grey background (white is refused for being too bright on some prints).
* ``de`` — Bundesdruckerei / BMI Fotomustertafel (biometric passport photo): 35x45 mm, chin to
  crown 32-36 mm, plain light background, ideally light grey.
* ``fr`` — ANTS / arrêté du 5 février 2009 (norme ISO/IEC 19794-5): 35x45 mm, chin to crown
  32-36 mm, plain light background (light grey or light blue; white is refused).
* ``it`` — Polizia di Stato, passaporto: 35x45 mm, chin to crown 32-36 mm (ICAO), white or light.
* ``es`` — Real Decreto 1553/2005 (DNI) and the pasaporte rules: 26x32 mm, plain white
  background; no head rule in mm is published, so we use ICAO's 70-80 % of the height.
* ``au`` — Australian Passport Office: 35-40 x 45-50 mm (we use 35x45), chin to crown 32-36 mm,
  plain white or light grey.
* ``nz`` — New Zealand Passports (DIA): 35x45 mm, chin to crown 32-36 mm, plain light background.
* ``br`` — Polícia Federal, passaporte comum: 50x70 mm, plain white background; no head rule
  is published, so we use ICAO's 32-36 mm chin to crown, as Canada does on the same frame.
* ``ru`` — МВД, заграничный паспорт: 35x45 mm, face oval 70-80 % of the height (32-36 mm),
  white background.
* ``mx`` — SRE, pasaporte mexicano: 35x45 mm, white background, ICAO head rule 32-36 mm.
* ``cn_id`` — GA 461-2004 居民身份证证件照片: 26x32 mm, white background (its digital form is
  358x441 px at 350 dpi; like every spec here we write 300 DPI, 307x378 px);
  studios apply a head height (crown to chin) of about 25 mm ± 2 mm; we use 23-27 mm.
* ``cn_visa`` — 中国签证申请照片要求 (visaforchina.cn): 33x48 mm, head width 15-22 mm, chin to
  crown 28-33 mm, white; digital 354-420 x 472-560 px, 40-120 KB.
* ``hk`` — HKSAR Immigration Department, passport photo: 40x50 mm, chin to crown 32-36 mm,
  white background.
* ``tw`` — 外交部領事事務局, 護照照片規格: 35x45 mm, chin to crown 32-36 mm, white background.
* ``jp_passport`` — 外務省, パスポート申請用写真の規格: 35x45 mm, face (chin to crown) 34 ± 2 mm,
  plain light background.
* ``jp_visa`` — Japanese consulates ask 45x45 mm, face straight, plain light background; no
  head rule is published, so we use 55-75 %, the ICAO-like proportion for a square photo.
"""

from __future__ import annotations

from dataclasses import dataclass

MM_PER_INCH = 25.4
PRINT_DPI = 300
"""Dots per inch of every ID photo and print sheet: what photo labs and kiosks print at."""

BACKGROUND_RGB: dict[str, tuple[int, int, int]] = {
    "white": (255, 255, 255),
    "light_grey": (229, 229, 229),
    # The common studio 证件照 blue (#438EDB) and red (#D9001B) used in China; the same
    # hex codes the style prompts (core.styles.BACKGROUND_WORDS) ask the models for.
    "blue": (67, 142, 219),
    "red": (217, 0, 27),
}
"""RGB of each background colour name a spec may allow."""
BACKGROUND_ALIASES = {"gray": "light_grey", "grey": "light_grey", "light_gray": "light_grey",
                      "lightgrey": "light_grey"}
"""Other spellings of background names (the intent and style prompts say "gray")."""

# Haar's frontal-face box runs from about mid-forehead to the chin and is square. The crown
# (hair included, as the US and ICAO measure it) is measured from the segmentation mask when
# it can be; this factor is the fallback: on adult photos it sits ~0.4 box heights above the
# box (on the drawn test faces, which have little hair, only ~0.1). The box bottom is at the
# chin within a few per cent: the drawn test faces' chin is 3 % of the box above it, a real
# adult's (NASA's astronaut portrait, tests/images/astronaut.jpg) 5 % below it. 0.02 splits
# the difference; at 0.0 the real photo's true head height was 76.4 % on ICAO (limit 75.6 %).
CROWN_ABOVE_BOX = 0.42
"""Fallback crown distance above the top of a Haar face box, in face-box heights."""
CHIN_BELOW_BOX = 0.02
"""Chin distance below the bottom of a Haar face box, in face-box heights (see above)."""
EYES_IN_BOX = 0.38
"""Eye line below the top of a Haar face box, in face-box heights, when no eyes were found."""
MIN_TOP_MARGIN = 0.03
"""Least space kept above the crown (fraction of photo height) when the eye line is placed
mid-band: a crown touching the edge reads as cut off to an office's checker."""
CHIN_PER_EYE_NOSE = 1.3
"""Chin below the nose base, in eye-line-to-nose-base distances (dlib's five landmarks carry
no chin point; the 68-point model that does is non-commercial). Facial thirds put subnasale to
menton at 1.3-1.6 pupil-to-subnasale lengths; on NASA's astronaut portrait (chin measured by
hand at y=177, eye line 103, nose base 135 in the 512 px photo) it is 1.31."""
SLIDE_TOLERANCE = 0.03
"""How far (fraction of crop width) a crop may slide off-centre to stay inside the photo."""


@dataclass(frozen=True)
class IdSpec:
    """One ID photo specification. Fractions are of the photo height."""

    key: str
    name_en: str
    name_zh: str
    width_mm: float
    height_mm: float
    width_px: int
    height_px: int
    head_min: float
    head_max: float
    """Chin-to-crown height as a fraction of the photo height."""
    eye_min: float
    eye_max: float
    """Eye line height above the bottom edge, as a fraction of the photo height."""
    backgrounds: tuple[str, ...]
    default_background: str
    kb_min: int | None = None
    kb_max: int | None = None
    """File size window (KB) that online forms for this document ask for, when they do."""
    head_width_mm: tuple[float, float] | None = None
    """Published head width range; informational (the crop is driven by head height)."""

    @property
    def aspect(self) -> float:
        """Width over height."""
        return self.width_px / self.height_px

    @property
    def head_target(self) -> float:
        return (self.head_min + self.head_max) / 2

    def size_label(self) -> str:
        """"35x45 mm" or "2x2 in", as the office states it."""
        if self.key in {"us", "in"}:
            return f"{self.width_mm / MM_PER_INCH:g}x{self.height_mm / MM_PER_INCH:g} in"
        return f"{self.width_mm:g}x{self.height_mm:g} mm"

    def allows(self, background: str) -> bool:
        return background in self.backgrounds

    def name(self, language: str | None) -> str:
        """The document's name in ``language`` ("zh" or anything else for English)."""
        return self.name_zh if (language or "").lower().startswith("zh") else self.name_en


def px(mm: float, dpi: int = PRINT_DPI) -> int:
    """Millimetres to whole pixels at ``dpi``."""
    return round(mm / MM_PER_INCH * dpi)


def _mm_spec(
    key: str,
    en: str,
    zh: str,
    size_mm: tuple[float, float],
    head_mm: tuple[float, float],
    backgrounds: tuple[str, ...],
    default_background: str,
    *,
    eye: tuple[float, float] = (0.50, 0.70),
    kb: tuple[int | None, int | None] = (None, None),
    head_width_mm: tuple[float, float] | None = None,
) -> IdSpec:
    """A spec published in millimetres: pixels at 300 DPI, head range as fractions."""
    w, h = size_mm
    return IdSpec(
        key, en, zh, w, h, px(w), px(h), head_mm[0] / h, head_mm[1] / h, eye[0], eye[1],
        backgrounds, default_background, kb[0], kb[1], head_width_mm,
    )


_LIGHT = ("white", "light_grey")
_CHINA = ("blue", "white", "red")

SPECS: dict[str, IdSpec] = {
    spec.key: spec
    for spec in (
        _mm_spec("icao", "Passport photo (ICAO: EU, UK and most countries)",
                 "护照照片（ICAO 国际标准）", (35, 45), (32, 34), _LIGHT, "white"),
        IdSpec("us", "US passport / visa photo", "美国护照/签证照片", 50.8, 50.8, 600, 600,
               head_min=0.50, head_max=0.69, eye_min=0.5625, eye_max=0.6875,
               backgrounds=("white",), default_background="white", kb_max=240),
        _mm_spec("ca", "Canada passport photo", "加拿大护照照片", (50, 70), (31, 36),
                 _LIGHT, "white"),
        IdSpec("in", "India passport / visa photo", "印度护照/签证照片", 50.8, 50.8, 600, 600,
               head_min=0.50, head_max=0.69, eye_min=0.5625, eye_max=0.6875,
               backgrounds=("white",), default_background="white", kb_min=10, kb_max=1000),
        _mm_spec("cn_1inch", "China 1-inch photo", "一寸照", (25, 35), (21, 26.25),
                 _CHINA, "blue", head_width_mm=(15.0, 22.0)),
        _mm_spec("cn_2inch", "China 2-inch photo", "二寸照", (35, 49), (29.4, 36.75),
                 _CHINA, "blue"),
        _mm_spec("cn_passport", "China passport / visa photo", "中国护照/签证照片", (33, 48),
                 (28, 33), ("white",), "white", kb=(40, 120), head_width_mm=(21.0, 24.0)),
        _mm_spec("jp_visa", "Japan visa photo", "日本签证照片", (45, 45), (24.75, 33.75),
                 _LIGHT, "white"),
        _mm_spec("kr", "Korea passport photo", "韩国护照照片", (35, 45), (32, 36),
                 ("white",), "white"),
        _mm_spec("schengen", "Schengen visa photo", "申根签证照片", (35, 45), (32, 36),
                 _LIGHT, "white"),
        _mm_spec("uk", "UK passport photo", "英国护照照片", (35, 45), (29, 34),
                 ("light_grey",), "light_grey"),
        _mm_spec("de", "German passport / ID card photo", "德国护照/身份证照片", (35, 45),
                 (32, 36), ("light_grey", "white"), "light_grey"),
        _mm_spec("fr", "French passport / ID card photo", "法国护照/身份证照片", (35, 45),
                 (32, 36), ("light_grey",), "light_grey"),
        _mm_spec("it", "Italian passport photo", "意大利护照照片", (35, 45), (32, 36),
                 _LIGHT, "white"),
        _mm_spec("es", "Spanish passport / DNI photo", "西班牙护照/身份证照片", (26, 32),
                 (22.4, 25.6), ("white",), "white"),
        _mm_spec("au", "Australian passport photo", "澳大利亚护照照片", (35, 45), (32, 36),
                 _LIGHT, "white"),
        _mm_spec("nz", "New Zealand passport photo", "新西兰护照照片", (35, 45), (32, 36),
                 _LIGHT, "white"),
        _mm_spec("br", "Brazilian passport photo", "巴西护照照片", (50, 70), (32, 36),
                 ("white",), "white"),
        _mm_spec("ru", "Russian international passport photo", "俄罗斯护照照片", (35, 45),
                 (32, 36), ("white",), "white"),
        _mm_spec("mx", "Mexican passport photo", "墨西哥护照照片", (35, 45), (32, 36),
                 ("white",), "white"),
        _mm_spec("cn_id", "Chinese resident ID card photo", "居民身份证照片", (26, 32), (23, 27),
                 ("white",), "white"),
        _mm_spec("cn_visa", "Chinese visa photo", "中国签证照片", (33, 48), (28, 33),
                 ("white",), "white", kb=(40, 120), head_width_mm=(15.0, 22.0)),
        _mm_spec("hk", "Hong Kong SAR passport photo", "香港特区护照照片", (40, 50), (32, 36),
                 ("white",), "white"),
        _mm_spec("tw", "Taiwan passport photo", "台湾护照照片", (35, 45), (32, 36),
                 ("white",), "white"),
        _mm_spec("jp_passport", "Japanese passport photo", "日本护照照片", (35, 45), (32, 36),
                 _LIGHT, "white"),
    )
}
"""Every ID photo specification by its short key (``--id-spec``, intent ``id_spec``)."""

DEFAULT_SPEC = "icao"
"""The spec used when a person asks for "a passport photo" without naming a country."""


COLOURED_SPEC = "cn_1inch"
"""The spec for a blue or red backdrop when none is named: "一寸蓝底" is the common ask, and
no passport office outside China takes a coloured backdrop."""
STYLE_SPECS = {"id_photo_white": DEFAULT_SPEC, "id_photo_blue": COLOURED_SPEC}
"""The spec each ID-photo style implies when the person named none."""


def default_spec_key(style: str | None = None, background: str | None = None) -> str:
    """The spec to use when none was named: from the backdrop colour, else the style."""
    if background in ("blue", "red"):
        return COLOURED_SPEC
    return STYLE_SPECS.get(style or "", DEFAULT_SPEC)


def get_spec(key: str | None, background: str | None = None) -> IdSpec | None:
    """The spec for ``key`` (case-insensitive), the default for ``background`` when ``key``
    is None, or None when there is no such spec."""
    return SPECS.get((key or default_spec_key(None, background)).strip().lower())


REQUIRED_BACKGROUND_NOTES = {
    "white": "idphoto.spec_requires_white",
    "light_grey": "idphoto.spec_requires_light_grey",
    "blue": "idphoto.spec_requires_blue",
}
"""Said when a named document refuses the asked-for colour: "{name} requires a white background"."""


def refused_background(key: str | None, wanted: str | None) -> str | None:
    """The colour a named document uses instead of ``wanted`` when its rules refuse that
    colour ("Canadian passport photo, blue background": white); None when it takes ``wanted``,
    nothing was asked, or no document was named."""
    spec = SPECS.get((key or "").strip().lower())
    if spec is None or not wanted:
        return None
    colour = choose_background(spec, wanted)
    return None if colour == BACKGROUND_ALIASES.get(wanted, wanted) else colour


def refused_note(key: str | None, wanted: str | None) -> str | None:
    """The message id saying which colour the named document requires, when it refuses ``wanted``."""
    colour = refused_background(key, wanted)
    return REQUIRED_BACKGROUND_NOTES.get(colour) if colour else None


def choose_background(spec: IdSpec, wanted: str | None) -> str:
    """The colour to use: ``wanted`` when the spec allows it, else the spec's default."""
    wanted = BACKGROUND_ALIASES.get(wanted or "", wanted)
    if wanted and spec.allows(wanted):
        return wanted
    return spec.default_background


Box = tuple[float, float, float, float]
"""(left, top, right, bottom) in pixels; may reach outside the image."""


@dataclass(frozen=True)
class HeadGeometry:
    """Where the head is in an image, estimated from a face box."""

    crown_y: float
    chin_y: float
    eye_y: float
    centre_x: float

    @property
    def height(self) -> float:
        return self.chin_y - self.crown_y


def chin_from_landmarks(eye_y: float, nose_y: float) -> float:
    """The chin's y from the eye line and the nose base (upright face, y grows downwards)."""
    return nose_y + CHIN_PER_EYE_NOSE * (nose_y - eye_y)


def head_from_face(
    face_box: tuple[float, float, float, float],
    eye_y: float | None,
    crown_y: float | None = None,
    chin_y: float | None = None,
) -> HeadGeometry:
    """Estimate crown, chin and eye line from a face box ``(x, y, w, h)``.

    ``eye_y`` (eyes found), ``crown_y`` (top of the hair, measured on the image) and
    ``chin_y`` (from landmarks) replace the box-based estimates when given.
    """
    x, y, w, h = face_box
    crown = crown_y if crown_y is not None else y - CROWN_ABOVE_BOX * h
    chin = chin_y if chin_y is not None else y + h + CHIN_BELOW_BOX * h
    eyes = eye_y if eye_y is not None else y + EYES_IN_BOX * h
    return HeadGeometry(crown_y=crown, chin_y=chin, eye_y=eyes, centre_x=x + w / 2)


def crop_box_for(
    spec: IdSpec,
    face_box: tuple[float, float, float, float],
    eye_y: float | None,
    image_size: tuple[int, int],
    crown_y: float | None = None,
    chin_y: float | None = None,
) -> Box:
    """The crop (in source pixels) that puts head height and eye line inside the spec ranges.

    ``face_box`` is ``(x, y, w, h)`` from the detector; ``eye_y`` the eye line's y when the
    eyes were found; ``crown_y`` the top of the head when it was measured. The crop has the
    spec's aspect ratio and is centred on the face; it may extend past the image (the caller
    pads, and the background is replaced anyway).
    ``image_size`` lets a crop that barely overhangs the photo slide back inside it.
    """
    head = head_from_face(face_box, eye_y, crown_y, chin_y)
    crop_h = head.height / spec.head_target
    crop_w = crop_h * spec.aspect
    # Eye line mid-band, lowered when the crown would come closer than MIN_TOP_MARGIN to the top.
    eyes_highest = 1.0 - MIN_TOP_MARGIN - (head.eye_y - head.crown_y) / crop_h
    eyes = min((spec.eye_min + spec.eye_max) / 2, eyes_highest)
    eyes = min(max(eyes, spec.eye_min + 0.01), spec.eye_max - 0.01)
    top = head.eye_y - (1.0 - eyes) * crop_h
    left = head.centre_x - crop_w / 2
    width, _ = image_size
    # A crop that overhangs the photo by a sliver would show a smeared edge strip; slide it
    # in when that moves the face off-centre by less than SLIDE_TOLERANCE of the width.
    slid = min(max(left, 0.0), width - crop_w) if crop_w <= width else left
    if abs(slid - left) <= SLIDE_TOLERANCE * crop_w:
        left = slid
    return (left, top, left + crop_w, top + crop_h)


def measured_fractions(
    spec: IdSpec, crop: Box, head: HeadGeometry
) -> tuple[float, float]:
    """(head height fraction, eye line fraction from the bottom) of ``head`` inside ``crop``."""
    crop_h = crop[3] - crop[1]
    return head.height / crop_h, (crop[3] - head.eye_y) / crop_h
