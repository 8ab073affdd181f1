"""Which words name which style (seed 000 §5 keys, §10 table), in English and Chinese.

Data, not code: add a synonym by adding a string. English phrases match whole words
(plurals and, for FUZZY_WORDS, small typos are forgiven); phrases holding Chinese characters
match anywhere in the text. Longer phrases beat the shorter phrases they contain ("night city"
beats "city", "3d cartoon" beats "cartoon"). Phrases in WEAK_PHRASES only decide the style
when nothing stronger is named.
"""

from __future__ import annotations

STYLE_KEYS: tuple[str, ...] = (
    "professional", "artistic", "anime", "cyberpunk", "oil_painting", "watercolor", "vintage",
    "casual", "dating_cafe", "dating_beach", "dating_city", "dating_restaurant",
    "travel_europe", "travel_japan", "travel_tropical", "sports_gym", "sports_running",
    "social_media", "linkedin", "personal_brand", "christmas", "halloween", "graduation",
    "wedding", "business_speech", "musician", "chef", "outdoor_adventure", "pet_together",
    "reading", "night_city", "hanfu", "avatar_3d", "avatar_gaming", "avatar_vtuber",
    "child_portrait", "family_photo", "id_photo_white", "id_photo_blue",
)
"""The 39 preset keys of seed 000 §5, in catalogue order."""

