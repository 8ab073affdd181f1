"""Every other word list of intent recognition: models, orientation, help, small talk, series,
random faces, commands, and the words that carry no content of their own."""

from __future__ import annotations

QUALITY_WORDS: tuple[str, ...] = (
    "highest quality", "best quality", "top quality", "premium", "max quality",
    "maximum quality", "ultra quality", "high quality", "hq", "high res", "high resolution",
    "hi res", "hires", "4k", "8k", "ultra hd", "hd", "best possible", "finest",
    "highest resolution", "best result", "best results", "super quality", "highest detail",
    "最高画质", "最高质量", "最好的质量", "最好质量", "高清", "超清", "高画质", "高质量", "精修",
    "最佳质量", "最好的效果", "最好的画质", "最好画质", "最佳画质", "高品质", "高分辨率", "画质最好", "质量最好", "4k", "超高清",
    "best model", "strongest model", "most advanced model", "top model", "最好的模型",
    "最强的模型", "最好模型", "最强模型", "最贵的模型", "最高级的模型",
    "画质要最好", "质量要最好", "画质最高", "质量最高", "画质要高", "画质要好", "质量要好",
    "画质好一点", "画质高一点", "画质好点", "画质高点", "越清晰越好", "最清晰", "清晰度高",
    "画质拉满", "质量拉满", "拉满",
)
"""Seed 000 §6: these ask for the best model, gpt."""

SPEED_WORDS: tuple[str, ...] = (
    "quick", "quickly", "fast", "faster", "fastest", "draft", "rough draft", "asap", "rapid",
    "in a hurry", "hurry", "speedy", "quicker", "real quick",
    "快速", "快点", "快一点", "尽快", "草稿", "赶时间", "急用", "快些", "最快", "速出",
    "快出", "出图快", "快点出图", "尽快出图", "急需", "着急", "急着",
    "cheapest", "cheap", "budget", "lowest cost", "最便宜", "便宜", "省钱",
)
"""Seed 000 §6: these ask for the fastest model, nano2 (also the cheapest)."""

MODEL_NAMES: dict[str, tuple[str, ...]] = {
    "seedream": ("seedream", "seedream 4 5", "byteplus", "即梦", "豆包"),
    "flux": ("flux", "flux pro", "flux ultra", "flux 2 pro"),
    "gpt": ("gpt", "gpt image", "gpt image 2", "gpt image2", "openai", "chatgpt", "dall e"),
    "nanopro": ("nanopro", "nano pro", "nano banana pro", "nbp"),
    "nano2": ("nano2", "nano 2", "nano banana 2", "nano banana"),
    "live_portrait": ("live portrait", "liveportrait"),
    "headshot": ("headshot api",),
    "offline": ("offline", "offline engine", "offline mode", "离线"),
}
"""Model names recognised anywhere in a message (aliases of core.models that are also
ordinary words, like "best" or "pro", count only after "--model" or "use")."""

MODEL_VERBS: tuple[str, ...] = ("use", "using", "via", "model", "用", "使用", "模型")
"""Words after which any core.models alias names a model ("use sd", "--model nbp")."""

ORIENTATION_WORDS: dict[str, tuple[str, ...]] = {
    "9:16": (
        "vertical", "verticle", "portrait orientation", "portrait mode", "portrait format",
        "portrait ratio", "story", "stories", "reel", "reels", "instagram story",
        "instagram stories", "ig story", "insta story", "instagram reel", "tiktok video",
        "phone wallpaper", "mobile wallpaper", "wallpaper for my phone", "iphone wallpaper",
        "phone background", "phone screen", "lock screen", "upright",
        "竖版", "竖屏", "竖图", "竖的", "竖向", "竖幅", "竖拍", "手机壁纸", "锁屏", "竖构图",
        "直版", "直向", "直幅",  # Hong Kong and Taiwan say 直 for upright
        "竖着", "竖着的", "tall", "for my phone", "phone size", "phone sized",
    ),
    "16:9": (
        "landscape", "horizontal", "banner", "widescreen", "wide screen", "wide format",
        "landscape orientation", "landscape mode", "desktop wallpaper", "cover photo",
        "youtube thumbnail", "header",
        "横版", "横屏", "横图", "横的", "横向", "横幅", "宽屏", "电脑壁纸", "横构图",
        "打横", "横着", "横着的", "wide", "wide shot", "desktop", "desktop background",
        "laptop wallpaper", "computer wallpaper",
    ),
    "1:1": (
        "square", "square format", "squared",
        "方形", "正方形", "方图", "方的", "正方",
    ),
}
"""Orientation words and the ratio each means. "portrait" alone is a noun, not a ratio."""

