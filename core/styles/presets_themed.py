"""Category D, themed & scene portraits, in display order.

Part of the preset data; ``core.styles.presets`` assembles ``PRESETS`` from these.
"""

from __future__ import annotations

from core.styles.style import Style

THEMED: tuple[Style, ...] = (
    Style(
        key="christmas", category="D", emoji="🎄", aspect_ratio="3:4",
        name_en="Christmas", name_zh="圣诞节",
        best_for_en="Holiday greeting, social", best_for_zh="节日祝福、社交分享",
        prompt=(
            "festive Christmas portrait of the person, "
            "wearing a cozy red knit holiday sweater and a soft scarf, "
            "half-body, holding a warm mug of cocoa, "
            "joyful warm smile, "
            "cozy living room background with a decorated Christmas tree, fireplace and twinkling fairy lights, "
            "warm glowing light from the fire and string lights, soft bokeh, "
            "holiday card photography quality, "
            "keep facial features recognizable"
        ),
    ),
    Style(
        key="halloween", category="D", emoji="🎃", aspect_ratio="3:4",
        name_en="Halloween", name_zh="万圣节",
        best_for_en="Holiday fun", best_for_zh="节日趣味",
        prompt=(
            "Halloween costume portrait of the person, "
            "wearing an elegant witch-and-vampire inspired costume with a dark cape, "
            "half-body, holding a carved glowing jack-o'-lantern, "
            "playful mysterious grin, "
            "spooky moonlit forest background with fog, bare trees and floating lanterns, "
            "moody orange lantern light with cool moonlight rim light, "
            "cinematic fantasy photography quality, "
            "keep facial features recognizable"
        ),
    ),
    Style(
        key="graduation", category="D", emoji="🎓", aspect_ratio="3:4",
        name_en="Graduation", name_zh="毕业照",
        best_for_en="Milestone celebration", best_for_zh="毕业纪念",
        prompt=(
            "graduation portrait of the person, "
            "wearing a black graduation gown and mortarboard cap with a tassel, "
            "half-body, holding a rolled diploma, "
            "proud joyful smile, "
            "university campus background with a classic stone building and green lawn, "
            "bright natural daylight with soft fill light, "
            "commemorative photography quality, 85mm lens look, "
            "keep facial features recognizable"
        ),
    ),
    Style(
        key="wedding", category="D", emoji="💍", aspect_ratio="3:4",
        name_en="Wedding", name_zh="婚纱照",
        best_for_en="Wedding planning, save-the-date", best_for_zh="婚礼筹备、请柬",
        prompt=(
            "romantic wedding portrait of the person, "
            "wearing elegant wedding attire, a white lace gown or a tailored wedding suit to suit the person, "
            "graceful half-body pose holding a bouquet of white roses, "
            "radiant happy smile, "
            "dreamy garden background with a floral arch and soft greenery, "
            "soft golden hour backlight with a gentle glow, "
            "fine art wedding photography quality, shallow depth of field, "
            "keep facial features recognizable"
        ),
    ),
    Style(
        key="business_speech", category="D", emoji="🎤", aspect_ratio="4:3",
        name_en="Business speech", name_zh="商务演讲",
        best_for_en="Speaker profile", best_for_zh="演讲嘉宾介绍",
        prompt=(
            "keynote speaker portrait of the person on a conference stage, "
            "wearing a sharp modern business suit with a small headset microphone, "
            "mid-gesture while speaking, one hand open toward the audience, "
            "engaged confident expression, "
            "conference stage background with a large blurred presentation screen and audience silhouettes, "
            "dramatic stage spotlight with soft blue ambient light, "
            "event photography quality, telephoto lens look, "
            "keep facial features recognizable"
        ),
    ),
    Style(
        key="musician", category="D", emoji="🎸", aspect_ratio="3:4",
        name_en="Musician", name_zh="音乐人",
        best_for_en="Music promotion", best_for_zh="音乐宣传",
        prompt=(
            "musician portrait of the person performing on stage, "
            "wearing a stylish black stage outfit, "
            "playing an electric guitar at the microphone, "
            "passionate expression, energetic, "
            "concert stage background with haze and a crowd in silhouette, "
            "dramatic colored stage lights, volumetric light beams and rim lighting, "
            "live concert photography quality, "
            "keep facial features recognizable"
        ),
    ),
    Style(
        key="chef", category="D", emoji="🧑‍🍳", aspect_ratio="3:4",
        name_en="Chef", name_zh="大厨",
        best_for_en="Food blog, restaurant", best_for_zh="美食博客、餐厅",
        prompt=(
            "chef portrait of the person in a professional kitchen, "
            "wearing a crisp white chef's jacket and apron, "
            "half-body, plating a dish with care, "
            "proud friendly smile, "
            "blurred stainless steel restaurant kitchen background with copper pans and steam, "
            "warm kitchen light with soft overhead key light, "
            "culinary magazine photography quality, shallow depth of field, "
            "keep facial features recognizable"
        ),
    ),
    Style(
        key="outdoor_adventure", category="D", emoji="🏔️", aspect_ratio="3:4",
        name_en="Outdoor adventure", name_zh="户外探险",
        best_for_en="Adventure blog", best_for_zh="户外探险博客",
        prompt=(
            "outdoor adventure portrait of the person, "
            "wearing a technical hiking jacket and a backpack, "
            "standing on a rocky mountain ridge, half-body, looking toward the camera, "
            "exhilarated confident smile, "
            "dramatic mountain range background with valleys and drifting clouds, "
            "golden hour warm light with crisp clear air, "
            "National Geographic photography style, "
            "keep facial features recognizable"
        ),
    ),
    Style(
        key="pet_together", category="D", emoji="🐶", aspect_ratio="3:4",
        name_en="With my pet", name_zh="与宠物合影",
        best_for_en="Pet lover profile", best_for_zh="爱宠人士",
        prompt=(
            "heartwarming portrait of the person with their pet, "
            "wearing a comfortable casual sweater, "
            "sitting on the grass hugging a friendly dog, "
            "loving joyful smile, "
            "sunny backyard garden background with soft green bokeh, "
            "warm natural afternoon light, dappled sunlight through trees, "
            "lifestyle pet photography quality, "
            "keep facial features recognizable"
        ),
    ),
    Style(
        key="reading", category="D", emoji="📚", aspect_ratio="3:4",
        name_en="Reading", name_zh="阅读时光",
        best_for_en="Book club, literary", best_for_zh="读书会、文艺气质",
        prompt=(
            "literary portrait of the person reading, "
            "wearing a soft cardigan and comfortable clothes, "
            "curled up in an armchair holding an open book, looking up from the page, "
            "thoughtful gentle smile, "
            "cozy library background with tall wooden bookshelves and a reading lamp, "
            "warm lamp light with soft window light, "
            "editorial lifestyle photography quality, shallow depth of field, "
            "keep facial features recognizable"
        ),
    ),
    Style(
        key="night_city", category="D", emoji="🌆", aspect_ratio="3:4",
        name_en="Night city", name_zh="城市夜景",
        best_for_en="Urban lifestyle", best_for_zh="都市生活",
        prompt=(
            "night city portrait of the person, "
            "wearing a stylish dark coat, "
            "half-body on a city rooftop with the skyline behind, turned toward the camera, "
            "cool confident expression with a slight smile, "
            "glittering night city skyline background with colourful bokeh lights, "
            "neon glow and warm street light on the face, cinematic rim lighting, "
            "cinematic night photography quality, 85mm lens look, "
            "keep facial features recognizable"
        ),
    ),
    Style(
        key="hanfu", category="D", emoji="🏮", aspect_ratio="3:4",
        name_en="Hanfu (Chinese traditional)", name_zh="汉服古风",
        best_for_en="Cultural, cosplay", best_for_zh="传统文化、古风写真",
        prompt=(
            "traditional Chinese Hanfu portrait of the person, "
            "wearing flowing silk Hanfu robes with wide sleeves and delicate embroidery, "
            "hair styled in a traditional updo with a hairpin, "
            "graceful standing pose holding a round silk fan, "
            "serene elegant expression, "
            "classical Chinese garden background with a pavilion, lotus pond and plum blossoms, "
            "soft diffused natural light with a gentle haze, "
            "cinematic guofeng photography quality, rich detail, "
            "keep facial features recognizable"
        ),
    ),
)
