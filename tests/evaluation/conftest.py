"""The evaluation tests share the contracts tests' people and real deal; a panel of
three experts (and one tied to the deal's supplier) and its evaluation."""

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import Role
from marketplace.evaluation.models import Evaluation
from marketplace.experts import services as experts
from marketplace.experts.models import ExpertProfile
from tests.contracts.conftest import (  # noqa: F401
    IsolatedClient,
    client_for,
    deal,
    people,
)


@pytest.fixture
def panelists(db, create_user, people, deal):  # noqa: F811  (fixtures above)
    """Chair 周, members 林 and 陈 (field of the achievement), and 吴, tied to the
    achievement's owner, with the same field."""
    out = {}
    for key, name in (("chair", "周志远"), ("lin", "林晓岚"), ("chen", "陈海峰")):
        out[key] = create_user(role=Role.EXPERT, name=name)
    out["tied"] = create_user(role=Role.EXPERT, name="吴关联")
    for u in out.values():
        db.session.add(ExpertProfile(expert_id=u.id, fields=[deal.achievement.field]))
    experts.declare_tie(out["tied"], deal.supplier_org_id)
    db.session.commit()
    return out


@pytest.fixture
def started(db, deal, people, panelists, client_for):  # noqa: F811
    r = client_for(people["broker"]).post(
        f"/evaluations/deal/{deal.id}/panel",
        data={
            "panel": "",
            "name": "离焦镜片评价专家组",
            "chair": panelists["chair"].id,
            "members": [panelists[k].id for k in ("chair", "lin", "chen")],
        },
    )
    assert r.status_code == 302, r.text
    return db.session.scalar(sa.select(Evaluation))