NOT_ORIENTATION: tuple[str, ...] = (
    "times square", "town square", "city square", "market square", "red square",
    "trafalgar square", "tiananmen square", "union square", "washington square",
    "village square", "main square", "public square", "square jaw", "square face",
    "square glasses", "wide smile", "wide grin", "eyes wide", "wide eyes", "wide open",
    "wide awake", "wide angle", "look tall", "looks tall", "me tall", "taller", "tall and",
    "i m tall", "very tall", "tall glass", "smile wide", "grin wide", "mouth wide",
)
"""Places and features holding an orientation word: "me in Times Square" is not 1:1."""

HELP_WORDS: tuple[str, ...] = (
    "help", "what can you do", "how does this work", "how does it work", "how do i use",
    "how to use", "how do you work", "commands", "menu", "instructions", "what styles",
    "which styles", "list styles", "list of styles", "available styles", "show styles",
    "what do you do", "what features", "how much", "pricing", "price", "what are you",
    "who are you", "options", "what can i do", "how do i start", "get started", "guide",
    "usage", "tutorial", "styles", "what is this", "what is possible", "what s this", "what is this bot", "who made you", "who created you", "who built you", "who developed you",
    "who is behind", "who owns you", "who built this", "who made this", "who created this",
    "who developed this", "who designed this", "what is portraitbot", "what is portrait bot",
    "features", "your features", "what are your",
    "what can", "what do you", "what does this", "wat can", "what can u", "wat can u",
    "what do u", "wat do u", "wat r u", "what r u", "wat is this", "how does", "how do i", "how to", "how can i",
    "点用", "点样用", "点样整", "用来干嘛", "用来做什么", "有什么用", "会干什么", "会干啥", "你会啥", "能干啥", "谁做的你", "谁开发的", "谁创造了你", "谁做的这个",
    "帮助", "怎么用", "如何使用", "使用说明", "你能做什么", "能做什么", "有什么功能", "有哪些风格",
    "菜单", "说明", "指令", "怎么玩", "怎么操作", "教程", "功能", "多少钱", "收费", "你是谁",
    "有什么风格", "哪些风格", "什么风格", "支持什么", "使用方法", "能干什么", "会什么", "命令",
    "怎么使用", "怎么生成", "如何生成", "怎么做", "怎么开始", "会做什么", "干啥", "能干嘛", "做啥", "能做啥", "干嘛用", "可以做什么", "能帮我做什么", "怎么弄", "如何用",
)
"""Questions about the bot itself."""

PRICE_WORDS: tuple[str, ...] = (
    "how much", "cost", "costs", "price", "pricing", "prices", "fee", "fees", "how many credits",
    "what styles", "which styles", "list styles", "what can you do", "what can this bot do",
    "is this free", "is it free", "for free", "what models", "which models", "which model",
    "what model", "free trial", "trial", "subscription", "能做哪些", "能做什么样", "可以做哪些",
    "支持哪些", "what sizes", "which sizes", "what size", "what formats", "what ratios",
    "what resolution", "do videos", "make videos", "do video", "make a video", "a video of",
    "gif", "how many photos can", "how many pictures can",
    "how many can i", "how many images can", "daily limit", "视频", "动图", "能做视频",
    "尺寸有哪些", "什么尺寸", "一天能", "最多能", "difference between", "what s the difference", "what is the difference",
    "区别", "有什么不同", "哪个更好", "which style", "what style should", "which style should",
    "recommend a style", "what would you recommend", "what do you recommend", "can i upload",
    "how do i upload", "how to upload", "where do i upload", "can i send", "do you support",
    "does it support", "does it work", "is it safe", "is my photo safe", "privacy",
    "do you store", "do you keep", "what happens to my", "推荐什么风格", "哪个风格好",
    "什么风格好", "可以上传", "能上传", "怎么上传", "安全吗", "隐私", "会保存", "list all styles", "show all styles", "show me all styles",
    "show me the styles", "see all styles", "all available styles", "how long", "how fast",
    "多久", "多长时间", "要多长", "免费吗", "免费", "什么模型", "哪些模型", "哪个模型",
    "多少钱", "收费", "价格", "费用", "几钱", "几多钱", "点收费", "怎么收费", "有哪些风格", "有什么风格", "哪些风格", "你能做什么",
)
"""Questions about the bot that win even when a style is named ("how much is a headshot")."""

