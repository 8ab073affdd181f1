"""The offline engine: recognisable style previews and real ID photos with no account.

Pillow, OpenCV (headless) and numpy on the CPU. ``OfflineProvider`` (``provider.py``) is the
Provider; ``treatments.py`` maps every style to a filter family (``families.py``) built from
``filters.py``; ``render.py`` runs a job; ``placeholder.py`` draws text-only previews.
"""

from engine.offline.provider import CAPTION_MESSAGE_ID, OFFLINE_FLAG, OfflineProvider, is_offline

__all__ = ["CAPTION_MESSAGE_ID", "OFFLINE_FLAG", "OfflineProvider", "is_offline"]
