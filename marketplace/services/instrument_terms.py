"""An instrument's terms beyond its record: closure days, trained users, photos.

Closures are Beijing dates on which the instrument takes no slot and no samples.
A trained user is recorded by the owner per instrument; on an instrument that trained
users may operate, only a recorded user books to operate it themself (otherwise the
owner's staff operates it). Photos are uploads (uploads.save_upload) of image kinds,
public like the instrument's record.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from ..accounts.models import User
from ..core import audit
from ..core.errors import PermissionDenied, ValidationFailed
from ..extensions import db
from ..uploads.models import Attachment
from ..uploads.services import register_owner_rule, save_upload
from .models import Booking, Instrument, InstrumentClosure, InstrumentTraining
from .rules import LIVE_BOOKINGS

PHOTO_OWNER = "instrument_photo"
PHOTO_EXTENSIONS = ("png", "jpg", "jpeg", "gif", "webp")
MAX_PHOTOS = 8
SHANGHAI = timedelta(hours=8)
#: The longest closure one form adds, in days.
MAX_CLOSURE_DAYS = 92


def owns(user, instrument: Instrument) -> bool:
    return bool(
        user and user.is_authenticated and user.belongs_to(instrument.owner_org_id)
    )


def _owner(actor, instrument: Instrument) -> None:
    if not owns(actor, instrument):
        raise PermissionDenied(_("只有仪器所属机构的成员可以执行此操作。"))


# -- closures -----------------------------------------------------------------------


def closed_days(instrument_id: int, first: date, last: date) -> set[date]:
    return set(
        db.session.scalars(
            sa.select(InstrumentClosure.day).where(
                InstrumentClosure.instrument_id == instrument_id,
                InstrumentClosure.day >= first,
                InstrumentClosure.day <= last,
            )
        )
    )


def is_closed(instrument_id: int, day: date) -> bool:
    return bool(closed_days(instrument_id, day, day))


def upcoming_closures(instrument: Instrument, today: date) -> list[InstrumentClosure]:
    return list(
        db.session.scalars(
            sa.select(InstrumentClosure)
            .where(
                InstrumentClosure.instrument_id == instrument.id,
                InstrumentClosure.day >= today,
            )
            .order_by(InstrumentClosure.day)
            .limit(100)
        )
    )


def add_closure(
    actor, instrument: Instrument, first: date | None, last: date | None, reason: str
) -> list[InstrumentClosure]:
    """The owner closes the instrument from `first` to `last` (Beijing dates, inclusive).

    Days already closed stay as they are; live bookings on those days are not touched
    (the owner refuses or the firm cancels them), but no new one is accepted.
    """
    _owner(actor, instrument)
    last = last or first
    if first is None:
        raise ValidationFailed([("first", _("请填写停用开始日期。"))])
    if last < first:
        raise ValidationFailed([("last", _("停用结束日期不能早于开始日期。"))])
    if (last - first).days >= MAX_CLOSURE_DAYS:
        raise ValidationFailed(
            [("last", _("一次最多登记 %(n)s 天停用。", n=MAX_CLOSURE_DAYS))]
        )
    # The instrument's row lock (as a booking takes it): no booking slips in between.
    db.session.execute(
        sa.select(Instrument.id).where(Instrument.id == instrument.id).with_for_update()
    )
    have = closed_days(instrument.id, first, last)
    rows = []
    day = first
    while day <= last:
        if day not in have:
            rows.append(
                InstrumentClosure(
                    instrument_id=instrument.id,
                    day=day,
                    reason=(reason or "").strip()[:200],
                    created_by_id=actor.id,
                )
            )
        day += timedelta(days=1)
    db.session.add_all(rows)
    db.session.flush()
    audit.record(
        actor, "instrument.close", instrument, first=str(first), last=str(last)
    )
    return rows


def remove_closure(actor, closure: InstrumentClosure) -> None:
    instrument = db.session.get(Instrument, closure.instrument_id)
    _owner(actor, instrument)
    db.session.delete(closure)
    db.session.flush()
    audit.record(actor, "instrument.reopen", instrument, day=str(closure.day))


def calendar(instrument: Instrument, today: date, weeks: int = 4) -> list[list[dict]]:
    """The availability calendar: `weeks` weeks from this Monday, each day with its
    closure (if any) and the Beijing-time hours already held by live slot bookings
    (no firm names: other firms' bookings are theirs)."""
    first = today - timedelta(days=today.weekday())
    last = first + timedelta(days=7 * weeks - 1)
    closures = {
        c.day: c
        for c in db.session.scalars(
            sa.select(InstrumentClosure).where(
                InstrumentClosure.instrument_id == instrument.id,
                InstrumentClosure.day >= first,
                InstrumentClosure.day <= last,
            )
        )
    }
    start_utc = datetime.combine(first, time()) - SHANGHAI
    end_utc = datetime.combine(last + timedelta(days=1), time()) - SHANGHAI
    busy: dict[date, list[str]] = {}
    for b in db.session.scalars(
        sa.select(Booking)
        .where(
            Booking.instrument_id == instrument.id,
            Booking.kind == "slot",
            Booking.status.in_(LIVE_BOOKINGS),
            Booking.starts_at < end_utc,
            Booking.ends_at > start_utc,
        )
        .order_by(Booking.starts_at)
    ):
        s, e = b.starts_at + SHANGHAI, b.ends_at + SHANGHAI
        busy.setdefault(s.date(), []).append(f"{s:%H:%M}–{e:%H:%M}")
    days = [first + timedelta(days=n) for n in range(7 * weeks)]
    cells = [
        {
            "day": d,
            "past": d < today,
            "closure": closures.get(d),
            "busy": busy.get(d, []),
        }
        for d in days
    ]
    return [cells[i : i + 7] for i in range(0, len(cells), 7)]


# -- trained users ------------------------------------------------------------------


def is_trained(user, instrument: Instrument) -> bool:
    return bool(
        user
        and user.is_authenticated
        and db.session.scalar(
            sa.select(InstrumentTraining.id).where(
                InstrumentTraining.instrument_id == instrument.id,
                InstrumentTraining.user_id == user.id,
            )
        )
    )


def trained_users(instrument: Instrument) -> list[InstrumentTraining]:
    return list(
        db.session.scalars(
            sa.select(InstrumentTraining)
            .where(InstrumentTraining.instrument_id == instrument.id)
            .order_by(InstrumentTraining.trained_on.desc())
        )
    )


def record_training(
    actor, instrument: Instrument, email: str, trained_on: date | None
) -> InstrumentTraining:
    """The owner records that the user with `email` is trained on the instrument."""
    _owner(actor, instrument)
    if instrument.staff_operated:
        raise ValidationFailed(
            [("email", _("该仪器只由所属机构人员操作，无需登记培训用户。"))]
        )
    email = (email or "").strip().lower()
    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email))
    if user is None:
        raise ValidationFailed([("email", _("找不到该邮箱的用户。"))])
    if trained_on is None:
        raise ValidationFailed([("trained_on", _("请填写培训日期。"))])
    row = db.session.scalar(
        sa.select(InstrumentTraining).where(
            InstrumentTraining.instrument_id == instrument.id,
            InstrumentTraining.user_id == user.id,
        )
    )
    if row is None:
        row = InstrumentTraining(instrument_id=instrument.id, user_id=user.id)
        db.session.add(row)
    row.trained_on = trained_on
    row.recorded_by_id = actor.id
    db.session.flush()
    audit.record(actor, "instrument.trained", instrument, user=user.id)
    return row


