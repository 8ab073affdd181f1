"""The channel-neutral conversation: one incoming message in, the replies out.

Telegram, WeChat and the web chat parse their updates into ``bot.messages.Incoming`` and
send back the ``Reply`` list this returns; the dialogue itself (intents, the person's
reference photo, pending choices, quotas, enqueueing, commands such as /quota or /forget)
lives here once, so every channel behaves the same.

Being written by the team lead; the public API is fixed:

    conversation = Conversation(redis=..., settings=..., catalogues=..., queue=..., ...)
    replies = await conversation.handle(incoming)          # never waits for a model
    conversation.attach_ack(generation_id, message_id)     # after sending an ack Reply
"""
