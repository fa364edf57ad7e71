"""Configuration read from environment variables (and an optional `.env` file)."""

from __future__ import annotations

import os
import secrets
import socket
from datetime import timedelta
from pathlib import Path

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_DIR", PROJECT_ROOT / "instance"))

load_dotenv(PROJECT_ROOT / ".env")


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """Return SECRET_KEY from the environment, or one generated once into instance/."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = INSTANCE_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # Created with owner-only permissions: the key signs sessions and reset links.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return key


def _database_url(default: str) -> str:
    url = os.environ.get("DATABASE_URL", default)
    # Heroku-style URLs name the old driver; psycopg 3 is the one installed.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://") :]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


class Config:
    """Production-safe defaults; every value can be overridden from the environment."""

    SECRET_KEY = _secret_key()
    SQLALCHEMY_DATABASE_URI = _database_url(f"sqlite:///{INSTANCE_DIR / 'market.db'}")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SEARCH_INDEX_DIR = os.environ.get("SEARCH_INDEX_DIR", str(INSTANCE_DIR / "index"))
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    #: Largest accepted upload in bytes (20 MB by default).
    MAX_UPLOAD_BYTES = int(os.environ.get("MAX_UPLOAD_MB", "20")) * 1024 * 1024
    # Requests may carry a little form data beside the file.
    MAX_CONTENT_LENGTH = MAX_UPLOAD_BYTES + 1024 * 1024

    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = {"zh_CN": "中文", "en": "English"}

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _flag("SESSION_COOKIE_SECURE")
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PREFERRED_URL_SCHEME = "https" if SESSION_COOKIE_SECURE else "http"
    #: A sign-in unused this long ends (server-side, accounts/sessions.py) ...
    SESSION_IDLE_DAYS = int(os.environ.get("SESSION_IDLE_DAYS", "30"))
    #: ... and sooner for brokers and the operator, who see confidential detail.
    STAFF_SESSION_IDLE_MINUTES = int(
        os.environ.get("STAFF_SESSION_IDLE_MINUTES", "120")
    )
    #: "Remember me" lasts no longer than an idle session would.
    REMEMBER_COOKIE_DURATION = timedelta(days=SESSION_IDLE_DAYS)
    #: Behind a TLS-terminating proxy, trust one hop of X-Forwarded-* headers.
    PROXY_FIX = _flag("PROXY_FIX")

    WTF_CSRF_TIME_LIMIT = None

    #: Several nodes: a shared Redis ("redis://host:6379/0") for what must not be
    #: per process; today the rate limits (unless RATELIMIT_STORAGE_URI names a store).
    REDIS_URL = os.environ.get("REDIS_URL", "")
    RATELIMIT_STORAGE_URI = os.environ.get(
        "RATELIMIT_STORAGE_URI", REDIS_URL or "memory://"
    )
    #: This node's name: each node's search index copy follows the outbox log with a
    #: cursor of its own, kept under this name (the host name by default).
    MARKET_NODE_NAME = os.environ.get("MARKET_NODE_NAME") or socket.gethostname()
    RATELIMIT_ENABLED = _flag("RATELIMIT_ENABLED", True)
    #: FAILED sign-ins per address (and password-reset requests per address).
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")
    #: Failed sign-ins per account, whatever the address.
    LOGIN_ACCOUNT_RATE_LIMIT = os.environ.get(
        "LOGIN_ACCOUNT_RATE_LIMIT", "10 per 15 minutes"
    )

    #: "console" prints mail to the log; "smtp" sends through the settings below.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "console")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _flag("MAIL_USE_TLS")
    MAIL_USE_SSL = _flag("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get(
        "MAIL_DEFAULT_SENDER", "瓯海科技大市场 <noreply@ouhai-market.example>"
    )
    #: After a request commits queued mail: "thread" sends the outbox in a background
    #: thread of this process, "inline" before the response (tests), "off" leaves it to
    #: `flask mail send --loop` (or cron) in a separate worker. CLI commands send inline.
    MAIL_SYNC = os.environ.get("MAIL_SYNC", "thread")
    #: Attempts at one message before it is marked failed for the operator.
    MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS", "8"))
    #: Seconds before the first retry; each further retry waits twice as long (max 6 h).
    MAIL_RETRY_SECONDS = int(os.environ.get("MAIL_RETRY_SECONDS", "60"))
    #: Seconds a sender holds its claim on a message; after a crash it is sent again.
    MAIL_CLAIM_SECONDS = int(os.environ.get("MAIL_CLAIM_SECONDS", "300"))
    #: Seconds a password-reset link stays valid.
    PASSWORD_RESET_MAX_AGE = int(os.environ.get("PASSWORD_RESET_MAX_AGE", "3600"))

    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY")
    STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY")
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET")
    STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE")
    STRIPE_PAYMENT_METHOD_TYPES = os.environ.get(
        "STRIPE_PAYMENT_METHOD_TYPES", "card,alipay,wechat_pay"
    ).split(",")

    #: The public address, for links in e-mails sent outside a request (CLI, sync).
    MARKET_BASE_URL = os.environ.get("MARKET_BASE_URL", "http://127.0.0.1:5000").rstrip(
        "/"
    )
    #: A new listing alerts the owners of listings it matches at least this well (0–100).
    MATCH_ALERT_THRESHOLD = float(os.environ.get("MATCH_ALERT_THRESHOLD", "60"))
    #: A call's solvers are invited (and a call is shown among an achievement's
    #: matches) from this match score up (0–100); weaker stored matches are not.
    CHALLENGE_INVITE_MIN_SCORE = float(
        os.environ.get("CHALLENGE_INVITE_MIN_SCORE", "25")
    )

    #: Days a public notice (公示) runs; the statute's minimum of 15 is enforced anyway.
    PUBLIC_NOTICE_DAYS = int(os.environ.get("PUBLIC_NOTICE_DAYS", "15"))
    #: Days after signing when an unregistered contract's parties are reminded again to
    #: apply for 认定登记. Not a deadline: the law sets none for the parties (the 10 or
    #: 30 days are the registration office's time to decide).
    REGISTRATION_REMINDER_DAYS = int(os.environ.get("REGISTRATION_REMINDER_DAYS", "7"))
    #: Days within which the operator may reopen a terminated deal.
    DEAL_REOPEN_DAYS = int(os.environ.get("DEAL_REOPEN_DAYS", "30"))
    #: A bid this close to an auction's end extends it by as many minutes.
    AUCTION_EXTENSION_MINUTES = int(os.environ.get("AUCTION_EXTENSION_MINUTES", "5"))
    #: Requests per token (Flask-Limiter syntax) on /api/v1.
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "300 per minute")
    #: A CJK font for contract PDFs; by default the Noto CJK font is looked up.
    CJK_FONT_PATH = os.environ.get("CJK_FONT_PATH")

    #: Items per page on list pages.
    PER_PAGE = 20
    #: After a request commits searchable changes: "thread" applies the outbox in a
    #: background thread of this process, "inline" before the response (tests), "off"
    #: leaves it to `flask search sync --loop` in a separate worker.
    SEARCH_SYNC = os.environ.get("SEARCH_SYNC", "thread")
    #: With SEARCH_SYNC=thread, each process also checks the log this often (seconds)
    #: for changes other nodes wrote; 0 turns it off (one node needs no polling, but
    #: a `flask` command run beside it writes the log too).
    SEARCH_FOLLOW_SECONDS = float(os.environ.get("SEARCH_FOLLOW_SECONDS", "2"))
    #: Search outbox log rows every node has applied are deleted by `flask jobs tick`
    #: once they are older than this (hours): a node down for less catches up.
    SEARCH_OUTBOX_RETENTION_HOURS = int(
        os.environ.get("SEARCH_OUTBOX_RETENTION_HOURS", "168")
    )
    #: Load jieba and the trade dictionaries when the app starts (before forking).
    SEARCH_WARM_UP = _flag("SEARCH_WARM_UP", True)


class TestingConfig(Config):
    """Settings for the test suite: a temporary database and folders set by the fixtures."""

    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = _database_url("sqlite://")
    RATELIMIT_ENABLED = False
    WTF_CSRF_ENABLED = False
    SEARCH_SYNC = "inline"
    #: Fast hashing for fixtures; production keeps scrypt.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # noqa: S105 (a method name)
    MAIL_BACKEND = "console"
    MAIL_SYNC = "inline"
    SERVER_NAME = None
    #: Links in mail point here whatever the environment says (the tests match on it).
    MARKET_BASE_URL = "http://localhost"