def remove_training(actor, row: InstrumentTraining) -> None:
    instrument = db.session.get(Instrument, row.instrument_id)
    _owner(actor, instrument)
    db.session.delete(row)
    db.session.flush()
    audit.record(actor, "instrument.untrained", instrument, user=row.user_id)


# -- photos -------------------------------------------------------------------------


def _photo_rule(user, attachment) -> bool:
    inst = db.session.get(Instrument, attachment.owner_id)
    return inst is not None and inst.active


def _photo_delete_rule(user, attachment) -> bool:
    inst = db.session.get(Instrument, attachment.owner_id)
    return inst is not None and owns(user, inst)


def _photo_owner_url(attachment) -> str:
    """Back to the instrument's page after a photo is removed."""
    return url_for("instruments.detail", instrument_id=attachment.owner_id)


register_owner_rule(
    PHOTO_OWNER, _photo_rule, _photo_delete_rule, owner_url=_photo_owner_url
)


def photos(instrument: Instrument) -> list[Attachment]:
    return list(
        db.session.scalars(
            sa.select(Attachment)
            .where(
                Attachment.owner_type == PHOTO_OWNER,
                Attachment.owner_id == instrument.id,
            )
            .order_by(Attachment.id)
        )
    )


def add_photo(actor, instrument: Instrument, file_storage) -> Attachment:
    """The owner adds a photo (PNG, JPG, GIF or WEBP, checked by its bytes)."""
    _owner(actor, instrument)
    name = getattr(file_storage, "filename", None) or ""
    if not name:
        raise ValidationFailed([("photo", _("请选择要上传的照片。"))])
    if name.rpartition(".")[2].lower() not in PHOTO_EXTENSIONS:
        raise ValidationFailed([("photo", _("照片仅接受 PNG、JPG、GIF、WEBP 格式。"))])
    if len(photos(instrument)) >= MAX_PHOTOS:
        raise ValidationFailed(
            [("photo", _("每台仪器最多 %(n)s 张照片。", n=MAX_PHOTOS))]
        )
    try:
        attachment = save_upload(file_storage, PHOTO_OWNER, instrument.id, actor)
    except ValidationFailed as e:
        raise ValidationFailed([("photo", m) for _f, m in e.errors]) from None
    audit.record(actor, "instrument.photo", instrument, attachment=attachment.id)
    return attachment
