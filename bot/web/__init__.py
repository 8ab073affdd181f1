"""The web chat: a page at ``/`` and a small JSON API beside it."""