SERVICE_QUESTIONS: tuple[str, ...] = (
    "speak english", "speak chinese", "what languages", "which languages", "support chinese",
    "support english", "taking so long", "so slow", "done yet", "is it ready", "ready yet",
    "where are my photo", "where is my photo", "where are my picture", "where is my picture",
    "where are my image", "where is my image", "where is my order", "refund", "how do i pay", "how to pay", "payment", "pay for",
    "upload a photo first", "need to upload", "can you see my", "did you get my",
    "did you receive my", "what now", "what next", "what do i do now", "what should i do now",
    "能看到我的照片吗", "收到我的照片了吗", "接下来呢", "接下来怎么办", "然后呢", "what kind of photo", "which photo should",
    "what photo should", "without a photo", "status of my", "my order",
    "支持英文", "支持中文", "会说英语", "会英文", "什么语言", "等多久", "还没好", "好了吗",
    "怎么这么慢", "照片在哪", "在哪里看", "退款", "付款", "支付", "充值", "上传照片吗", "先上传",
    "什么样的照片", "哪种照片", "照片要求", "要不要上传", "能帮我吗", "可以帮我吗", "帮帮我",
)
"""Questions about the service itself (languages, waiting, payment, what photo to send):
help, whatever else they name."""

ANY_MODEL: tuple[str, ...] = (
    "any model", "whatever model", "whichever model", "any model is fine", "随便哪个模型",
    "哪个模型都", "什么模型都", "不管什么模型", "不管哪个模型", "模型随便",
)
""""Any model is fine" names no model and asks nothing about them."""

SMALL_TALK: tuple[str, ...] = (
    "hello", "hi", "hey", "thanks", "thank you", "thx", "ty", "ok", "okay", "cool", "nice",
    "great", "lol", "haha", "bye", "good morning", "good night", "good evening", "awesome",
    "wow", "love it", "amazing", "perfect", "yes", "no", "sure", "got it", "hmm", "how are you",
    "good", "lmao", "yo", "sup", "love this", "love that", "i love this", "like this one",
    "one sec", "one second", "one moment", "just a sec", "a sec", "hold on", "give me a sec",
    "one min", "just a moment",
    "i just uploaded", "i uploaded", "just uploaded", "uploaded a photo", "uploaded my photo",
    "here is my photo", "here s my photo", "this is my photo", "this is me", "here i am",
    "你好", "谢谢", "哈哈", "好的", "嗯", "再见", "早上好", "晚安", "棒", "不错", "好", "哈喽",
    "嗨", "牛", "厉害", "可以", "喜欢这张", "爱了", "谢了", "多谢", "好看", "收到", "在吗", "哦", "呵呵", "嘿嘿",
    "这是我的照片", "这是我", "我上传了", "已上传", "上传好了", "发你了", "发给你了", "照片发了",
    "收到照片了吗", "看到我的照片了吗",
)
"""Chat that asks for nothing."""

PRAISE_WORDS: tuple[str, ...] = (
    "做得好", "做得很好", "做的很好", "做得不错", "做的不错", "做得真好", "做的真好", "干得好",
    "干得漂亮", "弄得不错", "弄得很好", "拍得好", "画得好", "画得真好", "做得太好了",
    "well done", "good job", "great job", "nice work", "great work", "you did great",
    "ugly", "so ugly", "hideous", "awful", "horrible", "terrible", "i hate this", "i hate it",
    "好丑", "太丑", "真丑", "丑死了", "难看", "好难看", "太难看", "不好看",
)
"""Praise that holds a request word ("做得很好" is "well done", not "make")."""

SERIES_WORDS: tuple[str, ...] = (
    "series", "photo series", "set of photos", "set of pictures", "set of portraits",
    "photo set", "collection", "bundle", "multiple styles", "different styles",
    "various styles", "several styles", "mix of styles", "a set", "photoshoot",
    "photo shoot", "portfolio set", "one of each", "each style", "all styles", "mix of",
    "mixture of", "variety of", "combo of", "combination of",
    "一组", "一套", "系列", "套图", "组图", "多种风格", "不同风格", "写真集", "组照",
    "各种风格", "几种风格", "套餐", "合集", "多风格", "多个风格", "几个风格", "不同的风格",
    "multi style", "many styles", "different looks", "several looks", "a few looks",
)
"""Seed 000 §9: a coordinated set of portraits."""

