"""The statutes' pricing rules in one place: when a 公示 is required and when it ends.

Sources: 促进科技成果转化法 §18 and 浙江省促进科技成果转化条例 §17 (a state-funded
institution that prices a held achievement by agreement notices it for at least 15 days
and signs only after the notice ends without a sustained objection); 民法典 §201 and §203
(a period counted in days starts the day after it is posted and ends at 24:00 of its last
day). Plain Python: no Flask, no database, so the rules are tested as a table.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from ...core.domain import CooperationMode
from ...core.timeutil import SHANGHAI

#: The statutory minimum length of a notice, in days (§18; 浙江省条例 §17).
MIN_NOTICE_DAYS = 15

#: The modes that dispose of an achievement the institution holds (转让, 许可, 作价投资).
#: Commissioned or joint development and services sell work, not a held achievement,
#: and need no notice.
NOTICE_MODES = frozenset(
    {CooperationMode.ASSIGNMENT, CooperationMode.LICENCE, CooperationMode.EQUITY}
)


def notice_required(state_funded: bool, pricing_mode: str, mode: str | None) -> bool:
    """True when an agreed price must be publicly noticed before signing.

    `mode` is the deal's CooperationMode code; None (not yet known) counts as a
    disposal, so an undecided deal is never let through without its notice.
    """
    if not state_funded or pricing_mode != "agreement":
        return False
    return mode is None or mode in NOTICE_MODES


def to_local(moment: datetime) -> datetime:
    """A naive UTC datetime as an aware Beijing time."""
    return moment.replace(tzinfo=UTC).astimezone(SHANGHAI)


def _utc(local: datetime) -> datetime:
    return local.astimezone(UTC).replace(tzinfo=None)


def notice_period(
    posted_at: datetime, days: int = MIN_NOTICE_DAYS
) -> tuple[date, date]:
    """(first day, last day) in Beijing dates of a notice posted at `posted_at` (UTC).

    The day of posting is not counted (民法典 §201): posted on 3 December at any hour,
    the period runs 4 December to 18 December for 15 days.
    """
    posted_on = to_local(posted_at).date()
    return posted_on + timedelta(days=1), posted_on + timedelta(days=days)


def notice_end(posted_at: datetime, days: int = MIN_NOTICE_DAYS) -> datetime:
    """The UTC moment the notice ends: 24:00 Beijing time of its last day (§203)."""
    last_day = notice_period(posted_at, days)[1]
    midnight = datetime.combine(last_day + timedelta(days=1), time(), tzinfo=SHANGHAI)
    return _utc(midnight)


def period_of(starts_at: datetime, ends_at: datetime) -> tuple[date, date]:
    """The Beijing dates shown for a stored notice: from the day after posting to the
    day whose 24:00 is `ends_at`."""
    first = to_local(starts_at).date() + timedelta(days=1)
    last = (to_local(ends_at) - timedelta(microseconds=1)).date()
    return first, last
