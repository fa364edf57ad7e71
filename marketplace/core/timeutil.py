"""UTC time for the database; the UI shows Asia/Shanghai through Flask-Babel."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    """Now as a naive UTC datetime, the form every DateTime column stores."""
    return datetime.now(UTC).replace(tzinfo=None)


def today_shanghai() -> date:
    """Today's date where the market is, for validity and deadlines."""
    return datetime.now(SHANGHAI).date()


def add_days(moment: datetime, days: int) -> datetime:
    return moment + timedelta(days=days)
