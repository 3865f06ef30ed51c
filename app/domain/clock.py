"""The one source of "now": aware UTC datetimes (what SQLModel stores); tests can freeze or shift it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

_fixed: datetime | None = None
_offset = timedelta(0)


def now() -> datetime:
    """Current time, aware, in UTC."""
    if _fixed is not None:
        return _fixed
    return datetime.now(UTC) + _offset


def freeze(at: datetime | None) -> None:
    """Stop the clock at `at` (aware); `None` lets it run again."""
    global _fixed
    _fixed = at


def advance(delta: timedelta) -> None:
    """Move the clock forward (frozen or running)."""
    global _fixed, _offset
    if _fixed is not None:
        _fixed = _fixed + delta
    else:
        _offset += delta


def reset() -> None:
    """Back to the real time."""
    global _fixed, _offset
    _fixed = None
    _offset = timedelta(0)


def local(at: datetime, tz_name: str = "Asia/Shanghai") -> datetime:
    """`at` in the community's local time, for display."""
    from zoneinfo import ZoneInfo

    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(ZoneInfo(tz_name))