STYLE_WORDS: dict[str, tuple[str, ...]] = {
    "professional": (
        "professional", "headshot", "professional headshot", "head shot", "corporate", "business portrait",
        "business photo", "business headshot", "business", "resume", "cv photo", "cv",
        "work photo", "executive", "formal portrait", "job application", "job interview",
        "company profile", "company website", "office portrait", "professional photo",
        "profesional", "proffesional",
        "职业照", "职业形象", "职业", "商务照", "商务", "形象照", "正装", "简历", "工作照",
        "求职", "面试", "西装照", "职场", "大头照", "lawyer", "attorney", "law firm", "realtor",
        "real estate agent", "consultant", "accountant", "financial advisor", "律师",
        "顾问", "pro pic", "pro photo", "pro headshot", "work pic", "work pfp", "for work", "slack", "microsoft teams", "company directory", "work profile", "专业照", "专业头像", "专业形象", "专业肖像", "专业人像",
        "找工作", "正式一点", "正式点", "正经点", "正经一点", "正经的头像", "正式照", "正式头像", "正式形象", "job hunting",
        "job hunt", "job search", "job seeking", "formal photo", "formal headshot",
    ),
    "linkedin": (
        "linkedin", "linked in", "linkedin profile", "linkdin", "领英",
    ),
    "artistic": (
        "artistic", "art portrait", "fine art", "artsy", "art photo", "gallery", "painting",
        "painted", "art", "creative portrait", "portfolio", "van gogh", "monet", "impressionist",
        "impressionism", "picasso", "cubist", "cubism", "expressionist", "klimt", "abstract",
        "surreal", "surrealist", "梵高", "莫奈", "印象派", "毕加索", "抽象",
        "艺术照", "艺术写真", "艺术", "文艺", "画作", "油彩", "模特", "fashion model",
        "fashion shoot", "fashion editorial", "editorial", "magazine cover", "时尚大片",
        "杂志封面", "时尚",
    ),
    "anime": (
        "anime", "amine", "anmie", "manga", "cartoon", "cartoon me", "animate me", "animated me", "cartoonify",
        "cartoonize", "cartoonise", "toonify", "animefy", "anime ify", "ghibli", "studio ghibli", "cel shaded",
        "ghiblify", "ghibli fy", "ghiblified", "animeify", "animefied", "mangafy",
        "japanese animation", "japanese anime", "animated", "waifu", "anime style", "animu", "toon",
        "动漫", "动画", "二次元", "漫画", "卡通", "日漫", "宫崎骏", "吉卜力", "番剧", "日系动漫",
    ),
    "cyberpunk": (
        "cyberpunk", "cyber punk", "cyber", "sci fi", "scifi", "science fiction", "futuristic",
        "blade runner", "synthwave", "cyborg", "neon", "cyberpunk 2077", "high tech",
        "赛博朋克", "赛博", "科幻", "未来感", "未来风", "未来主义", "机械",
    ),
    "oil_painting": (
        "oil painting", "oil portrait", "oil", "classical portrait", "classical painting",
        "classical", "renaissance", "rembrandt", "baroque", "old master", "old masters",
        "impasto", "canvas painting", "museum painting", "dutch master", "dutch masters",
        "dutch master painting", "vermeer", "dutch golden age", "old master painting",
        "油画", "古典肖像", "古典油画", "古典画", "文艺复兴",
    ),
    "watercolor": (
        "watercolor", "watercolour", "water color", "water colour", "aquarelle",
        "水彩", "水彩画",
    ),
    "vintage": (
        "vintage", "retro", "old fashioned", "old school", "film photo", "analog", "analogue",
        "polaroid", "sepia", "nostalgic", "nostalgia", "noir", "film noir", "1920s", "1950s", "1960s", "1970s",
        "1980s", "1990s", "20s", "50s", "60s", "70s", "80s", "90s", "film camera",
        "black and white", "kodak", "old photo", "classic film",
        "复古", "怀旧", "老照片", "胶片", "民国风", "民国", "港风", "黑白", "年代感", "拍立得",
        "宝丽来",
    ),
    "casual": (
        "casual", "lifestyle", "everyday", "relaxed", "candid", "daily life", "natural look",
        "laid back", "chill", "weekend",
        "休闲", "生活照", "日常", "随性", "生活", "随拍", "自然风",
    ),
    "travel_europe": (
        "europe", "european", "paris", "france", "french riviera", "london", "rome", "italy",
        "venice", "florence", "barcelona", "spain", "amsterdam", "prague", "santorini",
        "greece", "switzerland", "swiss alps", "eiffel tower", "colosseum", "vienna", "berlin",
        "germany", "lisbon", "portugal", "alps", "swiss", "amalfi", "tuscany", "big ben",
        "tower bridge", "buckingham palace", "louvre", "arc de triomphe", "notre dame",
        "sagrada familia", "acropolis", "neuschwanstein", "munich", "madrid", "milan",
        "edinburgh", "dublin", "budapest", "copenhagen", "stockholm", "iceland", "montmartre",
        "欧洲", "巴黎", "法国", "伦敦", "罗马", "意大利", "威尼斯", "西班牙", "瑞士", "希腊",
        "埃菲尔", "英国", "德国", "布拉格", "圣托里尼", "大本钟", "卢浮宫", "凯旋门", "斗兽场",
        "巴塞罗那", "阿姆斯特丹", "维也纳", "米兰", "伦敦塔桥", "冰岛", "北欧",
    ),
    "travel_japan": (
        "japan", "tokyo", "kyoto", "osaka", "mount fuji", "mt fuji", "fuji", "cherry blossom",
        "cherry blossoms", "sakura", "shibuya", "nara", "japanese temple", "japanese street",
        "hokkaido", "okinawa", "harajuku", "shinjuku", "ginza", "akihabara", "asakusa",
        "日本", "东京", "京都", "大阪", "富士山", "樱花", "奈良", "涩谷", "北海道", "冲绳",
        "银座", "秋叶原", "浅草", "新宿", "kimono", "yukata", "和服", "浴衣",
    ),
    "travel_tropical": (
        "tropical", "beach", "island", "resort", "bali", "maldives", "hawaii", "thailand",
        "phuket", "palm trees", "palm tree", "beach vacation", "seaside", "caribbean", "cancun", "🏖",
        "🌴",
        "海岛", "热带", "海边", "沙滩", "海滩", "度假", "马尔代夫", "巴厘岛", "三亚", "夏威夷",
        "泰国", "椰子树",
    ),
    "sports_gym": (
        "gym", "fitness", "workout", "working out", "bodybuilding", "weightlifting",
        "lifting weights", "crossfit", "muscles", "muscular", "dumbbell", "dumbbells",
        "look fit", "athletic", "toned", "six pack", "abs",
        "健身", "健身房", "撸铁", "肌肉", "举铁",
    ),
    "sports_running": (
        "running", "runner", "marathon", "jogging", "jog", "sprint", "sprinting", "track",
        "on a run", "for a run", "trail run", "trail running", "trail runner", "morning run", "evening run", "go for a run",
        "half marathon", "5k", "10k", "track and field",
        "跑步", "马拉松", "晨跑", "慢跑", "跑者",
    ),
    "social_media": (
        "social media", "instagram", "insta", "ig", "tiktok", "influencer", "xiaohongshu",
        "facebook", "twitter", "youtube thumbnail", "snapchat", "social", "youtube",
        "youtube channel", "youtuber", "threads", "bilibili", "b站", "快手",
        "小红书", "朋友圈", "社交媒体", "网红", "抖音", "微博", "ins风", "ins", "社交",
    ),
    "personal_brand": (
        "personal brand", "personal branding", "entrepreneur", "founder", "creator",
        "content creator", "solopreneur", "coach headshot", "brand photoshoot", "brand shoot",
        "brand",
        "thought leader", "brand photo", "branding", "ceo", "startup", "coach",
        "podcast", "podcaster", "播客", "个人品牌", "创业者", "品牌形象", "创始人", "品牌照", "个人ip", "ip形象", "博主",
    ),
    "christmas": (
        "christmas", "xmas", "x mas", "santa", "santa claus", "christmas tree", "festive",
        "holiday card", "chrismas", "christmass", "🎄", "🎅",
        "圣诞", "圣诞节", "圣诞树", "圣诞老人",
    ),
    "halloween": (
        "halloween", "spooky", "trick or treat", "jack o lantern", "pumpkin", "haloween", "🎃",
        "👻", "costume party", "witch costume", "vampire costume", "zombie costume",
        "ghost costume", "skeleton costume", "monster costume", "werewolf costume",
        "mummy costume", "devil costume", "扮鬼", "变装派对", "女巫装扮", "女巫装",
        "巫婆装", "吸血鬼装扮", "僵尸装扮", "鬼怪装扮",
        "万圣节", "万圣", "南瓜",
    ),
    "graduation": (
        "graduation", "graduate", "graduating", "grad photo", "grad", "cap and gown",
        "commencement", "diploma", "convocation", "🎓",
        "毕业照", "毕业", "学士服", "硕士服", "博士服",
    ),
    "wedding": (
        "wedding", "bride", "groom", "bridal", "wedding dress", "engagement", "save the date",
        "marriage", "married", "👰", "💍", "🤵",
        "婚纱", "婚礼", "结婚照", "婚纱照", "新娘", "新郎", "结婚",
    ),
    "business_speech": (
        "speech", "speaker", "keynote", "giving a talk", "presentation", "presenting",
        "ted talk", "ted", "public speaking", "podium", "conference", "speaking",
        "lecture", "panel",
        "演讲", "发言", "主讲", "讲台", "演说", "讲座", "ted演讲",
    ),
    "musician": (
        "musician", "on stage", "guitar", "guitarist", "singer", "rock star", "rockstar",
        "band", "concert", "pianist", "piano", "drummer", "dj", "violin", "violinist",
        "music", "rapper", "stage", "singing", "djing", "dj set", "drums", "saxophone",
        "音乐人", "音乐家", "歌手", "吉他", "乐手", "舞台", "钢琴", "音乐", "乐队", "演唱会",
        "小提琴", "说唱",
    ),
    "chef": (
        "chef", "cooking", "cook", "kitchen", "baker", "baking", "culinary", "food blog",
        "厨师", "做饭", "烹饪", "厨房", "大厨", "烘焙", "美食", "主厨", "厨子", "下厨",
    ),
    "outdoor_adventure": (
        "outdoor", "outdoors", "adventure", "adventurous", "hiking", "hike", "hiker",
        "mountain", "mountains", "camping", "climbing", "trekking", "explorer",
        "national geographic", "wilderness", "nature", "forest", "canyon", "kayak", "surfing",
        "skiing", "ski", "snowboarding", "rock climbing", "scuba", "diving", "safari",
        "kayaking", "rafting", "paragliding", "backpacking", "trail", "surf",
        "户外", "探险", "登山", "爬山", "徒步", "露营", "冒险", "大自然", "攀岩", "雪山",
    ),
    "pet_together": (
        "pet", "dog", "puppy", "cat", "kitten", "doggo", "my dog", "my cat", "my pet",
        "golden retriever", "corgi", "pup", "🐶", "🐱", "🐕", "🐈",
        "宠物", "狗", "猫", "狗狗", "猫咪", "小狗", "小猫", "萌宠", "柯基",
    ),
    "reading": (
        "reading", "bookish", "book", "library", "bookstore", "bookshop", "literary", "reader",
        "book club", "novel", "📚", "librarian", "bookworm", "poetry",
        "读书", "看书", "阅读", "图书馆", "书店", "书香", "书卷气", "小说", "读小说", "看小说", "文学",
        "捧着书", "拿着书", "翻书",
    ),
    "night_city": (
        "night city", "urban night", "city at night", "city lights", "nightlife",
        "night street", "city night", "night time city", "nighttime city", "neon city",
        "at night",
        "城市夜景", "夜景", "夜晚城市", "夜城", "霓虹", "夜晚", "夜色", "夜拍",
    ),
    "hanfu": (
        "hanfu", "chinese traditional", "traditional chinese", "ancient chinese",
        "chinese costume", "tang dynasty", "ming dynasty", "song dynasty", "qipao",
        "cheongsam", "han dynasty", "chinese style",
        "汉服", "古风", "古装", "唐装", "国风", "旗袍", "中国风", "唐朝", "宋朝", "明朝",
        "中国传统", "传统服饰", "国潮", "中式服装", "中式", "传统中国",
    ),
    "avatar_3d": (
        "3d avatar", "3d cartoon", "pixar", "disney", "3d character", "3d", "3d animated",
        "animoji", "memoji", "3d render", "clay 3d", "dreamworks",
        "3d头像", "3d动画", "皮克斯", "迪士尼", "皮克斯动画", "迪士尼动画", "皮克斯动画风",
        "迪士尼动画风", "pixar animation", "disney animation", "disney pixar", "3d卡通", "3d形象", "三维", "立体卡通",
        "q版", "q萌", "chibi", "pixarify", "pixar ify", "泡泡玛特", "盲盒",
    ),
    "avatar_gaming": (
        "gaming avatar", "gaming", "gamer", "rpg", "rpg character", "game character",
        "video game", "league of legends", "esports", "fantasy warrior", "game avatar",
        "mmorpg", "fortnite", "overwatch", "warcraft", "world of warcraft", "final fantasy",
        "genshin", "genshin impact", "dungeons and dragons", "d&d", "dnd",
        "游戏头像", "游戏角色", "游戏", "电竞", "游戏人物", "王者荣耀", "英雄联盟", "原神",
        "魔兽", "网游", "游戏风",
    ),
    "avatar_vtuber": (
        "vtuber", "v tuber", "virtual youtuber", "streamer avatar", "live2d", "vtuber avatar",
        "streamer", "virtual streamer", "twitch", "streaming", "stream", "live stream",
        "虚拟主播", "vtuber", "虚拟偶像", "主播",
    ),
    "child_portrait": (
        "kid", "child", "children", "baby", "toddler", "my son", "my daughter", "childrens",
        "children portrait", "kids photo", "infant", "newborn", "little one",
        "儿童", "孩子", "宝宝", "小孩", "儿童照", "娃", "女儿", "儿子", "婴儿", "小朋友",
        "幼儿", "童年", "新生儿", "满月照", "百天照", "周岁照",
    ),
    "family_photo": (
        "family", "family photo", "family portrait", "with my parents", "with my family",
        "whole family", "parents", "husband", "wife", "spouse", "with my kids",
        "with my children", "my family", "mom and dad", "my mom", "my dad", "my mother",
        "my father", "my siblings", "my brother", "my sister", "grandparents",
        "全家福", "家庭照", "家庭", "一家人", "家人", "一家三口", "全家", "老公", "老婆", "爸妈",
        "一大家子", "一家子", "家庭合影", "全家人",
        "父母",
    ),
}
"""Concrete style words. ID photos are recognised in id_words.py, dating/travel families here."""

