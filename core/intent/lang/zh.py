"""Chinese (Simplified; Traditional and Cantonese are folded to it before matching)."""

from core.intent.lang import Lexicon

LEXICON = Lexicon(
    code="zh",
    styles={
        "linkedin": ("领英", "领英头像"),
        "hanfu": ("古风",),
        "christmas": ("圣诞节主题",),
        "pet_together": ("狗狗", "猫咪", "家狗", "家猫", "宠物合照"),
    },
    specs={"cn_id": ("身份证照片", "身份证照", "身份证")},
    cancel=("取消吧", "停一下", "别弄了", "不做了", "先不要了", "撤销"),
    questions=(
        "你能做什么", "你会什么", "你可以做什么", "能做什么", "会做什么", "多少钱", "怎么收费",
        "收费吗", "免费吗", "会被保存", "会保存", "保存吗", "隐私", "你是谁", "怎么用",
    ),
    greetings=("你好", "您好", "早上好", "晚上好", "哈喽", "嗨"),
    thanks=("谢谢", "感谢", "多谢", "拍得真好", "真好看", "太棒了", "很满意"),
    negations=("别做", "别弄", "不要做", "不做"),
    negation_ends=("我要", "要", "换成", "改成"),
    instead=("换成", "改成", "换个", "改为"),
    fillers=("麻烦", "帮我", "请", "谢谢", "一下", "一点"),
    stop=("算了取消吧", "取消一下", "不用了"),
    again=("再来一个", "再生成一张"),
)
