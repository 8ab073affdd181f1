"""Category A, identity styles: identity-consistent character styles (professional, artistic,
anime …), in display order.

Part of the preset data; ``core.styles.presets`` assembles ``PRESETS`` from these.
"""

from __future__ import annotations

from core.styles.style import Style

IDENTITY: tuple[Style, ...] = (
    Style(
        key="professional", category="A", emoji="💼", aspect_ratio="3:4",
        name_en="Professional headshot", name_zh="职业形象照",
        best_for_en="LinkedIn, resume, corporate", best_for_zh="领英、简历、企业官网",
        prompt=(
            "professional corporate headshot of the person, "
            "wearing a tailored charcoal blazer over a crisp white shirt, "
            "head and shoulders framing, shoulders turned slightly to the camera, "
            "warm genuine smile, confident approachable expression, "
            "clean neutral gray gradient studio background, "
            "soft diffused studio lighting with a gentle rim light, "
            "85mm lens look, shallow depth of field, sharp focus on the eyes, "
            "professional photography quality, keep facial features recognizable"
        ),
    ),
    Style(
        key="artistic", category="A", emoji="🎨", aspect_ratio="3:4",
        name_en="Artistic portrait", name_zh="艺术肖像",
        best_for_en="Creative portfolio, gallery", best_for_zh="作品集、艺术展",
        prompt=(
            "fine art portrait of the person, "
            "wearing a simple dark turtleneck with textured layered fabric, "
            "three-quarter view, chin slightly lifted, gaze past the camera, "
            "thoughtful contemplative expression, "
            "deep moody painted backdrop background in muted teal and umber tones, "
            "Rembrandt chiaroscuro lighting with a single soft window light, "
            "gallery fine art photography, rich tonal depth, magazine cover quality, "
            "stylized but maintains individual features"
        ),
    ),
    Style(
        key="anime", category="A", emoji="🌸", aspect_ratio="1:1",
        name_en="Anime", name_zh="动漫风",
        best_for_en="Social media, fun avatar", best_for_zh="社交媒体、趣味头像",
        prompt=(
            "anime character portrait of the person, "
            "wearing a casual school-style jacket in soft pastel colours, "
            "head and shoulders, slight head tilt toward the viewer, "
            "bright cheerful expression with sparkling expressive eyes, "
            "hand-painted background of a sunny hillside town with drifting clouds, "
            "soft warm afternoon light with gentle glow, "
            "Studio Ghibli inspired, cel-shaded, clean line art, bold outlines, "
            "stylized but maintains individual features"
        ),
    ),
    Style(
        key="cyberpunk", category="A", emoji="🌃", aspect_ratio="3:4",
        name_en="Cyberpunk", name_zh="赛博朋克",
        best_for_en="Gaming profile, sci-fi fan", best_for_zh="游戏资料、科幻迷",
        prompt=(
            "cyberpunk portrait of the person, "
            "wearing a high-collar techwear jacket with glowing circuit seams and a subtle cybernetic ear implant, "
            "head and shoulders, turned three-quarters toward the camera, "
            "cool determined expression, "
            "rain-soaked futuristic city street background with holographic signs and bokeh, "
            "neon glow lighting in magenta and cyan with dramatic rim lighting, "
            "cinematic sci-fi concept art, highly detailed, blade-runner mood, "
            "stylized but maintains individual features"
        ),
    ),
    Style(
        key="oil_painting", category="A", emoji="🖼️", aspect_ratio="3:4",
        name_en="Oil painting", name_zh="油画",
        best_for_en="Art gift, classical look", best_for_zh="艺术礼物、古典气质",
        prompt=(
            "classical oil painting portrait of the person, "
            "wearing elegant dark velvet attire with a soft white collar, "
            "seated three-quarter pose, hands resting, "
            "calm dignified expression with a hint of a smile, "
            "dark warm painted background with a draped curtain, "
            "Rembrandt chiaroscuro lighting from a high side window, "
            "old master style, visible impasto brushstrokes, canvas texture, museum quality, "
            "stylized but maintains individual features"
        ),
    ),
    Style(
        key="watercolor", category="A", emoji="💧", aspect_ratio="3:4",
        name_en="Watercolor", name_zh="水彩",
        best_for_en="Soft artistic portrait", best_for_zh="柔和艺术肖像",
        prompt=(
            "watercolor portrait of the person, "
            "wearing a light flowing linen top in soft colours, "
            "head and shoulders, relaxed natural pose, "
            "gentle serene smile, "
            "airy white paper background with loose floral washes fading at the edges, "
            "soft diffused daylight, delicate highlights, "
            "loose expressive watercolor style, soft edges, beautiful color bleeds and washes, "
            "fine art watercolor painting look, stylized but maintains individual features"
        ),
    ),
    Style(
        key="vintage", category="A", emoji="📷", aspect_ratio="3:4",
        name_en="Vintage", name_zh="复古胶片",
        best_for_en="Retro aesthetic, nostalgia", best_for_zh="复古风、怀旧",
        prompt=(
            "vintage 1970s film portrait of the person, "
            "wearing a retro patterned shirt with a wide collar and warm earthy tones, "
            "casual half-body pose leaning on a wooden window frame, "
            "relaxed nostalgic smile, "
            "sun-faded living room background with wood panelling and a houseplant, "
            "warm golden hour window light with soft glow, "
            "natural film grain, Kodak Portra emulation, slightly faded colours, "
            "authentic analog photography quality"
        ),
    ),
    Style(
        key="casual", category="A", emoji="☀️", aspect_ratio="3:4",
        name_en="Casual lifestyle", name_zh="休闲生活照",
        best_for_en="Social media, personal blog", best_for_zh="社交媒体、个人博客",
        prompt=(
            "casual lifestyle portrait of the person, "
            "wearing a soft knit sweater and jeans, "
            "half-body, relaxed natural pose, candid moment, "
            "warm genuine smile, easygoing expression, "
            "blurred sunny park background with green trees, "
            "dappled sunlight through trees, natural warm light, "
            "85mm lens look, shallow depth of field, lifestyle photography quality, "
            "keep facial features recognizable"
        ),
    ),
)
