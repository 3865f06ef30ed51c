"""Configuration: typed, fails fast naming the variable, and sizes the connection pool."""

from __future__ import annotations

import subprocess
import sys

import pytest

from app import settings
from app.db.session import pool_shape


def _load(monkeypatch, **env: str) -> settings.Settings:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return settings.load()


@pytest.mark.parametrize(
    "name,value",
    [
        ("APP_SESSION_IDLE_HOURS", "abc"),
        ("APP_SESSION_IDLE_HOURS", "0"),
        ("APP_SESSION_MAX_DAYS", "-3"),
        ("GRANIAN_WORKERS", "many"),
        ("APP_TRUSTED_PROXY_HOPS", "9"),
        ("APP_MAX_IMAGE_PIXELS", "10"),
        ("APP_SECRET_KEY", "short"),
        ("APP_TEST_HOOKS", "perhaps"),
    ],
)
def test_a_bad_value_is_refused_naming_the_variable(monkeypatch, name, value):
    with pytest.raises(settings.ConfigError) as err:
        _load(monkeypatch, **{name: value})
    assert name in str(err.value)


def test_defaults_are_the_embedded_ones(monkeypatch):
    for name in ("APP_SESSION_IDLE_HOURS", "APP_TRUSTED_PROXY_HOPS", "APP_CORS_ORIGINS",
                 "REFLEX_REDIS_URL", "APP_TEST_HOOKS"):
        monkeypatch.delenv(name, raising=False)
    s = settings.load()
    assert s.session_idle_hours == 72 and s.session_max_days == 14
    assert s.trusted_proxy_hops == 0 and s.cors_origins == [] and s.redis_url is None
    assert s.test_hooks is False


def test_origins_are_a_comma_list(monkeypatch):
    s = _load(monkeypatch, APP_CORS_ORIGINS="https://a.example, https://b.example/")
    assert s.cors_origins == ["https://a.example", "https://b.example"]


def test_a_bad_value_stops_the_start_with_a_message():
    env = {"APP_SESSION_IDLE_HOURS": "seventy", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", "import app.settings"], env=env,
                         capture_output=True, text=True, cwd=settings.ROOT)
    assert out.returncode != 0
    assert "APP_SESSION_IDLE_HOURS='seventy'" in out.stderr
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize("workers", [1, 3, 5, 9, 17])
def test_all_workers_together_stay_within_the_connection_budget(workers):
    size, overflow = pool_shape(workers, 60)
    assert size >= 1
    assert workers * (size + overflow) <= max(60, workers * 2)


def test_the_default_scale_out_stays_under_postgres_default_of_100():
    # 2 cores -> Reflex starts 5 workers; the old fixed 10 + 20 per worker made 150
    size, overflow = pool_shape(5)
    assert 5 * (size + overflow) < 100
