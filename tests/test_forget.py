"""/forget forgets: after it, no file, Redis key or value, feed event or history line of that
person remains on any storage, and their result links stop working; another person's stay."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from core.settings import Settings
from tests.fakes import serve
from tests.fakes.worker_process import FAST_TIMING, WorkerProcess, wait_for

ROOT = Path(__file__).resolve().parent.parent
FACE = (ROOT / "tests" / "images" / "face.jpg").read_bytes()


def mirrored(data: bytes) -> bytes:
    """The same face turned left for right: another person's photo, with other bytes."""
    import io

    from PIL import Image, ImageOps

    out = io.BytesIO()
    ImageOps.mirror(Image.open(io.BytesIO(data)).convert("RGB")).save(out, "JPEG", quality=90)
    return out.getvalue()


@pytest.fixture
def env(redis_url: str, data_dir: Path) -> dict[str, str]:
    accounts = ("FAL_", "TELEGRAM_", "WECHAT_", "WECOM_", "BYTEPLUS_", "HEADSHOT_", "PUBLIC_URL")
    base = {k: v for k, v in os.environ.items() if not k.startswith(accounts)}
    return {**base, "REDIS_URL": redis_url, "DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}


@pytest.fixture
def site(env: dict[str, str], tmp_path: Path) -> Iterator[str]:
    from portraitbot.app import build_server

    settings = Settings.from_env(env)
    app = build_server(settings, redis.Redis.from_url(env["REDIS_URL"]))
    worker = WorkerProcess(env, timing=FAST_TIMING, log_path=tmp_path / "worker.log")
    try:
        with serve(app) as url:
            yield url
    finally:
        worker.stop()


class Browser:
    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=url, timeout=30)
        self.http.get("/")
        self.cursor = "0-0"

    def say(self, text: str = "", photo: bytes | None = None) -> list[dict[str, Any]]:
        files = {"photo": ("me.jpg", photo, "image/jpeg")} if photo else None
        answer = self.http.post("/api/message", data={"text": text, "lang": "en"}, files=files)
        assert answer.status_code == 200, answer.text
        return answer.json()["replies"]  # type: ignore[no-any-return]

    def events(self) -> list[dict[str, Any]]:
        return self.http.get("/api/events", params={"after": "0-0"}).json()["events"]  # type: ignore[no-any-return]

    def portrait(self, photo: bytes = FACE) -> list[str]:
        """Ask for a portrait and wait for its images; their media names."""
        self.say(photo=photo)
        self.say("make me anime")

        def names() -> list[str]:
            return [f["name"] for e in self.events() if e.get("type") == "images" for f in e["files"]]

        return wait_for(names, timeout=60, what="the portrait")  # type: ignore[no-any-return]


def redis_dump(client: redis.Redis) -> dict[bytes, bytes]:
    """Every key with everything it holds, as bytes, to search in."""
    dump = {}
    for name in client.scan_iter(count=1000):
        kind = client.type(name)
        if kind == b"string":
            value = client.get(name) or b""
        elif kind == b"hash":
            value = b" ".join(k + b"=" + v for k, v in client.hgetall(name).items())
        elif kind == b"set":
            value = b" ".join(client.smembers(name))
        elif kind == b"zset":
            value = b" ".join(m for m, _ in client.zrange(name, 0, -1, withscores=True))
        elif kind == b"list":
            value = b" ".join(client.lrange(name, 0, -1))
        elif kind == b"stream":
            value = b" ".join(b" ".join(k + b"=" + v for k, v in f.items())
                              for _, f in client.xrange(name))
        else:
            value = b""
        dump[name] = value
    return dump