WEAK_PHRASES: frozenset[str] = frozenset({
    "painting", "painted", "art", "neon", "on stage", "stage", "business", "holiday card",
    "festive", "speaking", "conference", "panel", "track",
    "at night", "social", "cyber", "classical", "oil", "music", "nature", "forest", "book",
    "novel", "chill", "weekend", "parents", "pumpkin", "cook", "kitchen", "grad",
    "coach", "creator", "streamer", "ted", "ins", "生活", "机械", "舞台", "音乐", "游戏",
    "艺术", "夜晚", "社交", "主播", "美食", "家人", "全家", "娃", "女儿", "儿子", "职业",
    "商务", "结婚", "冒险", "大自然", "南瓜", "民国", "黑白", "面试", "求职", "英国", "德国",
    "泰国", "marriage", "married", "engagement", "portfolio", "gallery", "cv",
    "startup", "ceo", "lecture", "brand", "singing", "reader", "3d", "professional", "1920s", "1950s",
    "1960s", "1970s", "1980s", "1990s", "20s", "50s", "60s", "70s", "80s", "90s",
})
"""Words that hint at a style but also appear in other requests ("with neon lights")."""

FAMILY_WORDS: dict[str, tuple[str, ...]] = {
    "dating": (
        "dating", "date", "tinder", "bumble", "hinge", "dating app", "dating profile",
        "okcupid", "match com", "romantic", "dating photo",
        "约会", "相亲", "交友", "恋爱", "探探", "陌陌", "脱单", "交友软件", "约会照",
        "情侣照", "情侣写真", "情侣", "couple photo", "couples photo", "couple portrait",
    ),
    "travel": (
        "travel", "traveling", "travelling", "trip", "tourist", "travel photo", "abroad",
        "vacation", "holiday trip",
        "旅行", "旅游", "出游", "游客", "旅拍",
    ),
    "sports": (
        "sports", "sport", "athlete", "athletic", "sporty", "training",
        "运动", "体育", "运动员", "运动照",
    ),
    "avatar": (
        "avatar", "avatars", "virtual avatar", "character avatar",
        "虚拟形象", "头像形象",
    ),
}
"""Words that name a group of styles; alone they make us ask which one (seed 000 §10)."""

