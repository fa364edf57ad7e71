"""The lifecycles of achievements and needs, as transition tables.

Achievements: draft → in review → published (or returned with reasons) → withdrawn /
expired, reviewed by the operator. Needs: the firm submits, a broker translates, the firm
approves the translation, the broker publishes; then withdrawn / expired like achievements.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core.enums import LabelledEnum
from ..core.workflow import Transition, Workflow


class ListingStatus(LabelledEnum):
    DRAFT = "draft", _l("草稿")
    IN_REVIEW = "in_review", _l("审核中")
    RETURNED = "returned", _l("已退回")
    PUBLISHED = "published", _l("已发布")
    WITHDRAWN = "withdrawn", _l("已撤回")
    EXPIRED = "expired", _l("已过期")


class NeedStatus(LabelledEnum):
    DRAFT = "draft", _l("草稿")
    #: waiting in the brokers' translation queue
    SUBMITTED = "submitted", _l("待翻译")
    #: a broker has claimed it
    TRANSLATING = "translating", _l("翻译中")
    #: the firm reviews the translation
    AWAITING_APPROVAL = "awaiting_approval", _l("待企业确认")
    #: the firm approved; the broker publishes
    APPROVED = "approved", _l("企业已确认")
    #: the broker needs more from the firm
    RETURNED = "returned", _l("已退回")
    PUBLISHED = "published", _l("已发布")
    WITHDRAWN = "withdrawn", _l("已撤回")
    EXPIRED = "expired", _l("已过期")


#: Every listing status's label (derived from the enums, for templates).
STATUS_LABELS = ListingStatus.labels() | NeedStatus.labels()

ACTION_LABELS = {
    "submit": _l("提交审核"),
    "recall": _l("撤回修改"),
    "publish": _l("审核通过并发布"),
    "return": _l("退回"),
    "withdraw": _l("下架"),
    "revise": _l("重新编辑"),
    "renew": _l("续期"),
    "claim": _l("认领翻译"),
    "propose": _l("提交企业确认"),
    "approve": _l("确认翻译"),
    "request_changes": _l("要求修改"),
}


def org_problem(org) -> str | None:
    """Why a listing of `org` may not be published (None: it may): the organisation
    must be verified. The bulk import's preview asks this too."""
    if org is None or not org.is_verified:
        return _("所属机构尚未通过认证，暂不能发布。")
    return None


def _org_verified(listing) -> str | None:
    return org_problem(listing.organization)


def _has_translation(need) -> str | None:
    if need.current_translation is None:
        return _("请先填写技术需求翻译。")
    return None


#: SYSTEM is the market itself (`flask listings expire`, the clock, the imports): no
#: person holds it.
OWNER, OPERATOR, BROKER, SYSTEM = "owner", "operator", "broker", "system"
_owner = frozenset({OWNER})
_operator = frozenset({OPERATOR})
_broker = frozenset({BROKER, OPERATOR})
_system = frozenset({SYSTEM})

#: The state of a listing an import is about to create (it has no status yet).
NEW = "new"


def import_action(status: str) -> str:
    """The market's `import` into `status` (bulk import, `flask listings import`, the
    demo): one action per status, as a row of the table has one next state."""
    return f"import_{status}"


def _imports(states: tuple[str, ...]) -> list[Transition]:
    """The import's rows: a new listing into any of `states`, and a re-import (an
    update by external_ref) from one of them to another; a listing the market has
    moved on (returned, withdrawn, expired) keeps its status. No guard: an import is
    the operator's load or a member's own (the bulk preview asks `org_problem` before
    publishing), and one check stands for a whole batch of rows."""
    return [
        Transition(source, import_action(target), target, _system)
        for source in (NEW, *states)
        for target in states
        if source != target
    ]


S = ListingStatus
ACHIEVEMENT_FLOW = Workflow(
    [
        Transition(S.DRAFT, "submit", S.IN_REVIEW, _owner),
        Transition(S.RETURNED, "submit", S.IN_REVIEW, _owner),
        Transition(S.IN_REVIEW, "recall", S.DRAFT, _owner),
        Transition(S.IN_REVIEW, "publish", S.PUBLISHED, _operator, (_org_verified,)),
        Transition(S.IN_REVIEW, "return", S.RETURNED, _operator, needs_reason=True),
        Transition(S.PUBLISHED, "withdraw", S.WITHDRAWN, _owner | _operator),
        Transition(S.PUBLISHED, "revise", S.DRAFT, _owner),
        Transition(S.WITHDRAWN, "revise", S.DRAFT, _owner),
        Transition(S.PUBLISHED, "expire", S.EXPIRED, _system),
        Transition(S.EXPIRED, "renew", S.DRAFT, _owner),
        *_imports((S.DRAFT, S.IN_REVIEW, S.PUBLISHED)),
    ]
)

N = NeedStatus
NEED_FLOW = Workflow(
    [
        Transition(N.DRAFT, "submit", N.SUBMITTED, _owner),
        Transition(N.RETURNED, "submit", N.SUBMITTED, _owner),
        Transition(N.SUBMITTED, "recall", N.DRAFT, _owner),
        Transition(N.SUBMITTED, "claim", N.TRANSLATING, _broker),
        Transition(N.SUBMITTED, "return", N.RETURNED, _broker, needs_reason=True),
        Transition(N.TRANSLATING, "return", N.RETURNED, _broker, needs_reason=True),
        Transition(
            N.TRANSLATING, "propose", N.AWAITING_APPROVAL, _broker, (_has_translation,)
        ),
        Transition(N.AWAITING_APPROVAL, "approve", N.APPROVED, _owner),
        Transition(
            N.AWAITING_APPROVAL,
            "request_changes",
            N.TRANSLATING,
            _owner,
            needs_reason=True,
        ),
        Transition(N.APPROVED, "publish", N.PUBLISHED, _broker, (_org_verified,)),
        Transition(N.PUBLISHED, "withdraw", N.WITHDRAWN, _owner | _operator),
        Transition(N.PUBLISHED, "revise", N.DRAFT, _owner),
        Transition(N.WITHDRAWN, "revise", N.DRAFT, _owner),
        Transition(N.PUBLISHED, "expire", N.EXPIRED, _system),
        Transition(N.EXPIRED, "renew", N.DRAFT, _owner),
        # The demo loads needs at every step of the translation too.
        *_imports(
            (
                N.DRAFT,
                N.SUBMITTED,
                N.TRANSLATING,
                N.AWAITING_APPROVAL,
                N.APPROVED,
                N.PUBLISHED,
            )
        ),
    ]
)

#: States in which the owner may edit the listing's own fields.
EDITABLE_STATES = frozenset({ListingStatus.DRAFT, ListingStatus.RETURNED})


def parties_of(user, listing) -> set[str]:
    """The roles `user` plays towards `listing` in the tables above."""
    parties: set[str] = set()
    if user is None or not user.is_authenticated:
        return parties
    if user.belongs_to(listing.organization_id):
        parties.add(OWNER)
    if user.is_operator:
        parties.add(OPERATOR)
    if user.is_broker:
        parties.add(BROKER)
    return parties