def files_under(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_forget_leaves_no_byte_of_the_person_anywhere(site: str, redis_url: str, data_dir: Path) -> None:
    client = redis.Redis.from_url(redis_url)
    other = Browser(site)
    other_names = other.portrait(mirrored(FACE))
    before = files_under(data_dir)

    me = Browser(site)
    my_names = me.portrait()
    token = me.http.cookies["pb_session"]
    from bot.web.routes import user_id_for

    user = user_id_for(token)
    mine = {p: data for p, data in files_under(data_dir).items() if p not in before}
    assert mine, "the portrait and the photo were stored"
    gen_ids = {name.rsplit("-", 1)[0].rsplit("-", 1)[-1] for name in my_names}
    needles = {user.encode(), token.encode(), *(g.encode() for g in gen_ids)}
    samples = {data[len(data) // 2: len(data) // 2 + 32] for data in mine.values()}
    assert any(user.encode() in k + v for k, v in redis_dump(client).items())
    assert me.http.get(f"/media/{my_names[0]}").status_code == 200

    replies = me.say("/forget")
    assert "deleted" in replies[0]["text"].lower()

    # Nothing of theirs on disk: no new file at all, and none holding their photo or results.
    left = files_under(data_dir)
    assert set(left) <= set(before), f"files left: {sorted(set(left) - set(before))}"
    for path, data in left.items():
        assert not any(sample in data for sample in samples), path
    # Nothing in Redis: no key or value names them or their generations or holds their bytes.
    for name, value in redis_dump(client).items():
        if name.startswith(b"pb:daily:"):
            assert value.isdigit()  # the day's count stays (no way round the daily limit)
            continue
        blob = name + b" " + value
        found = [n for n in needles if n in blob] + [s for s in samples if s in blob]
        assert not found, f"{name!r} still holds {found}"
    # The links and the history are gone for them, also after a reload.
    assert me.http.get(f"/media/{my_names[0]}").status_code == 404
    assert me.events() == []
    fresh = httpx.get(f"{site}/api/events", cookies={"pb_session": token}).json()
    assert fresh["events"] == []
    # The other person keeps everything.
    assert other.http.get(f"/media/{other_names[0]}").status_code == 200
    assert any(e.get("type") == "images" for e in other.events())
    assert set(before) <= set(left)


def test_help_says_what_is_kept_and_for_how_long(site: str) -> None:
    text = Browser(site).say("/help")[0]["text"]
    assert "kept for 30 days" in text and "/forget" in text


def aged(path: Path, days: float, data: bytes = b"x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    then = time.time() - days * 86400
    os.utime(path, (then, then))
    return path


def test_photos_and_results_older_than_retention_days_are_deleted_by_the_worker(
    env: dict[str, str], data_dir: Path, tmp_path: Path
) -> None:
    old = [aged(data_dir / "photos" / "abc" / "1.jpg", 8), aged(data_dir / "output" / "images" / "2026-01-01" / "g-1.png", 8),
           aged(data_dir / "web" / "wabc" / "g-1.png", 8)]
    young = [aged(data_dir / "photos" / "def" / "2.jpg", 6), aged(data_dir / "web" / "wdef" / "h-1.png", 0)]
    elsewhere = aged(data_dir / "models" / "detector.onnx", 100)
    worker = WorkerProcess({**env, "RETENTION_DAYS": "7"}, timing=FAST_TIMING, log_path=tmp_path / "worker.log")
    try:
        wait_for(lambda: not any(p.exists() for p in old), timeout=30, what="the retention purge")
    finally:
        worker.stop()
    assert all(p.exists() for p in young) and elsewhere.exists()
    assert not (data_dir / "photos" / "abc").exists()  # emptied folders go too
    assert Settings.from_env({}).retention_days == 30


def test_a_photo_deleted_by_retention_is_asked_for_again_not_used(site: str, data_dir: Path) -> None:
    me = Browser(site)
    me.say(photo=FACE)
    for photo in (data_dir / "photos").rglob("*.jpg"):
        photo.unlink()  # what the retention purge does to an old photo
    text = " ".join(r["text"] for r in me.say("make me anime")).lower()
    assert "photo" in text or "selfie" in text
    assert not any(e.get("type") == "images" for e in me.events())