VARIETY_WORDS: tuple[str, ...] = (
    "multiple styles", "different styles", "various styles", "several styles", "mix of styles",
    "多种风格", "不同风格", "各种风格", "几种风格", "多风格", "多个风格", "几个风格",
    "不同的风格", "multi style", "many styles", "different looks", "several looks", "a few looks",
)
"""Series words that ask for several looks: with one style named, the rest come from the
default set ("my instagram, a few different styles")."""

DEFAULT_SERIES: tuple[str, ...] = (
    "professional", "casual", "anime", "oil_painting", "cyberpunk", "watercolor",
    "vintage", "artistic",
)
"""A series that names no style gets the first four (or as many as asked for)."""

DEFAULT_SERIES_SIZE = 4
"""Pictures in a series when the person names neither styles nor a number."""

RANDOM_FACE_WORDS: tuple[str, ...] = (
    "random face", "random person", "random portrait", "random people", "random faces",
    "random human", "random headshot", "someone random", "random stranger", "fake face",
    "fake person", "made up face", "made up person", "imaginary person", "imaginary face",
    "person who does not exist", "person that does not exist", "face that does not exist",
    "doesn t exist", "does not exist", "random character face", "random guy", "random girl",
    "random woman", "random man", "fictional person", "fictional face", "invented face",
    "随机人脸", "随机头像", "随机生成一张脸", "随机的脸", "随机脸", "随机人物", "随便一张脸",
    "不存在的人", "随机一个人", "随机生成人脸", "虚构的人", "陌生人的脸", "随机的人", "随机肖像",
)
"""Seed 002: a portrait of nobody in particular, made from random face features."""

CANCEL_WORDS: tuple[str, ...] = (
    "cancel", "stop", "delete", "nevermind", "never mind", "forget it", "erase", "abort",
    "取消", "算了", "不要了", "不用了", "删除", "删掉", "停止", "别做了",
)
"""Calling a request off: with no style named, nothing is asked for."""

UNSURE_WORDS: tuple[str, ...] = (
    "don t know what", "dont know what", "not sure what", "no idea what", "can t decide",
    "cant decide", "不知道要什么", "不知道选什么", "不知道做什么", "不知道选哪个", "选不出来",
)
"""The person does not know what to ask for: the help, with the styles, is the answer."""

GO_ANYWAY_WORDS: tuple[str, ...] = (
    "go anyway", "do it anyway", "try anyway", "use it anyway", "proceed anyway",
    "generate anyway", "continue anyway", "use this one anyway", "anyway", "go ahead anyway",
    "just do it", "ignore the warning", "use it as is",
    "继续生成", "照样生成", "还是生成", "就用这张", "没关系继续", "坚持生成", "强制生成", "照样",
    "不管了", "就这张", "直接生成", "仍然生成", "依然生成", "还是用这张",
)
"""The person insists after the photo pre-flight check raised a doubt."""

COMMANDS: dict[str, str] = {
    "start": "help", "help": "help", "styles": "help", "menu": "help",
    "generate": "generate", "make": "generate", "photo": "generate", "portrait": "generate",
    "create": "generate", "new": "generate",
    "random": "random_face", "randomface": "random_face", "random_face": "random_face",
    "face": "random_face", "series": "series", "set": "series",
    "headshot": "professional", "professional": "professional", "pro": "professional",
    "passport": "id_photo_white", "id": "id_photo_white", "idphoto": "id_photo_white",
    "id_photo": "id_photo_white", "visa": "id_photo_blue", "dating": "dating",
    "date": "dating", "travel": "travel", "avatar": "avatar", "sports": "sports",
    "expression": "edit_expression", "smile": "smile", "wink": "wink", "cancel": "cancel",
    "stop": "cancel",
}
"""Slash commands ("/anime@PortraitBot"): to an action, a style, a family, or an expression.
Any style key also works as a command ("/oil_painting")."""

