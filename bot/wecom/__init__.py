"""The WeCom AI bot (企业微信智能机器人): private and group chats in WeChat's work app.

Callback mode (``/wecom``, token + EncodingAESKey) and long connection mode (an outbound
WebSocket, bot id + secret) share one handler (``bot.wecom.handler``); the worker answers
through the message's stream or its ``response_url`` (``bot.wecom.sender``).
"""
