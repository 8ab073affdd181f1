"""Expression edits (seed 004, fal live-portrait): which words move which face parameter.

Values sit inside the ranges the live-portrait expression editor accepts (smile -0.3..1.3,
wink 0..25, blink -20..5, eyebrow -10..15, pupil_x/pupil_y -15..15, aaa -30..120,
eee/woo -20..15, rotate_pitch/yaw/roll -20..20). Directions are the person's own words seen
in the picture: "left" is negative x / yaw / roll, "up" is positive pupil_y and negative
pitch (chin up). The provider maps these to its own signs if it needs to.
"""

from __future__ import annotations

EXPRESSION_WORDS: tuple[tuple[tuple[str, ...], dict[str, float]], ...] = (
    (("big smile", "grin", "grinning", "laugh", "laughing", "大笑", "咧嘴笑", "开怀大笑",
      "哈哈大笑"), {"smile": 1.3}),
    (("slight smile", "little smile", "small smile", "subtle smile", "smirk", "微微一笑",
      "淡淡的笑", "浅笑", "抿嘴笑"), {"smile": 0.5}),
    (("smile", "smiling", "smiley", "happier", "look happy", "cheerful", "微笑", "笑一个",
      "笑一下", "笑起来", "笑", "开心一点", "开心点", "开心些", "更开心", "看起来开心",
      "开心的样子", "开心的表情", "露出笑容", "笑容", "嘴角上扬", "上扬嘴角", "嘴角往上",
      "mouth corners up", "corners of my mouth up"), {"smile": 1.0}),
    (("frown", "sad", "sadder", "stop smiling", "serious face", "look serious", "不要笑",
      "严肃", "难过", "伤心", "皱眉"), {"smile": -0.3}),
    (("angry", "mad", "furious", "annoyed", "生气", "愤怒", "发怒"),
     {"eyebrow": -8.0, "smile": -0.3}),
    (("wink", "winking", "眨一只眼", "单眼眨", "抛媚眼", "媚眼", "眨个眼", "wink一下", "挤眼",
      "眨左眼", "眨右眼", "眨一下左眼", "眨一下右眼", "单眼"),
     {"wink": 20.0}),
    (("blink", "close my eyes", "close eyes", "close your eyes", "close the eyes", "eyes closed", "closed eyes", "shut my eyes",
      "闭眼", "闭上眼", "眼睛闭上", "闭着眼", "眨眼", "眨一下眼", "眨下眼"), {"blink": -20.0}),
    (("squint", "squinting", "眯眼", "眯眼睛", "眯着眼", "眯一下眼"), {"blink": -10.0}),
    (("open my eyes", "open eyes", "eyes wide", "wide eyes", "wide open eyes", "睁大眼",
      "睁眼", "睁开眼"), {"blink": 5.0}),
    (("raise my eyebrows", "raise eyebrows", "raised eyebrows", "eyebrows up",
      "raise an eyebrow", "raise eyebrow", "挑眉", "扬眉", "抬眉", "扬起眉毛", "抬起眉毛",
      "眉毛扬起", "眉毛抬起", "眉毛往上", "挑一下眉", "挑下眉", "眉毛挑"), {"eyebrow": 12.0}),
    (("lower my eyebrows", "lower eyebrows", "furrow", "furrowed", "eyebrows down",
      "压眉", "低眉"), {"eyebrow": -8.0}),
    (("surprised", "surprise face", "shocked", "astonished", "惊讶", "吃惊", "震惊"),
     {"eyebrow": 12.0, "aaa": 40.0}),
    (("open my mouth", "open mouth", "mouth open", "say ah", "say aah", "aaa", "张嘴",
      "张开嘴", "张大嘴", "嘴张开", "嘴巴张", "张开嘴巴", "张大嘴巴"), {"aaa": 60.0}),
    (("say cheese", "eee", "show teeth", "show my teeth", "露齿", "露牙"), {"eee": 12.0}),
    (("pout", "pouting", "woo", "duck face", "kissy face", "kiss face", "o face", "嘟嘴",
      "撅嘴", "噘嘴"), {"woo": 12.0}),
    (("look left", "looking left", "look to the left", "eyes left", "glance left",
      "eyes to the left", "gaze left", "gaze to the left", "glance to the left",
      "向左看", "往左看", "看左边", "看向左边", "眼睛向左"), {"pupil_x": -12.0}),
    (("look right", "looking right", "look to the right", "eyes right", "glance right",
      "eyes to the right", "gaze right", "gaze to the right", "glance to the right",
      "向右看", "往右看", "看右边", "看向右边", "眼睛向右"), {"pupil_x": 12.0}),
    (("look at the camera", "look into the camera", "look straight ahead", "look straight",
      "look forward", "eyes forward", "face the camera", "eye contact", "看镜头", "直视镜头",
      "看向镜头", "目视前方", "看前方", "看前面"), {"pupil_x": 0.0, "pupil_y": 0.0}),
    (("look up", "looking up", "eyes up", "glance up", "向上看", "往上看", "看上面", "抬眼"),
     {"pupil_y": 12.0}),
    (("look down", "looking down", "eyes down", "glance down", "向下看", "往下看", "看下面",
      "垂眼"), {"pupil_y": -12.0}),
    (("turn my head left", "turn head left", "turn left", "head left", "face left",
      "turn my face left", "turn my face to the left", "turn my head to the left",
      "turn to the left", "face to the left",
      "turn my head to the left", "turn head to the left", "turn my face left",
      "turn my face to the left", "face to the left", "向左转头", "头向左转", "往左转头",
      "头转向左", "左转头", "向左扭头", "头往左转", "往左转", "向左转"), {"rotate_yaw": -15.0}),
    (("turn my head right", "turn head right", "turn right", "head right", "face right",
      "turn my face right", "turn my face to the right", "turn my head to the right",
      "turn to the right", "face to the right",
      "turn my head to the right", "turn head to the right", "turn my face right",
      "turn my face to the right", "face to the right", "向右转头", "头向右转",
      "往右转头", "头转向右", "右转头", "向右扭头", "头往右转", "往右转", "向右转"), {"rotate_yaw": 15.0}),
    (("tilt my head left", "tilt head left", "tilt my head to the left", "向左歪头",
      "头向左歪"), {"rotate_roll": -12.0}),
    (("tilt my head right", "tilt head right", "tilt my head to the right", "向右歪头",
      "头向右歪"), {"rotate_roll": 12.0}),
    (("tilt my head", "tilt head", "head tilt", "tilted head", "歪头", "歪着头", "头歪", "歪一下头"),
     {"rotate_roll": 12.0}),
    (("chin up", "head up", "lift my head", "raise my head", "tilt head up", "抬头",
      "抬起头"), {"rotate_pitch": -12.0}),
    (("chin down", "head down", "lower my head", "nod", "tilt head down", "低头", "点头"),
     {"rotate_pitch": 12.0}),
    (("turn my head", "turn head", "head turn", "转头", "扭头", "侧脸"), {"rotate_yaw": 15.0}),
)
"""Phrase groups and the parameters they set; longer phrases are tried first by the matcher."""

