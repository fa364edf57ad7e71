"""Technical contracts of deals: versions (a JSON body each), signatures, registration."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import utcnow
from ..extensions import db
from .rules import CONTRACT_TYPES, licence_scope

#: The two sides that sign; the broker drafts but never signs.
SIGNING_PARTIES = ("supplier", "firm")


class Contract(db.Model):
    """The contract of one deal; its terms live in versions, newest last."""

    __tablename__ = "contracts"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(sa.ForeignKey("deals.id"), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When both sides had signed the same version (UTC); the registration clock starts.
    signed_at: Mapped[datetime | None] = mapped_column(index=True)

    deal = relationship("Deal")
    versions: Mapped[list[ContractVersion]] = relationship(
        back_populates="contract",
        order_by="ContractVersion.number",
        cascade="all, delete-orphan",
    )
    signatures: Mapped[list[ContractSignature]] = relationship(
        back_populates="contract",
        order_by="ContractSignature.id",
        cascade="all, delete-orphan",
    )
    registration: Mapped[ContractRegistration | None] = relationship(
        back_populates="contract", uselist=False, cascade="all, delete-orphan"
    )

    @property
    def latest(self) -> ContractVersion | None:
        return self.versions[-1] if self.versions else None

    def version(self, number: int) -> ContractVersion | None:
        return next((v for v in self.versions if v.number == number), None)

    @property
    def latest_fully_signed(self) -> bool:
        latest = self.latest
        return bool(latest and latest.signed_parties() >= set(SIGNING_PARTIES))

    @property
    def title(self) -> str:
        return self.latest.title if self.latest else ""


class ContractVersion(db.Model):
    """One edit of a contract's terms; never changed after it is written."""

    __tablename__ = "contract_versions"
    __table_args__ = (sa.UniqueConstraint("contract_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contracts.id", ondelete="CASCADE"), index=True
    )
    #: 1, 2, 3 … within the contract.
    number: Mapped[int]
    #: The structured terms (see rules.body_errors and forms.ContractForm.to_body).
    body: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    contract: Mapped[Contract] = relationship(back_populates="versions")
    created_by = relationship("User")
    signatures: Mapped[list[ContractSignature]] = relationship(
        back_populates="version", order_by="ContractSignature.id"
    )

    @property
    def title(self) -> str:
        return self.body.get("title", "")

    @property
    def type_label(self):
        return CONTRACT_TYPES.get(self.body.get("type"), "")

    @property
    def licence_scope(self) -> str:
        return licence_scope(self.body)

    def signed_parties(self) -> set[str]:
        return {s.party for s in self.signatures}

    def signature_of(self, party: str) -> ContractSignature | None:
        return next((s for s in self.signatures if s.party == party), None)


class ContractSignature(db.Model):
    """A party's confirmation of one specific version; kept when a later edit supersedes it."""

    __tablename__ = "contract_signatures"
    __table_args__ = (sa.UniqueConstraint("version_id", "party"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contracts.id", ondelete="CASCADE"), index=True
    )
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contract_versions.id", ondelete="CASCADE"), index=True
    )
    #: "supplier" or "firm".
    party: Mapped[str] = mapped_column(sa.String(16))
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)

    contract: Mapped[Contract] = relationship(back_populates="signatures")
    version: Mapped[ContractVersion] = relationship(back_populates="signatures")
    organization = relationship("Organization")
    user = relationship("User")


class ContractRegistration(db.Model):
    """The 技术合同认定登记 of a signed contract, as the registration office issued it."""

    __tablename__ = "contract_registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contracts.id", ondelete="CASCADE"), unique=True
    )
    applied_on: Mapped[date]
    #: The registration office (登记机构), e.g. 温州市技术合同登记处.
    office: Mapped[str] = mapped_column(sa.String(120))
    registration_number: Mapped[str] = mapped_column(sa.String(60))
    #: 技术性收入 approved by the office, in fen.
    technical_income_fen: Mapped[int] = mapped_column(sa.BigInteger)
    # The 技术合同登记表 fields (contracts/rules.py): None on rows recorded before
    # the market kept them.
    #: 合同有效期, Beijing dates.
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    #: Codes of rules.REG_TECH_FIELDS, REG_IP_CATEGORIES, REG_SOCIO_ECONOMIC_GOALS.
    technical_field: Mapped[str | None] = mapped_column(sa.String(32))
    ip_category: Mapped[str | None] = mapped_column(sa.String(32))
    socio_economic_goal: Mapped[str | None] = mapped_column(sa.String(32))
    #: Codes of rules.REG_ENTITY_TYPES and six-digit GB/T 2260 region codes.
    seller_entity_type: Mapped[str | None] = mapped_column(sa.String(32))
    seller_region_code: Mapped[str | None] = mapped_column(sa.String(6))
    buyer_entity_type: Mapped[str | None] = mapped_column(sa.String(32))
    buyer_region_code: Mapped[str | None] = mapped_column(sa.String(6))
    #: For technology transfers: 预计新增投资 and 预计新增产值, in fen.
    expected_investment_fen: Mapped[int | None] = mapped_column(sa.BigInteger)
    expected_output_fen: Mapped[int | None] = mapped_column(sa.BigInteger)
    certificate_id: Mapped[int | None] = mapped_column(sa.ForeignKey("attachments.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    contract: Mapped[Contract] = relationship(back_populates="registration")
    certificate = relationship("Attachment")
    recorded_by = relationship("User")
