"""Channel senders: how the worker delivers to a chat. One module per channel."""
