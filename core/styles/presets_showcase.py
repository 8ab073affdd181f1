"""Category B, showcase, dating & social: personal showcase, dating-app and social-media
portraits, in display order.

Part of the preset data; ``core.styles.presets`` assembles ``PRESETS`` from these.
"""

from __future__ import annotations

from core.styles.style import Style

SHOWCASE: tuple[Style, ...] = (
    Style(
        key="dating_cafe", category="B", emoji="☕", aspect_ratio="3:4",
        name_en="Dating — cafe", name_zh="交友 · 咖啡馆",
        best_for_en="Dating app, warm vibe", best_for_zh="交友软件、温暖氛围",
        prompt=(
            "candid dating profile photo of the person in a cozy cafe, "
            "wearing a well-fitted casual knit top, "
            "seated at a wooden table holding a cup of coffee, leaning slightly forward, "
            "warm genuine smile, friendly inviting eye contact, "
            "blurred cozy cafe background with warm Edison bulbs and plants, "
            "soft natural window light with warm ambient glow, "
            "85mm lens look, shallow depth of field, authentic lifestyle photography quality, "
            "keep facial features recognizable"
        ),
    ),
    Style(
        key="dating_beach", category="B", emoji="🏖️", aspect_ratio="3:4",
        name_en="Dating — beach", name_zh="交友 · 海滩",
        best_for_en="Dating app, summer vibe", best_for_zh="交友软件、夏日氛围",
        prompt=(
            "candid dating profile photo of the person at the beach, "
            "wearing a light linen summer shirt, "
            "walking along the shoreline, turning toward the camera, "
            "relaxed carefree laugh, bright happy expression, "
            "blurred beach background with gentle waves and a soft horizon, "
            "golden hour warm light with sun flare, "
            "85mm lens look, shallow depth of field, authentic lifestyle photography quality, "
            "keep facial features recognizable"
        ),
    ),
    Style(
        key="dating_city", category="B", emoji="🏙️", aspect_ratio="3:4",
        name_en="Dating — city", name_zh="交友 · 城市街拍",
        best_for_en="Dating app, urban vibe", best_for_zh="交友软件、都市氛围",
        prompt=(
            "candid dating profile street photo of the person in the city, "
            "wearing a stylish casual jacket over a plain tee, "
            "walking on a city sidewalk, glancing at the camera mid-stride, "
            "confident easy smile, "
            "blurred urban street background with storefronts and city lights, "
            "late afternoon natural light with soft reflections, "
            "street style photography, 50mm lens look, shallow depth of field, "
            "keep facial features recognizable"
        ),
    ),
    Style(
        key="dating_restaurant", category="B", emoji="🍷", aspect_ratio="3:4",
        name_en="Dating — restaurant", name_zh="交友 · 餐厅",
        best_for_en="Dating app, elegant vibe", best_for_zh="交友软件、优雅氛围",
        prompt=(
            "elegant dating profile photo of the person at a fine restaurant, "
            "wearing smart evening attire, "
            "seated at a candlelit table, relaxed posture, "
            "charming warm smile, confident expression, "
            "blurred upscale restaurant background with soft bokeh lights and wine glasses, "
            "warm candlelight and ambient low light, "
            "85mm lens look, shallow depth of field, editorial photography quality, "
            "keep facial features recognizable"
        ),
    ),
    Style(
        key="travel_europe", category="B", emoji="🗼", aspect_ratio="3:4",
        name_en="Travel — Europe", name_zh="旅行 · 欧洲",
        best_for_en="Travel blog, social media", best_for_zh="旅行博客、社交媒体",
        prompt=(
            "travel portrait of the person in Europe, "
            "wearing a light trench coat and a scarf, "
            "standing on a cobblestone street, half-body, turned toward the camera, "
            "happy relaxed smile, "
            "Parisian street background with cafes, wrought-iron balconies and the Eiffel Tower in soft focus, "
            "golden hour warm light, "
            "travel magazine photography quality, 50mm lens look, "
            "keep facial features recognizable"
        ),
    ),
    Style(
        key="travel_japan", category="B", emoji="⛩️", aspect_ratio="3:4",
        name_en="Travel — Japan", name_zh="旅行 · 日本",
        best_for_en="Travel blog, cultural", best_for_zh="旅行博客、文化体验",
        prompt=(
            "travel portrait of the person in Kyoto, Japan, "
            "wearing a light casual jacket, "
            "standing on a stone path, half-body, turned toward the camera, "
            "calm happy smile, "
            "traditional Kyoto street background with wooden machiya houses, a red torii gate and cherry blossoms, "
            "soft diffused morning light, "
            "travel magazine photography quality, 50mm lens look, shallow depth of field, "
            "keep facial features recognizable"
        ),
    ),
    Style(
        key="travel_tropical", category="B", emoji="🌴", aspect_ratio="3:4",
        name_en="Travel — tropical", name_zh="旅行 · 热带度假",
        best_for_en="Vacation, resort", best_for_zh="度假、海岛酒店",
        prompt=(
            "tropical vacation portrait of the person, "
            "wearing a breezy resort shirt or summer dress and sunglasses pushed up on the head, "
            "relaxed half-body pose by an infinity pool, "
            "carefree joyful smile, "
            "tropical resort background with palm trees, turquoise sea and white sand, "
            "bright golden hour warm light, "
            "vibrant travel photography quality, "
            "keep facial features recognizable"
        ),
    ),
    Style(
        key="sports_gym", category="B", emoji="🏋️", aspect_ratio="3:4",
        name_en="Sports — gym", name_zh="运动 · 健身房",
        best_for_en="Fitness profile", best_for_zh="健身主页",
        prompt=(
            "fitness portrait of the person in a modern gym, "
            "wearing fitted athletic training wear, "
            "half-body, arms crossed beside a dumbbell rack, "
            "focused determined expression with a slight smile, "
            "blurred industrial gym background with equipment and concrete walls, "
            "dramatic side lighting with strong contrast and rim light, "
            "sports magazine photography quality, "
            "keep facial features recognizable"
        ),
    ),
    Style(
        key="sports_running", category="B", emoji="🏃", aspect_ratio="3:4",
        name_en="Sports — running", name_zh="运动 · 跑步",
        best_for_en="Athletic profile", best_for_zh="运动主页",
        prompt=(
            "athletic running portrait of the person, "
            "wearing a breathable running top and sports watch, "
            "mid-stride on a waterfront running path, dynamic motion, "
            "energetic focused expression, "
            "blurred waterfront path background with morning mist, "
            "early morning golden hour light, backlit glow, "
            "sports photography, fast shutter, sharp subject, magazine quality, "
            "keep facial features recognizable"
        ),
    ),
    Style(
        key="social_media", category="B", emoji="📱", aspect_ratio="9:16",
        name_en="Social media", name_zh="社交媒体",
        best_for_en="Instagram, TikTok", best_for_zh="小红书、抖音、Instagram",
        prompt=(
            "trendy social media portrait of the person, "
            "wearing a stylish on-trend outfit, "
            "vertical framing, confident influencer pose, "
            "bright playful smile, lively expression, "
            "aesthetic pastel cafe wall background with neon sign and plants, "
            "soft ring-light beauty lighting with bright even highlights, "
            "Instagram-ready influencer photography quality, vibrant colours, "
            "keep facial features recognizable"
        ),
    ),
    Style(
        key="linkedin", category="B", emoji="🔗", aspect_ratio="1:1",
        name_en="LinkedIn profile", name_zh="领英头像",
        best_for_en="Professional networking", best_for_zh="职场社交",
        prompt=(
            "LinkedIn profile headshot of the person, "
            "wearing smart business casual attire, a blazer over an open-collar shirt, "
            "head and shoulders framing, centred, facing the camera, "
            "warm genuine smile, confident approachable expression, "
            "blurred modern office background with glass windows and city view, "
            "soft diffused studio lighting, natural skin tones, "
            "85mm lens look, shallow depth of field, professional photography quality, "
            "keep facial features recognizable"
        ),
    ),
    Style(
        key="personal_brand", category="B", emoji="🚀", aspect_ratio="3:4",
        name_en="Personal brand", name_zh="个人品牌",
        best_for_en="Entrepreneur, creator", best_for_zh="创业者、内容创作者",
        prompt=(
            "personal brand portrait of the person as a modern entrepreneur, "
            "wearing a smart casual outfit with a premium minimal look, "
            "half-body, leaning against a desk with arms loosely crossed, "
            "confident charismatic smile, "
            "bright creative studio background with shelves, a laptop and plants, "
            "soft window light with a warm fill light, "
            "editorial magazine cover quality, 50mm lens look, "
            "keep facial features recognizable"
        ),
    ),
)
