"""The WeCom AI bot's sender lives with its channel (``bot.wecom.sender``)."""

from bot.wecom.sender import WeComSender, build_sender

__all__ = ["WeComSender", "build_sender"]