STRONGER: tuple[str, ...] = (
    "more", "bigger", "a lot", "really", "very", "wide", "big", "much", "extra", "strongly",
    "大大", "更", "多", "用力", "夸张",
)
"""Words that push an expression further (x1.3, capped to the parameter range)."""

WEAKER: tuple[str, ...] = (
    "slightly", "a little", "a bit", "little", "subtle", "subtly", "gently", "barely", "tiny",
    "slight", "a touch", "一点", "稍微", "微微", "轻轻", "淡淡", "有点",
)
"""Words that soften an expression (x0.5)."""

PARAM_RANGES: dict[str, tuple[float, float]] = {
    "smile": (-0.3, 1.3), "wink": (0.0, 25.0), "blink": (-20.0, 5.0),
    "eyebrow": (-10.0, 15.0), "pupil_x": (-15.0, 15.0), "pupil_y": (-15.0, 15.0),
    "aaa": (-30.0, 120.0), "eee": (-20.0, 15.0), "woo": (-20.0, 15.0),
    "rotate_pitch": (-20.0, 20.0), "rotate_yaw": (-20.0, 20.0), "rotate_roll": (-20.0, 20.0),
}
"""Seed 004's live-portrait parameters and the ranges the editor accepts."""

EDIT_CUES: tuple[str, ...] = (
    "make me", "can you make me", "make my", "change my", "edit", "this photo", "this pic",
    "in this", "in the photo", "adjust", "expression", "face", "my face",
    "让我", "让他", "让她", "把表情", "表情", "改成", "这张", "照片里",
)
"""Words that say the photo itself should change (not needed, but they raise confidence)."""

NOT_EXPRESSIONS: tuple[str, ...] = (
    "笑死", "好笑", "可笑", "搞笑", "笑话", "玩笑", "笑什么", "笑哭", "笑喷", "见笑", "取笑",
    "嘲笑", "抬头纹", "一张大", "一张开",
)
"""Chat holding an expression word: "笑死我了" is "lol", "一张大头照" counts a photo."""

FEELING_OPENERS: tuple[str, ...] = (
    "i m", "im", "i am", "i was", "i feel", "i felt", "made me", "makes me", "i can t stop",
    "i cant stop", "i keep", "you made me", "that made me", "i couldn t stop", "got me",
)
"""Words that make an expression word a feeling the person reports ("I'm laughing",
"you made me smile"), not an edit they ask for ("make me smile")."""

NOT_SMILING = "stop smiling"
"""The phrase whose expression a negated smile takes ("don't smile", "no smile")."""