FAMILY_CHOICES: dict[str, tuple[str, ...]] = {
    "dating": ("dating_cafe", "dating_beach", "dating_city"),  # seed 000 §10: ask which of these vibes
    "travel": ("travel_europe", "travel_japan", "travel_tropical"),
    "sports": ("sports_gym", "sports_running"),
    "avatar": ("avatar_3d", "avatar_gaming", "avatar_vtuber"),
}
"""What we offer when only the family is named."""

FAMILY_MEMBERS: dict[str, tuple[str, ...]] = FAMILY_CHOICES
"""A family word plus one of its members' words picks that member ("travel photo in Paris")."""

DATING_VENUES: dict[str, tuple[str, ...]] = {
    "dating_cafe": (
        "cafe", "coffee", "coffee shop", "coffeeshop", "latte", "espresso", "starbucks",
        "咖啡", "咖啡馆", "咖啡厅", "咖啡店",
    ),
    "dating_beach": (
        "beach", "seaside", "ocean", "sea", "shore", "coast", "sunset beach", "sand",
        "海边", "沙滩", "海滩", "大海",
    ),
    "dating_city": (
        "city", "urban", "street", "downtown", "rooftop", "skyline", "streets",
        "城市", "街头", "都市", "街拍", "街道", "city walk", "citywalk",
    ),
    "dating_restaurant": (
        "restaurant", "dinner", "candlelit", "candlelight", "candle light", "dining",
        "bistro", "fine dining", "wine",
        "餐厅", "晚餐", "西餐厅", "烛光", "西餐", "饭店", "晚宴",
    ),
}
"""With a dating word these pick the vibe: "4 dating photos at a cafe" needs no question."""

