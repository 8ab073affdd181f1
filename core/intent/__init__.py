"""Intent recognition: one chat message in English, Chinese or both to a ``core.request.Intent``.

Word lists live in ``style_words``, ``id_words``, ``expression_words`` and ``words``;
``recognize`` is the one entry point.
"""

from core.intent.recognizer import recognize
from core.intent.text import clean_text

__all__ = ["clean_text", "recognize"]
