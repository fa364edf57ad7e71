"""Who may import what, and the verdict on one row: new, update (by external_ref) or
error with reasons, decided the same way at preview and at import."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from wtforms.validators import ValidationError

from ..accounts.models import Organization, OrgType, Role
from ..achievements.models import Achievement
from ..core.errors import InvalidTransition
from ..core.forms import PlainText
from ..extensions import db
from ..listings.lifecycle import NEW, ListingStatus, NeedStatus, org_problem
from ..listings.records import RecordError, clean_record
from ..listings.services import check_import
from ..needs.models import Need
from .importer import find_org
from .models import RowOutcome

MODELS = {"achievement": Achievement, "need": Need}
A, N = ListingStatus, NeedStatus
#: The statuses each may choose for an import: members keep the listings private or
#: send them to review / the translation queue; the operator's bulk load may publish.
#: Which of them an import may reach at all is the lifecycle table's (check_import).
STATUS_CHOICES = {
    "achievement": {
        "member": (A.DRAFT, A.IN_REVIEW),
        "operator": (A.DRAFT, A.IN_REVIEW, A.PUBLISHED),
    },
    "need": {
        "member": (N.DRAFT, N.SUBMITTED),
        "operator": (N.DRAFT, N.SUBMITTED, N.PUBLISHED),
    },
}
FREE_TEXT = (
    "title",
    "summary",
    "detail",
    "description",
    "application_scenarios",
    "technical_problem",
    "existing_conditions",
)
KIND_WORDS = {
    "achievement": {"achievement", "成果", "科技成果"},
    "need": {"need", "需求", "技术需求"},
}


def allowed_kinds(user) -> list[str]:
    """The operator imports both; a supplier member achievements, a firm member needs."""
    if not (user and user.is_authenticated):
        return []
    if user.is_operator:
        return ["achievement", "need"]
    org = user.organization
    if org is None or user.role not in (Role.SUPPLIER, Role.FIRM):
        return []
    return ["achievement"] if org.is_supplier else ["need"]


def status_choices(user, kind: str) -> tuple[str, ...]:
    """The statuses `user` may import `kind` into: theirs to choose, and a new
    listing's import into it a row of the lifecycle table."""
    return tuple(
        s
        for s in STATUS_CHOICES[kind]["operator" if user.is_operator else "member"]
        if _import_refused(kind, s, NEW) is None
    )


def _import_refused(kind: str, status: str, source: str) -> str | None:
    """None when the lifecycle lets an import move `source` into `status`, else why not."""
    try:
        check_import(kind, status, source)
    except InvalidTransition as exc:
        return str(exc)
    return None


def may_use_bulk(user) -> bool:
    return bool(allowed_kinds(user))


@dataclass
class Verdict:
    outcome: RowOutcome
    organization_name: str = ""
    external_ref: str | None = None
    title: str = ""
    errors: list[str] = field(default_factory=list)
    clean: dict[str, Any] | None = None
    org: Organization | None = None


def _markup_errors(clean: dict[str, Any]) -> list[str]:
    errors = []
    texts = {**clean, **(clean.get("translation") or {})}
    for name in FREE_TEXT:
        try:
            PlainText()(None, SimpleNamespace(data=texts.get(name) or ""))
        except ValidationError as exc:
            errors.append(f"{name}: {exc}")
    return errors


class RowChecker:
    """Checks the rows of one import; `seen` holds (organisation, external_ref) pairs
    already taken by earlier good rows of the same file."""

    def __init__(self, bulk_import, seen: set[tuple[str, str]]):
        self.bi = bulk_import
        self.seen = seen
        self.operator = bulk_import.user.is_operator
        self.orgs: dict[str, Organization | None] = {}

    def _org_name(self, raw: dict, errors: list[str]) -> str:
        name = str(raw.get("organization") or "").strip()
        own = self.bi.organization
        if not self.operator:
            if name and name != own.name:
                errors.append(
                    _(
                        "只能导入到本机构（%(own)s），该行填写的是：%(name)s",
                        own=own.name,
                        name=name,
                    )
                )
            return own.name
        return name or (own.name if own is not None else "")

    def _org(self, name: str, errors: list[str]) -> Organization | None:
        if name not in self.orgs:
            self.orgs[name] = find_org(name)
        org = self.orgs[name]
        if org is None:
            errors.append(_("机构不存在：%(name)s", name=name))
            return None
        wanted_supplier = self.bi.kind == "achievement"
        if org.is_supplier != wanted_supplier:
            errors.append(
                _(
                    "%(name)s 不是%(kind)s",
                    name=name,
                    kind=_("成果方机构") if wanted_supplier else _("企业"),
                )
            )
        if self.bi.target_status == ListingStatus.PUBLISHED and (
            problem := org_problem(org)
        ):
            errors.append(problem)
        return org

    def check(self, raw: dict[str, Any]) -> Verdict:
        if "__error__" in raw:
            return Verdict(RowOutcome.ERROR, errors=[str(raw["__error__"])])
        raw = dict(raw)
        errors: list[str] = []
        stated = str(raw.get("kind") or "").strip().lower()
        if stated and stated not in KIND_WORDS[self.bi.kind]:
            errors.append(_("类型与所选的导入类型不符：%(k)s", k=stated))
        raw["kind"] = self.bi.kind
        raw["organization"] = name = self._org_name(raw, errors)
        title = str(raw.get("title") or "").strip()[:200]
        ref = str(raw.get("external_ref") or "").strip()[:64] or None
        clean = None
        try:
            clean = clean_record(raw)
        except RecordError as exc:
            errors.extend(exc.reasons)
        if clean is not None:
            errors.extend(_markup_errors(clean))
        org = self._org(name, errors) if name else None
        if ref and (name, ref) in self.seen:
            errors.append(_("文件中有多行使用同一编号：%(ref)s", ref=ref))
        verdict = Verdict(RowOutcome.ERROR, name[:120], ref, title, errors, clean, org)
        if errors or org is None or clean is None:
            return verdict
        if ref:
            self.seen.add((name, ref))
        model = MODELS[self.bi.kind]
        current = ref and db.session.scalar(
            sa.select(model.status).where(
                model.organization_id == org.id, model.external_ref == ref
            )
        )
        target = self.bi.target_status
        source = str(current) if current else NEW
        if source != target and (
            problem := _import_refused(self.bi.kind, target, source)
        ):
            verdict.errors.append(problem)
            return verdict
        verdict.outcome = RowOutcome.UPDATE if current else RowOutcome.NEW
        return verdict


def organizations_for(kind: str) -> list[Organization]:
    """Organisations the operator may choose to fill empty 机构 cells."""
    types = (
        [OrgType.UNIVERSITY, OrgType.INSTITUTE, OrgType.TTO]
        if kind == "achievement"
        else [OrgType.FIRM]
    )
    return list(
        db.session.scalars(
            sa.select(Organization)
            .where(Organization.type.in_(types))
            .order_by(Organization.name)
        )
    )
