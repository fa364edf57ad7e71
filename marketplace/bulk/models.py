"""An uploaded import file, its preview rows and the outcome of its import."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import str_enum
from ..core.enums import LabelledEnum
from ..core.timeutil import utcnow
from ..extensions import db


class ImportState(LabelledEnum):
    #: rows are being checked, chunk by chunk
    PREVIEWING = "previewing", _l("正在检查")
    #: every row checked; waiting for confirm or cancel
    PREVIEWED = "previewed", _l("待确认")
    #: the one import transaction runs (background thread)
    IMPORTING = "importing", _l("正在导入")
    DONE = "done", _l("已导入")
    FAILED = "failed", _l("导入失败")
    CANCELLED = "cancelled", _l("已取消")


class RowOutcome(LabelledEnum):
    """A preview row's verdict, stored in BulkImportRow.outcome."""

    NEW = "new", _l("新增")
    UPDATE = "update", _l("更新")
    ERROR = "error", _l("错误")


class BulkImport(db.Model):
    __tablename__ = "bulk_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: The member's organisation (every row goes there); for the operator the
    #: organisation chosen to fill empty 机构 cells, or None.
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id")
    )
    #: "achievement" or "need".
    kind: Mapped[str] = mapped_column(sa.String(16))
    #: The status imported listings get: draft / in_review / submitted / published.
    target_status: Mapped[str] = mapped_column(sa.String(16))
    #: The uploader's file name, shown only; the file is stored under stored_name.
    filename: Mapped[str] = mapped_column(sa.String(200))
    #: Random name under UPLOAD_DIR/bulk/.
    stored_name: Mapped[str] = mapped_column(sa.String(80))
    state: Mapped[ImportState] = mapped_column(
        str_enum(ImportState), default=ImportState.PREVIEWING
    )
    total_rows: Mapped[int] = mapped_column(default=0)
    #: Rows checked so far (the preview's progress).
    processed_rows: Mapped[int] = mapped_column(default=0)
    new_rows: Mapped[int] = mapped_column(default=0)
    update_rows: Mapped[int] = mapped_column(default=0)
    error_rows: Mapped[int] = mapped_column(default=0)
    created_count: Mapped[int] = mapped_column(default=0)
    updated_count: Mapped[int] = mapped_column(default=0)
    #: The uploader's language, for messages written by the background import.
    locale: Mapped[str] = mapped_column(sa.String(10), default="zh_CN")
    message: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    user = relationship("User")
    organization = relationship("Organization")
    rows: Mapped[list[BulkImportRow]] = relationship(
        back_populates="bulk_import",
        cascade="all, delete-orphan",
        order_by="BulkImportRow.line",
        lazy="dynamic",
    )

    @property
    def state_label(self):
        return ImportState(self.state).label

    @property
    def good_rows(self) -> int:
        return self.new_rows + self.update_rows

    def can_view(self, user) -> bool:
        """The uploader and the operator; for everyone else it does not exist (404)."""
        return bool(
            user
            and user.is_authenticated
            and (user.id == self.user_id or user.is_operator)
        )


class BulkImportRow(db.Model):
    """The preview verdict of one data row of the file."""

    __tablename__ = "bulk_import_rows"

    id: Mapped[int] = mapped_column(primary_key=True)
    bulk_import_id: Mapped[int] = mapped_column(
        sa.ForeignKey("bulk_imports.id", ondelete="CASCADE"), index=True
    )
    #: The row's line in the file (as the spreadsheet numbers it).
    line: Mapped[int]
    #: A RowOutcome code.
    outcome: Mapped[str] = mapped_column(sa.String(8))
    organization_name: Mapped[str] = mapped_column(sa.String(120), default="")
    external_ref: Mapped[str | None] = mapped_column(sa.String(64))
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    #: The reasons of an error row, in the uploader's language.
    errors: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    #: The listing written by the import (None until imported).
    listing_id: Mapped[int | None]

    bulk_import: Mapped[BulkImport] = relationship(back_populates="rows")

    @property
    def outcome_label(self):
        return RowOutcome.labels().get(self.outcome, self.outcome)