PHOTO_NOUNS: tuple[str, ...] = (
    "photo", "photos", "picture", "pictures", "pic", "pics", "image", "images", "portrait",
    "portraits", "shot", "shots", "selfie", "version", "versions", "variation",
    "variations", "option", "options", "headshots", "photograph", "look", "looks", "pfp",
    "profile picture", "profile pic", "profile photo", "photoshoot", "style", "styles",
    "edition", "copies", "copy", "ones", "render", "renders", "avatar", "avatars",
    "照片", "照", "图", "图片", "写真", "头像", "肖像", "画像", "相片", "风格", "形象", "大片",
    "张相", "影相", "嘅相", "啲相",
)
"""Words that name a picture; with no style they still ask for one."""

REQUEST_WORDS: tuple[str, ...] = (
    "make", "create", "generate", "turn", "transform", "draw", "paint", "render", "give",
    "want", "need", "show", "put", "edit", "convert", "change", "do", "produce", "design",
    "imagine", "photoshop", "take", "can you", "could you", "would like", "let see",
    "surprise me", "add", "remove", "blur", "replace", "swap",
    "i like", "send", "style me", "picture me", "try",
    "生成", "做", "来张", "来一张", "来个", "画", "拍", "变成", "给我", "帮我", "想要", "要",
    "制作", "弄", "整", "出", "换成", "改成", "修", "自定义", "定制", "custom", "美颜",
    "美化", "磨皮", "p图", "修一下", "enhance", "retouch", "beautify", "touch up", "improve",
    "换个", "换一个", "换一种", "换种", "重新", "重做", "再来",
)
"""Words that ask for something to be made."""

SCENE_PREPOSITIONS: tuple[str, ...] = (
    "in", "at", "on", "by", "under", "inside", "near", "against", "beside", "with",
    "wearing", "holding", "standing", "sitting", "walking", "during", "surrounded", "among",
    "in front of", "next to", "riding", "playing", "while", "underneath", "behind", "above",
)
"""Words that open a scene description ("in a modern office", "with my dog")."""

STOPWORDS: frozenset[str] = frozenset({
    "a", "an", "the", "me", "my", "myself", "i", "im", "id", "ive", "you", "your", "u", "us", "we",
    "our", "please", "pls", "plz", "can", "could", "would", "will", "shall", "should", "may",
    "might", "must", "be", "is", "am", "are", "was", "were", "been", "being", "do", "does", "did",
    "done", "to", "of", "for", "and", "or", "but", "so", "if", "then", "than", "that", "this",
    "these", "those", "it", "its", "as", "into", "onto", "from", "up", "down", "out", "over",
    "some", "any", "just", "also", "too", "very", "really", "quite", "more", "most", "much",
    "many", "lot", "lots", "bit", "little", "kind", "sort", "like", "look", "looks", "looking",
    "make", "makes", "making", "made", "create", "generate", "turn", "transform", "get", "got",
    "give", "gave", "want", "wanted", "need", "needed", "show", "let", "see", "try", "have", "has",
    "had", "one", "ones", "photo", "photos", "picture", "pictures", "pic", "pics", "image",
    "images", "portrait", "portraits", "shot", "shots", "selfie", "version", "versions", "style",
    "styles", "styled", "type", "vibe", "vibes", "theme", "themed", "thing", "things", "stuff",
    "something", "how", "what", "which", "who", "where", "when", "why", "there", "here", "now",
    "today", "again", "new", "another", "other", "same", "different", "nice", "good", "great",
    "cool", "awesome", "beautiful", "pretty", "cute", "lovely", "amazing", "best", "better",
    "high", "quality", "ultra", "hd", "thanks", "thank", "yo", "hey", "hi", "hello", "ok", "okay",
    "yes", "sure", "edition", "mode", "format", "orientation", "ratio", "aspect", "photograph",
    "photography", "shoot", "take", "taken", "snap", "pose", "posing", "person", "guy", "girl",
    "man", "woman", "people", "face", "faces", "headshots", "pfp", "profile", "avatar", "avatars",
    "character", "characters", "art", "him", "her", "his", "she", "he", "they", "them", "their",
    "mine", "yours", "itself", "yourself", "using", "use", "used", "via", "with", "without", "in",
    "at", "on", "by", "under", "inside", "near", "against", "beside", "wearing", "holding",
    "standing", "sitting", "walking", "during", "surrounded", "among", "front", "next", "riding",
    "playing", "while", "behind", "above", "underneath", "around", "across", "through", "about",
    "bot", "portraitbot", "thx", "set", "series", "possible", "instead", "ready", "model",
    "models", "else", "either", "maybe", "perhaps", "kindly", "wanna", "gonna"
})
"""English words that carry no content: removing them shows what a request really describes."""

