"""``OfflineProvider``: the built-in engine that needs no account, behind the Provider Protocol.

It finishes inside ``submit`` (the work runs in a thread so the event loop stays free) and
returns the images at once; ``poll`` always says done and ``cancel`` does nothing.

Contract with the engine that builds the ``ProviderJob``:

* ``job.extra["style"]`` — the style key (e.g. ``"anime"``). Without it the style is found
  from the prompt (a preset's prompt text, else keywords such as "watercolor"), else the
  default treatment is used.
* ``job.extra["id_spec"]`` / ``job.extra["background"]`` — for ID-photo styles: the spec key
  (``"us"``, ``"cn_1inch"``…) and backdrop colour; defaults come from the style.
* ``job.references`` — the reference photo (JPEG bytes). None: a placeholder is drawn.

Every offline image is a preview and its caption must say so. The answer carries that:
``Submitted.handle.data["offline"] is True`` and ``handle.data["notes"]`` lists message ids
for the caption, ``"offline.preview_caption"`` first (then, when they apply,
``offline.placeholder_note``, ``offline.expression_note`` and ``idphoto.*`` notes).
``handle.data["id_compliant"]`` is True when the image already meets its ID-photo spec;
``handle.data["id_spec"]`` and ``["background"]`` then say which spec and colour were used
(pass that spec to ``engine.printsheet.print_sheet``).
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from core.errors import PermanentUpstreamError
from core.settings import Settings
from engine.detector import build_detector
from engine.facedetect import FaceDetector
from engine.offline.render import PREVIEW_NOTE, render
from engine.providers.base import Handle, OutputImage, ProviderJob, Status, Submitted

OFFLINE_FLAG = "offline"
"""Key in ``Handle.data`` that is True for every offline result."""
CAPTION_MESSAGE_ID = PREVIEW_NOTE
"""The message id ("offline.preview_caption") every offline image's caption includes."""


def is_offline(handle: Handle) -> bool:
    """Whether these images came from the offline engine (and need the preview caption)."""
    return bool(handle.data.get(OFFLINE_FLAG))


class OfflineProvider:
    """Local image filters and ID-photo compliance; no network, no keys, no cost."""

    name = "offline"

    def __init__(self, settings: Settings, *, detector: FaceDetector | None = None) -> None:
        self._settings = settings
        self._detector = detector

    def _face_detector(self) -> FaceDetector:
        if self._detector is None:
            self._detector = build_detector(self._settings)
        return self._detector

    async def submit(self, job: ProviderJob) -> Submitted:
        """Render the images now (in a worker thread) and return them with the handle."""
        rendered = await asyncio.to_thread(render, job, self._face_detector())
        data: dict[str, Any] = {
            OFFLINE_FLAG: True,
            "notes": list(rendered.notes),
            "style": rendered.style,
            "family": rendered.family,
            "id_compliant": rendered.id_compliant,
            "id_spec": rendered.id_spec,
            "background": rendered.background,
        }
        handle = Handle(self.name, uuid.uuid4().hex, job.endpoint, data)
        images = tuple(OutputImage(image, rendered.content_type) for image in rendered.images)
        return Submitted(handle=handle, images=images, cost_usd=0.0)

    async def poll(self, handle: Handle) -> Status:
        return Status("done")

    async def result(self, handle: Handle) -> tuple[OutputImage, ...]:
        """Offline images are handed over by ``submit`` and kept nowhere else."""
        raise PermanentUpstreamError("offline.result_unavailable")

    async def cancel(self, handle: Handle) -> None:
        return None
