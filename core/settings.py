"""Settings, read once from the environment by a composition root and passed down.

``Settings.from_env(os.environ)`` validates every value and raises ``ConfigError`` with a
sentence an operator can act on. Secrets are wrapped in ``Secret`` so that printing the
settings, or an exception that carries them, never shows a key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from urllib.parse import urlsplit

from core.credits import DEFAULT_FREE_CREDITS, DEFAULT_PACKS, Pack, parse_packs, parse_prices
from core.errors import ConfigError

DEFAULT_FAL_QUEUE_URL = "https://queue.fal.run"
DEFAULT_TELEGRAM_API_URL = "https://api.telegram.org"
DEFAULT_WECHAT_API_URL = "https://api.weixin.qq.com"
DEFAULT_WECOM_WS_URL = "wss://openws.work.weixin.qq.com"
"""WeCom AI bot long connection (智能机器人 长连接)."""
DEFAULT_BYTEPLUS_BASE_URL = "https://ark.ap-southeast.bytepluses.com/api/v3"
DEFAULT_HTTP_PORT = 8080
"""The one HTTP server's port: web chat, callbacks, webhooks, health."""
DEFAULT_MAX_ACTIVE_PER_PERSON = 2
"""Generations one person may have running at once; more would let one chat hog a worker."""
DEFAULT_DAILY_LIMIT_PER_PERSON = 30
"""Generations (images) one person may start per UTC day."""
DEFAULT_DAILY_BUDGET_USD = 20.0
"""Global spend cap per UTC day, summed from the cost ledger; 0 means no cap."""
DEFAULT_WEB_DAILY_LIMIT_PER_ADDRESS = 20
"""Images the web chat starts per UTC day for one client address (an IPv6 /64), however many
cookies it uses; 0 means no per-address limit."""
DEFAULT_WEB_DAILY_BUDGET_USD = 5.0
"""The anonymous web chat's share of the daily spend: it can never use more, so the rest of
``DAILY_BUDGET_USD`` stays for Telegram, WeChat and WeCom; 0 means no separate share."""
DEFAULT_GROUP_DAILY_LIMIT = 60
"""Images one group chat starts per UTC day, whoever in it asks; 0 means no group limit."""
DEFAULT_QUEUE_TTL_SECONDS = 600
"""A request that waited this long in the queue is dropped with an apology."""
DEFAULT_GENERATION_DEADLINE_SECONDS = 600
"""Seed 000 §13: a job still unfinished after 10 minutes is cancelled upstream."""
DEFAULT_FAILURE_TTL_SECONDS = 3 * 24 * 3600
"""Failed RQ jobs are kept three days for operators to inspect, not RQ's default year."""
DEFAULT_RETENTION_DAYS = 30
"""Days people's photos and results are kept before they are deleted automatically (0: until
/forget). The same as the Redis records' lifetime, so nothing points at a deleted file early."""
DEFAULT_SHARED_FILES_HOURS = 72.0
"""Hours a file lives in Redis with SHARED_FILES=redis: long enough for a delivery retried,
a passive-only WeChat account's held picture (3 days) and "more like this" on a recent photo;
each host keeps its own copy on disk for RETENTION_DAYS."""
DEFAULT_LIKENESS_MIN = 0.5
"""Likeness (0..1, ``engine.faces.likeness``) under which a photographic result gets one more
attempt; 0.5 is dlib's same-person distance of 0.6. ``LIKENESS_MIN=0`` turns the check off."""
DEFAULT_INTENT_LLM_TIMEOUT_S = 3.0
"""Seconds the optional intent LLM may take, submit to answer, before the rules' reading stands."""
DEFAULT_INTENT_LLM_DAILY_CAP = 200


