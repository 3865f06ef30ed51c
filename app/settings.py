"""Configuration read from the environment, in one typed place that fails fast.

No Reflex import: the domain layer, the seed CLI, the benchmarks and the tests
all read their settings here. `rxconfig.py` takes the database and Redis URLs
from this module too, so the app and its tools always agree.

`Settings` (pydantic-settings) names every variable, its type, default and
bounds; a bad value stops the start with a message naming the variable
(`ConfigError`), instead of falling back silently. The module-level names
below (`DATA_DIR`, `SESSION_IDLE_HOURS`, ...) are the loaded values.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Annotated

from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class ConfigError(SystemExit):
    """A configuration value was refused; the message names the variable."""


def _env(name: str) -> AliasChoices:
    return AliasChoices(name)


class Settings(BaseSettings):
    """Every environment variable the app reads (README: Configuration)."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=False)

    data_dir: Path = Field(ROOT / "data", validation_alias=_env("APP_DATA_DIR"))
    evidence_dir: Path | None = Field(None, validation_alias=_env("APP_EVIDENCE_DIR"))
    secret_key: str | None = Field(None, validation_alias=_env("APP_SECRET_KEY"), min_length=16)
    db_url: str | None = Field(None, validation_alias=_env("REFLEX_DB_URL"))
    redis_url: str | None = Field(None, validation_alias=_env("REFLEX_REDIS_URL"))
    # backend workers: Reflex starts 2 x cores + 1 with Redis, one without
    workers: int | None = Field(None, validation_alias=_env("GRANIAN_WORKERS"), ge=1, le=64)
    # database connections: total budget across all workers (PostgreSQL allows 100 by default)
    db_max_connections: int = Field(60, validation_alias=_env("APP_DB_MAX_CONNECTIONS"),
                                    ge=2, le=10_000)
    session_idle_hours: int = Field(72, validation_alias=_env("APP_SESSION_IDLE_HOURS"),
                                    ge=1, le=24 * 90)
    session_max_days: int = Field(14, validation_alias=_env("APP_SESSION_MAX_DAYS"), ge=1, le=365)
    # how many reverse-proxy hops in front of the app may set X-Forwarded-For (0: trust none)
    trusted_proxy_hops: int = Field(0, validation_alias=_env("APP_TRUSTED_PROXY_HOPS"), ge=0, le=5)
    # largest photo accepted, in pixels, refused before decoding (a 48-MP phone photo fits)
    max_image_pixels: int = Field(50_000_000, validation_alias=_env("APP_MAX_IMAGE_PIXELS"),
                                  ge=1_000_000, le=200_000_000)
    # extra origins allowed to call the backend with credentials (default: same origin only)
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias=_env("APP_CORS_ORIGINS"))
    # the gate offline: a pass list on the phone older than this never gives green
    gate_snapshot_max_hours: int = Field(12, validation_alias=_env("APP_GATE_SNAPSHOT_MAX_HOURS"), ge=1, le=72)
    # a phone whose clock is off from the server's by more than this is flagged on the records it
    # made offline (the record keeps the phone's time and the server's receipt time)
    clock_margin_minutes: int = Field(5, validation_alias=_env("APP_CLOCK_MARGIN_MINUTES"), ge=1, le=1440)
    test_hooks: bool = Field(False, validation_alias=_env("APP_TEST_HOOKS"))
    # set by ./run.sh when it starts the backend alone on a build of this version made before: the
    # backend then serves the compiled frontend itself (app.api.static_files.built_frontend)
    frontend_prebuilt: bool = Field(False, validation_alias=_env("APP_FRONTEND_PREBUILT"))
    # messages that leave the app (app.domain.outbox): every channel off unless switched on here.
    # WeCom group robot: the community's default webhook; a grid may have its own (/desk/notify)
    wecom_enabled: bool = Field(False, validation_alias=_env("APP_WECOM_ENABLED"))
    wecom_webhook_url: str = Field("", validation_alias=_env("APP_WECOM_WEBHOOK_URL"), max_length=600)
    # SMS through an HTTP gateway: POST JSON {"phone", "text", "signature"}; a 2xx answer is success
    sms_enabled: bool = Field(False, validation_alias=_env("APP_SMS_ENABLED"))
    sms_gateway_url: str = Field("", validation_alias=_env("APP_SMS_GATEWAY_URL"), max_length=600)
    sms_template: str = Field("{signature}{name}，{kind}：{summary}", validation_alias=_env("APP_SMS_TEMPLATE"),
                              max_length=300)
    sms_signature: str = Field("", validation_alias=_env("APP_SMS_SIGNATURE"), max_length=40)
    sms_token: str = Field("", validation_alias=_env("APP_SMS_TOKEN"), max_length=400)
    sms_token_header: str = Field("Authorization", validation_alias=_env("APP_SMS_TOKEN_HEADER"), max_length=60)
    # Web Push (VAPID): on when both keys are set (base64url, as `vapid --gen` prints them)
    vapid_public_key: str = Field("", validation_alias=_env("APP_VAPID_PUBLIC_KEY"), max_length=200)
    vapid_private_key: str = Field("", validation_alias=_env("APP_VAPID_PRIVATE_KEY"), max_length=400)
    vapid_subject: str = Field("mailto:admin@example.invalid", validation_alias=_env("APP_VAPID_SUBJECT"),
                               max_length=200)
    # delivery: per-send timeout, attempts before a message is marked failed (backoff 5 s x3 each time)
    outbox_timeout_seconds: float = Field(5.0, validation_alias=_env("APP_OUTBOX_TIMEOUT_SECONDS"), gt=0, le=60)
    outbox_max_attempts: int = Field(6, validation_alias=_env("APP_OUTBOX_MAX_ATTEMPTS"), ge=1, le=20)
    outbox_backoff_seconds: float = Field(5.0, validation_alias=_env("APP_OUTBOX_BACKOFF_SECONDS"), gt=0,
                                          le=600)

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if isinstance(value, str):
            return [v.strip().rstrip("/") for v in value.split(",") if v.strip()]
        return value

    @field_validator("db_url", "redis_url", "secret_key", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value


def load() -> Settings:
    """Read the environment; a refused value raises ConfigError naming the variable."""
    try:
        return Settings()
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            field = str(err["loc"][0]) if err["loc"] else "?"
            info = Settings.model_fields.get(field)
            alias = info.validation_alias.choices[0] if info and info.validation_alias else field
            lines.append(f"  {alias}={os.environ.get(alias, '')!r}: {err['msg']}")
        raise ConfigError("configuration refused:\n" + "\n".join(lines)) from None


SETTINGS = load()
DATA_DIR: Path = SETTINGS.data_dir


def with_driver(url: str) -> str:
    """Name the PostgreSQL driver we install (psycopg2) in a bare `postgresql://` URL.

    SQLAlchemy 2.1 maps a bare `postgresql://` to psycopg 3, which is not installed.
    """
    for bare in ("postgresql://", "postgres://"):
        if url.startswith(bare):
            return "postgresql+psycopg2://" + url[len(bare) :]
    return url


def database_url() -> str:
    """The SQLAlchemy URL: `REFLEX_DB_URL`, else a SQLite file in the data folder.

    Read at each call (like the key below): the seed CLI and the tests switch
    databases by setting the variable after import; its type is checked at start."""
    url = os.environ.get("REFLEX_DB_URL", "").strip()
    if url:
        return with_driver(url)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DATA_DIR / 'app.db'}"


