"""The style catalogue as data: every preset of seed 000 §5, its names and its prompt.

To add a preset, append a ``Style(...)`` to ``PRESETS`` (the key must be new, lowercase
letters, digits and ``_``). Each prompt follows seed 000 §8's seven elements, in order:
subject, attire, pose, expression, background, lighting, quality anchors. Edit-mode requests
get the likeness instruction in front (``core.prompts``) unless ``likeness=False``.
Operators can override or add styles without touching this file (``examples/styles.toml``).
"""

from __future__ import annotations

from core.styles.style import Category, Style

CATEGORIES: tuple[Category, ...] = (
    Category("A", "Identity styles", "人像风格"),
    Category("B", "Showcase, dating & social", "个人展示 · 交友 · 社交"),
    Category("D", "Themed & scene portraits", "主题场景写真"),
    Category("O", "Digital avatars", "数字头像"),
    Category("T", "Children & family", "儿童与家庭"),
    Category("U", "ID & passport photos", "证件照"),
    Category("C", "Custom styles", "自定义风格"),
)
"""In display order. "C" holds operator styles that name no other category."""

BACKGROUND_WORDS: dict[str, str] = {
    "white": "plain uniform pure white (#FFFFFF)",
    "blue": "plain uniform light blue (#438EDB)",
    "red": "plain uniform red (#D9001B)",
    "gray": "plain uniform light gray (#E5E5E5)",
}
"""ID-photo backdrop colours, as the prompt words them. Chinese ID photos use white, blue
(RGB 67,142,219) and red; the hex codes help models that honour them."""

PRESETS: tuple[Style, ...] = (
    # ── A: identity-consistent character styles ────────────────────────────────────────
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
    # ── B: personal showcase / dating / social ─────────────────────────────────────────
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
    # ── D: themed / scene portraits ────────────────────────────────────────────────────
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
    # ── O: digital avatars (stylisation first: no likeness prefix) ─────────────────────
    Style(
        key="avatar_3d", category="O", emoji="🧸", aspect_ratio="1:1", likeness=False,
        name_en="3D cartoon avatar", name_zh="3D 卡通头像",
        best_for_en="Social avatar, Pixar style", best_for_zh="社交头像、皮克斯风",
        prompt=(
            "3D cartoon character avatar based on the person in the photo, "
            "wearing their everyday outfit simplified into clean shapes, "
            "close-up face, head and shoulders, slight friendly head tilt, "
            "big warm smile with expressive eyes, "
            "simple soft gradient background that matches the character style, "
            "soft global illumination with a gentle rim light, "
            "Pixar and Disney animation style, high quality 3D render, "
            "stylized but maintains individual features: hair, face shape and signature traits"
        ),
    ),
    Style(
        key="avatar_gaming", category="O", emoji="🎮", aspect_ratio="1:1", likeness=False,
        name_en="Gaming avatar", name_zh="游戏头像",
        best_for_en="Game profile, RPG", best_for_zh="游戏资料、RPG 角色",
        prompt=(
            "epic fantasy RPG hero avatar based on the person in the photo, "
            "wearing ornate battle armour with a flowing cloak, "
            "heroic three-quarter pose, weapon over the shoulder, "
            "fierce determined expression, "
            "dramatic battlefield background with glowing magic particles that matches the character style, "
            "dramatic rim lighting with volumetric light beams, "
            "League of Legends splash art style, highly detailed digital painting, "
            "stylized but maintains individual features"
        ),
    ),
    Style(
        key="avatar_vtuber", category="O", emoji="✨", aspect_ratio="1:1", likeness=False,
        name_en="VTuber avatar", name_zh="虚拟主播头像",
        best_for_en="Streaming, VTuber", best_for_zh="直播、虚拟主播",
        prompt=(
            "VTuber anime avatar based on the person in the photo, "
            "wearing a colourful idol-style outfit with cute accessories, "
            "close-up face, portrait orientation, front-facing pose ready for streaming, "
            "cheerful lively expression with big sparkling eyes, "
            "simple pastel gradient background with soft sparkles that matches the character style, "
            "bright soft anime lighting with glowing highlights, "
            "Live2D VTuber model art style, cel-shaded, clean line art, "
            "stylized but maintains individual features"
        ),
    ),
    # ── T: children & family ───────────────────────────────────────────────────────────
    Style(
        key="child_portrait", category="T", emoji="🧒", aspect_ratio="3:4",
        name_en="Child portrait", name_zh="儿童写真",
        best_for_en="Family keepsake", best_for_zh="家庭纪念",
        prompt=(
            "gentle portrait of the child in the photo, "
            "wearing soft comfortable clothes in light pastel colours, "
            "natural playful pose sitting on a blanket, "
            "innocent bright smile, curious happy eyes, "
            "airy sunlit nursery background with soft toys in gentle focus, "
            "soft diffused natural window light, "
            "heartwarming family photography quality, shallow depth of field, "
            "keep facial features recognizable"
        ),
    ),
    Style(
        key="family_photo", category="T", emoji="👪", aspect_ratio="4:3",
        name_en="Family photo", name_zh="全家福",
        best_for_en="Family portrait", best_for_zh="家庭合影",
        prompt=(
            "warm family portrait of the people in the photo together, "
            "wearing coordinated outfits in soft neutral colours, "
            "close relaxed group pose, arms around each other, "
            "natural joyful smiles, "
            "outdoor park background with autumn trees in soft focus, "
            "golden hour warm light with soft fill, "
            "professional family photography quality, sharp faces, "
            "keep every person's facial features recognizable"
        ),
    ),
    # ── U: ID / passport photos ────────────────────────────────────────────────────────
    Style(
        key="id_photo_white", category="U", emoji="🪪", aspect_ratio="3:4", background="white",
        name_en="ID photo (white background)", name_zh="证件照（白底）",
        best_for_en="Passport, driver's license", best_for_zh="护照、驾照",
        prompt=(
            "official ID photo of the person, "
            "wearing neat plain dark clothing with no accessories, no glasses, no hat, "
            "head and shoulders, facing the camera squarely, head centred and upright, both ears visible, "
            "neutral calm expression with mouth closed, eyes open looking into the lens, "
            "{background} background with no texture or shadow, "
            "even flat lighting with no shadows on the face or background, "
            "true-to-life skin tones, sharp focus, passport photo standard, "
            "keep facial features exactly as in the reference"
        ),
    ),
    Style(
        key="id_photo_blue", category="U", emoji="🛂", aspect_ratio="3:4", background="blue",
        name_en="ID photo (blue background)", name_zh="证件照（蓝底）",
        best_for_en="Visa, work permit", best_for_zh="签证、工作证",
        prompt=(
            "official ID photo of the person, "
            "wearing neat plain clothing with no accessories, no glasses, no hat, "
            "head and shoulders, facing the camera squarely, head centred and upright, both ears visible, "
            "neutral calm expression with mouth closed, eyes open looking into the lens, "
            "{background} background with no texture or shadow, "
            "even flat lighting with no shadows on the face or background, "
            "true-to-life skin tones, sharp focus, visa photo standard, "
            "keep facial features exactly as in the reference"
        ),
    ),
)