CUSTOM_MEDIUMS: tuple[str, ...] = (
    "pixel art", "pixel", "caricature", "comic", "8 bit", "16 bit", "8bit", "16bit", "lego", "claymation",
    "pencil sketch", "sketch", "charcoal", "comic book", "pop art", "ukiyo e", "low poly",
    "stained glass", "mosaic", "graffiti", "marble statue", "statue", "minecraft",
    "simpsons", "muppet", "origami", "paper cut", "papercut", "vaporwave", "steampunk",
    "像素", "素描", "铅笔画", "剪纸", "乐高", "浮世绘", "蒸汽朋克", "手办", "水墨",
)
"""Looks the catalogue lacks: named, they turn the request into a custom prompt (seed 000 §8)."""

FUZZY_WORDS: frozenset[str] = frozenset({
    "anime", "cyberpunk", "linkedin", "headshot", "professional", "watercolor", "watercolour",
    "vintage", "christmas", "halloween", "graduation", "wedding", "musician", "adventure",
    "outdoor", "hanfu", "vtuber", "avatar", "cartoon", "painting", "artistic", "dating",
    "tinder", "tropical", "europe", "japan", "tokyo", "kyoto", "restaurant", "fitness",
    "running", "marathon", "reading", "family", "children", "pixar", "disney", "instagram",
    "influencer", "entrepreneur", "business", "keynote", "cooking", "random", "series",
    "passport", "canada", "schengen", "identification", "license", "licence", "quality",
    "vertical", "horizontal", "landscape", "square", "portrait", "photo", "picture",
    "smile", "smiling", "eyebrows", "eyebrow", "blink", "corporate", "classical",
    "retro", "lifestyle", "manga", "gaming", "bookish", "futuristic", "graduate",
    "travel", "beach", "photos", "generate", "seedream", "background",
    "orientation", "highest", "premium", "toddler", "kitchen", "speech",
    "presentation", "guitar", "hiking", "camping", "library", "coffee",
    "holiday", "costume", "spooky", "bridal", "diploma", "muscular", "workout", "jogging",
    "selfie", "help", "visa", "oil", "face", "faces", "person", "casual",
})
"""Distinctive keywords whose small misspellings we forgive ("anmie", "cyberpunck")."""

