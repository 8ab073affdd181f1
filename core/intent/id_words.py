"""ID and passport photos: which words ask for one, which specification, which background.

Spec keys are DESIGN.md's (icao, us, ca, in, cn_1inch, cn_2inch, cn_passport, jp_visa, kr,
schengen). Background rule, in order:
1. a colour the person names wins ("一寸蓝底" -> blue, "二寸红底" -> red);
2. else a named specification with a fixed background decides (US, Canada, India, ICAO,
   China passport/visa, Japan visa, Korea, Schengen all want white or near-white, so
   "US visa photo" is id_photo_white);
3. else a visa or work-permit photo is blue (seed 000 §10), anything else white.
The ``background`` field is set only when the person named a colour. A red backdrop has no
preset of its own: it uses id_photo_white's recipe and the colour travels in ``background``.
Asking to change the backdrop ("白底换成蓝底", "换成红底") names the new colour, which wins;
other background edits are scenes (see ``background``).
"""

from __future__ import annotations

ID_WORDS: tuple[str, ...] = (
    "passport", "passport photo", "id photo", "id pic", "id picture", "id card", "id photos",
    "identification photo", "identity photo", "identification", "visa", "visa photo",
    "driver license", "drivers license", "driving license", "driver licence",
    "drivers licence", "driving licence", "license photo", "licence photo", "work permit",
    "residence permit", "green card", "icao", "schengen", "申根", "biometric photo", "official photo",
    "document photo", "passport picture", "passport size", "passport pic", "oci",
    "1 inch", "2 inch", "one inch", "two inch", "1 inch photo", "2 inch photo",
    "证件照", "护照", "签证", "身份证", "驾照", "驾驶证", "一寸", "二寸", "两寸", "寸照", "1寸",
    "2寸", "美签", "日签", "韩签", "申根签", "工作证", "学生证", "社保", "证件", "签注", "绿卡", "居留", "准考证", "报名照",
    "通行证", "港澳通行证", "台胞证", "回乡证", "户口本", "pr card", "permanent resident card",
    "residence card", "citizenship", "naturalization", "travel document", "结婚登记", "结婚证", "登记照", "红底", "蓝底", "毕业证", "学位证", "资格证", "考公", "考编", "入学照", "证书照", "签证照", "护照照",
)
"""Any of these makes the request an ID photo."""

VISA_WORDS: tuple[str, ...] = (
    "visa", "work permit", "residence permit", "签证", "工作证", "居留", "签注", "美签", "日签",
    "韩签", "申根",
)
"""Seed 000 §10: visa photos default to a blue background."""

SPEC_WORDS: dict[str, tuple[str, ...]] = {
    "us": (
        "us", "usa", "u s", "u s a", "united states", "america", "american", "green card",
        "2x2", "2 x 2", "2x2 inch", "51x51", "51 x 51", "600x600", "600 x 600", "美国", "美签",
        "绿卡",
    ),
    "ca": ("canada", "canadian", "50x70", "50 x 70", "加拿大"),
    "in": ("india", "indian", "oci", "印度"),
    "icao": (
        "icao", "ireland", "irish", "35x45", "35 x 45", "biometric", "爱尔兰",
    ),
    "schengen": (
        "schengen", "申根",
    ),
    "cn_1inch": (
        "1 inch", "one inch", "1inch", "25x35", "25 x 35", "一寸", "1寸", "小一寸", "大一寸",
    ),
    "cn_2inch": (
        "2 inch", "two inch", "2inch", "35x49", "35 x 49", "二寸", "两寸", "2寸", "小二寸",
    ),
    "cn_passport": ("33x48", "33 x 48"),
    "jp_visa": ("japan", "japanese", "45x45", "45 x 45", "日本", "日签"),
    "kr": ("korea", "korean", "south korea", "韩国", "韩签"),
}
"""Words that name a specification outright (in an ID-photo request)."""

SIZE_UNITS: tuple[str, ...] = ("mm", " mm", " inch", " inches", "in", "inch", "px", " px",
                               " pixel", " pixels")
"""Units after a size ("35x45mm", "2x2 inch"): a size with its unit asks for an ID photo."""

CHINA_WORDS: tuple[str, ...] = ("china", "chinese", "prc", "中国", "国内", "大陆")
"""China named with a passport or visa means the 33x48 mm specification."""

SCHENGEN_COUNTRIES: tuple[str, ...] = (
    "europe", "european", "eu visa", "eu passport", "european union", "germany", "german", "france", "french", "italy", "italian",
    "spain", "spanish", "netherlands", "dutch", "switzerland", "swiss", "austria", "greece",
    "portugal", "belgium", "sweden", "norway", "denmark", "finland", "poland", "czech",
    "欧洲", "德国", "法国", "意大利", "西班牙", "荷兰", "瑞士", "奥地利", "希腊", "葡萄牙",
)
"""A visa for one of these is a Schengen visa; their passports follow ICAO."""

SPEC_BACKGROUND: dict[str, str] = {
    "us": "white", "ca": "white", "in": "white", "icao": "white", "cn_passport": "white",
    "jp_visa": "white", "kr": "white", "schengen": "white",
}
"""Specifications whose rules fix the backdrop; Chinese 1-/2-inch photos come in any colour."""

BACKGROUND_WORDS: dict[str, tuple[str, ...]] = {
    "white": (
        "white", "white background", "white bg", "white backdrop", "白底", "白色背景", "白背景",
        "白色底", "白色",
    ),
    "blue": (
        "blue", "blue background", "blue bg", "blue backdrop", "蓝底", "蓝色背景", "蓝背景",
        "蓝色底", "蓝色",
    ),
    "red": (
        "red", "red background", "red bg", "red backdrop", "红底", "红色背景", "红背景",
        "红色底", "红色",
    ),
}
"""Colours a person may name for the backdrop."""

CUSTOM_BACKGROUND: dict[str, str] = {"结婚登记": "red", "结婚证": "red", "登记照": "red"}
"""Photos whose custom fixes the backdrop: a Chinese marriage registration photo is red."""

BACKGROUND_STYLE: dict[str, str] = {
    "white": "id_photo_white", "blue": "id_photo_blue", "red": "id_photo_white",
}
"""Which ID preset renders each backdrop (red borrows the white recipe, see above)."""
