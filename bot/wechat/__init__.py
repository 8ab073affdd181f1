"""The WeChat Official Account channel: the /wechat callback (bot side) and its jobs."""

from bot.wechat.routes import wechat_routes

__all__ = ["wechat_routes"]
