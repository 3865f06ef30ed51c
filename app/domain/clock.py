"""The one source of "now": aware UTC datetimes (what SQLModel stores); tests can freeze or shift it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# the communities' time zone: local days, due times and what screens and watermarks show
ZONE_NAME = "Asia/Shanghai"
ZONE = ZoneInfo(ZONE_NAME)

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


def local(at: datetime, tz_name: str = ZONE_NAME) -> datetime:
    """`at` in the community's local time, for display."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(ZONE if tz_name == ZONE_NAME else ZoneInfo(tz_name))


def today() -> date:
    """The community's local calendar day now."""
    return local(now()).date()


def midnight(day: date) -> datetime:
    """Local midnight at the start of `day`, in UTC (what is stored): a local day is
    `midnight(day) <= at < midnight(day + 1 day)`."""
    return datetime.combine(day, time(0), tzinfo=ZONE).astimezone(UTC)