MORE_SPECIFIC: dict[str, frozenset[str]] = {
    "professional": frozenset({"linkedin", "personal_brand", "business_speech"}),
    "casual": frozenset({"social_media"}),
    "anime": frozenset({"avatar_vtuber"}),
    "night_city": frozenset({"cyberpunk"}),
}
"""When both are named, the more specific style wins ("headshot for LinkedIn" is linkedin)."""

SETTING_STYLES: frozenset[str] = frozenset({
    "dating_cafe", "dating_beach", "dating_city", "dating_restaurant", "travel_europe",
    "travel_japan", "travel_tropical", "night_city", "outdoor_adventure", "pet_together",
    "reading",
})
"""Styles that are mostly a place or company: after another style they say where, not
which second picture ("wedding photo, beach")."""

DATING_BY_SETTING: dict[str, str] = {
    "night_city": "dating_city", "travel_tropical": "dating_beach",
}
"""A dating photo in a setting style's place is that dating vibe ("dating photo, night city")."""

PLACE_STYLES: frozenset[str] = frozenset({
    "dating_cafe", "dating_beach", "dating_city", "dating_restaurant", "travel_europe",
    "travel_japan", "travel_tropical", "night_city", "outdoor_adventure",
})
"""Setting styles that are a place: "海边的婚纱照" is a wedding photo at the beach."""

GENERIC_PLACES: frozenset[str] = frozenset({
    "beach", "island", "resort", "seaside", "tropical", "palm trees", "palm tree",
    "beach vacation", "海边", "沙滩", "海滩", "海岛", "热带", "度假", "city", "street",
    "城市", "街头",
})
"""Place words that name no destination: a named place beside one decides ("a beach in
Santorini" is Europe)."""

HOLIDAY_STYLES: frozenset[str] = frozenset({"christmas", "halloween"})
"""Holidays are a time: "me and my kids at Christmas" is a Christmas photo, not a setting."""

PET_STYLES: frozenset[str] = frozenset({"pet_together"})
"""Styles of company: "turn me into a cat" is a custom picture, not a photo with my cat."""

WHO_STYLES: frozenset[str] = frozenset({"child_portrait", "family_photo", "pet_together"})
"""Styles that say who is in the picture; another style named with them says what kind of
picture it is ("my kid's graduation photo" is graduation, "Christmas family photo" christmas)."""