class Secret:
    """A string that never prints itself. ``reveal()`` is the only way to read it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __repr__(self) -> str:
        return "Secret('***')" if self._value else "Secret('')"

    __str__ = __repr__


SECRET_ENV_NAMES = (
    "FAL_KEY",
    "BYTEPLUS_API_KEY",
    "HEADSHOT_API_KEY",
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_WEBHOOK_SECRET",
    "WECHAT_APP_SECRET",
    "WECHAT_TOKEN",
    "WECHAT_AES_KEY",
    "WECOM_TOKEN",
    "WECOM_AES_KEY",
    "WECOM_BOT_SECRET",
)


@dataclass(frozen=True)
class Settings:
    """Every knob of the product, with the defaults DESIGN.md names."""

    fal_key: Secret = field(default_factory=lambda: Secret(""))
    fal_queue_url: str = DEFAULT_FAL_QUEUE_URL
    byteplus_api_key: Secret = field(default_factory=lambda: Secret(""))
    byteplus_base_url: str = DEFAULT_BYTEPLUS_BASE_URL
    headshot_api_url: str = ""
    headshot_api_key: Secret = field(default_factory=lambda: Secret(""))
    telegram_bot_token: Secret = field(default_factory=lambda: Secret(""))
    telegram_api_url: str = DEFAULT_TELEGRAM_API_URL
    telegram_webhook_url: str = ""
    telegram_webhook_secret: Secret = field(default_factory=lambda: Secret(""))
    telegram_allowed_groups: frozenset[int] = frozenset()
    telegram_group_messages: int = 20
    """Messages the bot sends into one group per ``telegram_group_window_s`` (Telegram: ~20/min)."""
    telegram_group_window_s: float = 60.0
    """Seconds of that window; all server and worker processes share it through Redis."""
    telegram_update_queue_max: int = 10_000
    telegram_sends_per_s: int = 30
    """Messages sent a second at most, over all chats (Telegram's broadcast guidance); 0: no
    overall pace (an operator with paid broadcasts, or a bench measuring ingress alone)."""
    """Webhook mode: Telegram updates waiting in Redis at most; beyond, the webhook answers 429
    and Telegram redelivers later."""
    wechat_app_id: str = ""
    wechat_app_secret: Secret = field(default_factory=lambda: Secret(""))
    wechat_token: Secret = field(default_factory=lambda: Secret(""))
    wechat_aes_key: Secret = field(default_factory=lambda: Secret(""))
    wechat_api_url: str = DEFAULT_WECHAT_API_URL
    wecom_token: Secret = field(default_factory=lambda: Secret(""))
    """WeCom AI bot, callback mode: the Token of the bot's receive-message URL."""
    wecom_aes_key: Secret = field(default_factory=lambda: Secret(""))
    """WeCom AI bot, callback mode: the 43-character EncodingAESKey."""
    wecom_bot_id: str = ""
    """WeCom AI bot, long connection mode: the Bot ID."""
    wecom_bot_secret: Secret = field(default_factory=lambda: Secret(""))
    """WeCom AI bot, long connection mode: the Secret."""
    wecom_ws_url: str = DEFAULT_WECOM_WS_URL
    redis_url: str = ""
    data_dir: Path = Path("data")
    public_url: str = ""
    http_host: str = "127.0.0.1"
    http_port: int = DEFAULT_HTTP_PORT
    admin_ids: frozenset[str] = frozenset()
    styles_file: Path | None = None
    default_model: str = ""
    max_active_per_person: int = DEFAULT_MAX_ACTIVE_PER_PERSON
    daily_limit_per_person: int = DEFAULT_DAILY_LIMIT_PER_PERSON
    daily_budget_usd: float = DEFAULT_DAILY_BUDGET_USD
    web_daily_limit_per_address: int = DEFAULT_WEB_DAILY_LIMIT_PER_ADDRESS
    web_daily_budget_usd: float = DEFAULT_WEB_DAILY_BUDGET_USD
    group_daily_limit: int = DEFAULT_GROUP_DAILY_LIMIT
    trusted_proxy_header: str = ""
    """The header a reverse proxy puts the client address in (``X-Forwarded-For``); read only
    when set, so a visitor cannot pick their own address by sending it."""
    queue_ttl_seconds: int = DEFAULT_QUEUE_TTL_SECONDS
    generation_deadline_seconds: int = DEFAULT_GENERATION_DEADLINE_SECONDS
    failure_ttl_seconds: int = DEFAULT_FAILURE_TTL_SECONDS
    retention_days: float = DEFAULT_RETENTION_DAYS
    shared_files: str = ""
    """``redis``: photos and finished images are kept in Redis too (worker/shared_files.py),
    so servers and workers on several hosts need no shared disk; empty: disk only."""
    shared_files_hours: float = DEFAULT_SHARED_FILES_HOURS
    face_detector_model: Path | None = None
    photo_processes: int = 1
    """Processes that decode and check photos for a server (``bot.intake``); 0: a thread of
    the server itself (its GIL: other people's answers wait while a photo is checked)."""
    likeness_min: float = DEFAULT_LIKENESS_MIN
    payments: str = ""
    """``stars``: pictures cost credits, bought with Telegram Stars (core/credits.py); empty:
    no payments, the daily quota as before."""
    free_credits: int = DEFAULT_FREE_CREDITS
    credit_packs: tuple[Pack, ...] = tuple(Pack(c, s) for c, s in DEFAULT_PACKS)
    model_credits: tuple[tuple[str, int], ...] = ()
    """The operator's credits per image by model; the rest cost their upstream price."""
    payment_support: str = ""
    """Where /paysupport sends people (a @username or an address); empty: this chat."""
    log_level: str = "INFO"
    intent_llm_model: str = ""
    """fal ``any-llm`` model asked about messages the rules cannot place; empty: never."""
    intent_llm_timeout_s: float = DEFAULT_INTENT_LLM_TIMEOUT_S
    intent_llm_daily_cap: int = DEFAULT_INTENT_LLM_DAILY_CAP
    """At most this many model calls a day (UTC), for the whole bot."""

    @property
    def has_any_provider_key(self) -> bool:
        return bool(self.fal_key or self.byteplus_api_key or self.headshot_api_url)

    @property
    def secrets(self) -> tuple[str, ...]:
        """The revealed values of every secret, for log redaction."""
        return tuple(
            v.reveal() for f in fields(self) if isinstance(v := getattr(self, f.name), Secret) and v
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Build settings from an environment mapping; raise ConfigError on a bad value."""
        get = _Reader(env)
        settings = cls(
            fal_key=get.secret("FAL_KEY"),
            fal_queue_url=get.url("FAL_QUEUE_URL", DEFAULT_FAL_QUEUE_URL),
            byteplus_api_key=get.secret("BYTEPLUS_API_KEY"),
            byteplus_base_url=get.url("BYTEPLUS_BASE_URL", DEFAULT_BYTEPLUS_BASE_URL),
            headshot_api_url=get.url("HEADSHOT_API_URL", ""),
            headshot_api_key=get.secret("HEADSHOT_API_KEY"),
            telegram_bot_token=get.secret("TELEGRAM_BOT_TOKEN"),
            telegram_api_url=get.url("TELEGRAM_API_URL", DEFAULT_TELEGRAM_API_URL),
            telegram_webhook_url=get.url("TELEGRAM_WEBHOOK_URL", "", https=True),
            telegram_webhook_secret=get.secret("TELEGRAM_WEBHOOK_SECRET"),
            telegram_allowed_groups=frozenset(
                int(x) for x in get.id_list("TELEGRAM_ALLOWED_GROUPS", numeric=True)
            ),
            telegram_group_messages=get.integer("TELEGRAM_GROUP_MESSAGES", 20, low=1),
            telegram_group_window_s=get.number("TELEGRAM_GROUP_WINDOW_S", 60.0, low=0.1),
            telegram_update_queue_max=get.integer("TELEGRAM_UPDATE_QUEUE_MAX", 10_000, low=1),
            telegram_sends_per_s=get.integer("TELEGRAM_SENDS_PER_S", 30, low=0),
            wechat_app_id=get.text("WECHAT_APP_ID"),
            wechat_app_secret=get.secret("WECHAT_APP_SECRET"),
            wechat_token=get.secret("WECHAT_TOKEN"),
            wechat_aes_key=get.secret("WECHAT_AES_KEY"),
            wechat_api_url=get.url("WECHAT_API_URL", DEFAULT_WECHAT_API_URL),
            wecom_token=get.secret("WECOM_TOKEN"),
            wecom_aes_key=get.secret("WECOM_AES_KEY"),
            wecom_bot_id=get.text("WECOM_BOT_ID"),
            wecom_bot_secret=get.secret("WECOM_BOT_SECRET"),
            wecom_ws_url=get.ws_url("WECOM_WS_URL", DEFAULT_WECOM_WS_URL),
            redis_url=get.redis_url("REDIS_URL"),
            data_dir=Path(get.text("DATA_DIR") or "data"),
            public_url=get.url("PUBLIC_URL", "", https=True),
            http_host=get.text("HTTP_HOST") or "127.0.0.1",
            http_port=get.integer("HTTP_PORT", DEFAULT_HTTP_PORT, low=1, high=65535),
            admin_ids=frozenset(get.id_list("ADMIN_IDS")),
            styles_file=Path(p) if (p := get.text("STYLES_FILE")) else None,
            default_model=get.text("DEFAULT_MODEL"),
            max_active_per_person=get.integer(
                "MAX_ACTIVE_PER_PERSON", DEFAULT_MAX_ACTIVE_PER_PERSON, low=1
            ),
            daily_limit_per_person=get.integer(
                "DAILY_LIMIT_PER_PERSON", DEFAULT_DAILY_LIMIT_PER_PERSON, low=0
            ),
            daily_budget_usd=get.number("DAILY_BUDGET_USD", DEFAULT_DAILY_BUDGET_USD, low=0.0),
            web_daily_limit_per_address=get.integer(
                "WEB_DAILY_LIMIT_PER_ADDRESS", DEFAULT_WEB_DAILY_LIMIT_PER_ADDRESS, low=0
            ),
            web_daily_budget_usd=get.number(
                "WEB_DAILY_BUDGET_USD", DEFAULT_WEB_DAILY_BUDGET_USD, low=0.0
            ),
            group_daily_limit=get.integer("GROUP_DAILY_LIMIT", DEFAULT_GROUP_DAILY_LIMIT, low=0),
            trusted_proxy_header=get.text("TRUSTED_PROXY_HEADER").lower(),
            queue_ttl_seconds=get.integer("QUEUE_TTL_SECONDS", DEFAULT_QUEUE_TTL_SECONDS, low=1),
            generation_deadline_seconds=get.integer(
                "GENERATION_DEADLINE_SECONDS", DEFAULT_GENERATION_DEADLINE_SECONDS, low=10
            ),
            failure_ttl_seconds=get.integer(
                "FAILURE_TTL_SECONDS", DEFAULT_FAILURE_TTL_SECONDS, low=60
            ),
            retention_days=get.number("RETENTION_DAYS", DEFAULT_RETENTION_DAYS, low=0.0),
            shared_files=get.choice("SHARED_FILES", ("", "redis")),
            shared_files_hours=get.number("SHARED_FILES_HOURS", DEFAULT_SHARED_FILES_HOURS, low=0.1),
            face_detector_model=Path(p) if (p := get.text("FACE_DETECTOR_MODEL")) else None,
            photo_processes=get.integer("PHOTO_PROCESSES", 1, low=0),
            likeness_min=min(1.0, get.number("LIKENESS_MIN", DEFAULT_LIKENESS_MIN, low=0.0)),
            payments=get.choice("PAYMENTS", ("", "stars")),
            free_credits=get.integer("FREE_CREDITS", DEFAULT_FREE_CREDITS, low=0),
            credit_packs=parse_packs("CREDIT_PACKS", get.text("CREDIT_PACKS"))
            or tuple(Pack(c, s) for c, s in DEFAULT_PACKS),
            model_credits=parse_prices("MODEL_CREDITS", get.text("MODEL_CREDITS")),
            payment_support=get.text("PAYMENT_SUPPORT"),
            log_level=(get.text("LOG_LEVEL") or "INFO").upper(),
            intent_llm_model=get.text("INTENT_LLM_MODEL"),
            intent_llm_timeout_s=min(30.0, get.number(
                "INTENT_LLM_TIMEOUT_S", DEFAULT_INTENT_LLM_TIMEOUT_S, low=0.5)),
            intent_llm_daily_cap=get.integer(
                "INTENT_LLM_DAILY_CAP", DEFAULT_INTENT_LLM_DAILY_CAP, low=0),
        )
        settings._check_pairs()
        return settings

    def _check_pairs(self) -> None:
        if self.telegram_webhook_url and not self.telegram_bot_token:
            raise ConfigError("TELEGRAM_WEBHOOK_URL is set but TELEGRAM_BOT_TOKEN is not")
        if self.telegram_webhook_url and not self.telegram_webhook_secret:
            raise ConfigError(
                "TELEGRAM_WEBHOOK_SECRET must be set with TELEGRAM_WEBHOOK_URL "
                "(1-256 characters: A-Z, a-z, 0-9, _ and -)"
            )
        secret = self.telegram_webhook_secret.reveal()
        if secret and (
            len(secret) > 256 or not all(c.isascii() and (c.isalnum() or c in "_-") for c in secret)
        ):
            raise ConfigError(
                "TELEGRAM_WEBHOOK_SECRET may hold only A-Z, a-z, 0-9, _ and - (1-256 characters)"
            )
        if bool(self.wechat_app_id) != bool(self.wechat_app_secret):
            raise ConfigError("WECHAT_APP_ID and WECHAT_APP_SECRET must be set together")
        if self.wechat_app_id and not self.wechat_token:
            raise ConfigError("WECHAT_TOKEN must be set with WECHAT_APP_ID")
        aes = self.wechat_aes_key.reveal()
        if aes and len(aes) != 43:
            raise ConfigError("WECHAT_AES_KEY must be the 43-character EncodingAESKey")
        if bool(self.wecom_token) != bool(self.wecom_aes_key):
            raise ConfigError("WECOM_TOKEN and WECOM_AES_KEY must be set together (callback mode)")
        if self.wecom_aes_key and len(self.wecom_aes_key.reveal()) != 43:
            raise ConfigError("WECOM_AES_KEY must be the 43-character EncodingAESKey")
        if bool(self.wecom_bot_id) != bool(self.wecom_bot_secret):
            raise ConfigError("WECOM_BOT_ID and WECOM_BOT_SECRET must be set together (long connection mode)")
        if self.headshot_api_url and not self.headshot_api_key:
            raise ConfigError("HEADSHOT_API_KEY must be set with HEADSHOT_API_URL")


class _Reader:
    """Reads and checks one environment variable at a time."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env

    def text(self, name: str) -> str:
        return self.env.get(name, "").strip()

    def choice(self, name: str, allowed: tuple[str, ...]) -> str:
        value = self.text(name).lower()
        if value not in allowed:
            raise ConfigError(f"{name} must be one of {', '.join(a for a in allowed if a)} or empty, got {value!r}")
        return value

    def secret(self, name: str) -> Secret:
        return Secret(self.text(name))

    def url(self, name: str, default: str, *, https: bool = False) -> str:
        value = self.text(name)
        if not value:
            return default
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(f"{name} must be an http(s) URL, got {value!r}")
        if https and parts.scheme != "https":
            raise ConfigError(f"{name} must be https")
        return value.rstrip("/")

    def ws_url(self, name: str, default: str) -> str:
        value = self.text(name)
        if not value:
            return default
        parts = urlsplit(value)
        if parts.scheme not in ("ws", "wss") or not parts.netloc:
            raise ConfigError(f"{name} must be a ws:// or wss:// URL, got {value!r}")
        return value.rstrip("/")

    def redis_url(self, name: str) -> str:
        value = self.text(name)
        if value and urlsplit(value).scheme not in ("redis", "rediss", "unix"):
            raise ConfigError(f"{name} must start with redis://, rediss:// or unix://")
        return value

    def integer(self, name: str, default: int, *, low: int | None = None, high: int | None = None) -> int:
        value = self.text(name)
        if not value:
            return default
        try:
            number = int(value)
        except ValueError:
            raise ConfigError(f"{name} must be a whole number, got {value!r}") from None
        if (low is not None and number < low) or (high is not None and number > high):
            raise ConfigError(f"{name} must be between {low} and {high}, got {number}")
        return number

    def number(self, name: str, default: float, *, low: float | None = None) -> float:
        value = self.text(name)
        if not value:
            return default
        try:
            number = float(value)
        except ValueError:
            raise ConfigError(f"{name} must be a number, got {value!r}") from None
        if low is not None and number < low:
            raise ConfigError(f"{name} must be at least {low}, got {number}")
        return number

    def id_list(self, name: str, *, numeric: bool = False) -> list[str]:
        items = [x.strip() for x in self.text(name).split(",") if x.strip()]
        if numeric:
            for item in items:
                if not item.lstrip("-").isdigit():
                    raise ConfigError(f"{name} must be a comma-separated list of chat ids")
        return items