ZH_FILLERS: tuple[str, ...] = (
    "请", "帮我", "帮忙", "麻烦", "能不能", "能否", "可以", "可不可以", "给我", "我想要", "我想",
    "我要", "想要", "来一张", "来张", "来个", "一张", "一个", "一幅", "一组", "一套", "生成",
    "制作", "做一张", "做个", "做", "画", "拍", "照片", "图片", "写真", "头像", "肖像", "风格",
    "的", "我", "你", "吧", "呢", "啊", "吗", "嘛", "呀", "了", "张", "个", "把", "变成", "成",
    "弄", "整", "出", "一下", "样子", "一些", "几张", "谢谢", "好吗", "行吗", "给", "用", "版",
    "照", "图", "效果", "一点", "些", "下", "在", "里", "中", "上", "和", "与", "跟", "及",
    "形象", "相片", "画像", "大片", "看看", "试试", "要", "来", "新", "好看", "漂亮",
    "模型", "画质", "质量", "速度",
)
"""Chinese function words and request phrases, removed before looking for real content."""

NEGATIONS: tuple[str, ...] = (
    "don t make it", "dont make it", "do not make it", "don t make me", "dont make me",
    "don t give me", "dont give me", "don t do", "dont do", "do not do", "don t want",
    "dont want", "do not want", "don t use", "dont use", "do not use", "not", "no", "don t", "dont", "do not", "without", "instead of", "rather than",
    "other than", "never", "nothing", "none of", "no more", "not a fan of", "hate", "skip",
    "不要", "不想要", "不想", "别", "不是", "不用", "不需要", "不喜欢", "而不是", "不再", "甭",
)
"""Words that rule out what follows them in the same clause ("not anime, cyberpunk please")."""

NOT_NEGATIONS: tuple[str, ...] = (
    "not sure", "not only", "not just", "no matter", "not bad", "no problem", "no worries",
    "no need", "don t know", "dont know", "do not know", "not too sure", "never mind",
    "不是很确定", "不知道", "不错", "别的", "不用谢",
)
"""Phrases that hold a negation word but rule nothing out."""

NEGATION_ENDS: tuple[str, ...] = (
    "but", "just", "instead", "rather", "only", "i want", "i d like", "i would like",
    "i prefer", "prefer", "give me", "make it", "make me", "go with", "let us do", "do",
    "要", "而是", "换成", "改成", "来", "就", "只", "但", "想要",
)
"""Words that end a negation's reach: what comes after them is wanted again."""

HOWTO_PATTERNS: tuple[str, ...] = (
    r"\bhow (?:do|can|should|could) (?:i|we|you)\b(?! look)", r"\bhow to\b",
    r"\bhow does\b(?!.*\blook)", r"\bis there a way to\b", r"\bwhat do i need to\b",
    r"\bhow (?:does|do) (?:it|this|that|the)\b.*\bwork\b",
    r"\bwhere (?:do|can|should) i\b", r"^what is (?:the )?(?:nanopro|nano2|nano pro|nano banana"
    r"(?: pro| 2)?|gpt|gpt image|seedream|flux|live portrait|headshot api|offline)\b",
    "怎么弄", "怎么做", "怎么生成", "怎么才能", "怎么拍", "怎么制作", "怎么得到", "怎么操作",
    "如何", "怎样才能", "怎样做", "怎么用", "怎么开始", "咋弄", "咋做", "咋用", "要怎么", "点样",
    r"^(?:can|could|may|do) (?:i|we|you) (?:let me )?(?:choose|pick|select|change|set|specify|"
    r"adjust|control|switch)\s+(?:the |a |my |different |other |which )?(?:aspect ratio|ratio|size|"
    r"resolution|orientation|format|model|number of (?:photos|pictures|images))s?"
    r"(?:\s+(?:too|myself|as well|yourself))?\s*\??$",
    r"^(?:我)?(?:可以|能|能不能|可不可以)(?:自己)?(?:选|选择|改|调|换|切换|设置|指定)(?:一下)?"
    r"(?:比例|尺寸|大小|模型|分辨率|画幅|张数)(?:吗|么|嘛|不)?[?？]?$",
)
"""A how-to question is help even when it names a style ("how do I get a passport photo?"),
and so is asking whether a setting can be chosen ("can I choose the aspect ratio?");
"how would I look as a viking" asks for a picture, so "look" is left out."""