def redis_url() -> str | None:
    """`REFLEX_REDIS_URL` when state should live in Redis (several workers)."""
    return os.environ.get("REFLEX_REDIS_URL", "").strip() or None


def worker_count() -> int:
    """Backend workers this start runs: `GRANIAN_WORKERS`, else Reflex's own default."""
    if SETTINGS.workers:
        return SETTINGS.workers
    return (os.cpu_count() or 1) * 2 + 1 if SETTINGS.redis_url else 1


def secret_key() -> bytes:
    """The key that signs tokens. `APP_SECRET_KEY`, else one kept in the data folder.

    The fallback file is created once with a random key and never committed,
    so a fresh checkout never shares a key with another installation.
    """
    env = os.environ.get("APP_SECRET_KEY", "").strip()
    if env:
        return env.encode()
    path = DATA_DIR / "secret.key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(secrets.token_urlsafe(48))
        os.replace(tmp, path)
    return path.read_text().strip().encode()


# How long a sign-in lasts: idle limit and absolute limit.
SESSION_IDLE_HOURS = SETTINGS.session_idle_hours
SESSION_MAX_DAYS = SETTINGS.session_max_days

# Photos kept as evidence: private, served only through an access-checked route.
# Never under assets/ or the Reflex upload dir, which are served publicly.
EVIDENCE_DIR: Path = SETTINGS.evidence_dir or DATA_DIR / "evidence"

TRUSTED_PROXY_HOPS = SETTINGS.trusted_proxy_hops
MAX_IMAGE_PIXELS = SETTINGS.max_image_pixels
CORS_ORIGINS: list[str] = SETTINGS.cors_origins
GATE_SNAPSHOT_MAX_HOURS = SETTINGS.gate_snapshot_max_hours
FRONTEND_PREBUILT = SETTINGS.frontend_prebuilt
