"""The panel's evaluation: the chair's group opinion, dissent recorded by name, the
report page (printable) and its PDF, visible to the organisers and the panel only."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.challenges import judging, opinion
from marketplace.challenges.models import Dissent, PanelOpinion
from marketplace.core.errors import InvalidTransition, PermissionDenied

from .conftest import past_deadline, submit


@pytest.fixture
def scored(db, cast, call):
    a = submit(db, cast.solver_a, call, "甲方案").proposal
    b = submit(db, cast.solver_b, call, "乙方案").proposal
    past_deadline(db, call)
    judging.score_proposal(cast.e1, a, [90, 80], "过渡层成熟")
    judging.score_proposal(cast.e2, a, [70, 60])
    for e in (cast.e1, cast.e2, cast.e3):
        judging.score_proposal(e, b, [60, 60])
    db.session.commit()
    return a, b


def test_chair_writes_the_opinion_members_record_dissent(
    app, client, db, login, cast, call, scored
):
    with pytest.raises(InvalidTransition):
        opinion.record_dissent(cast.e2, call, "不同意")  # no opinion yet
    with pytest.raises(PermissionDenied):
        opinion.write_opinion(cast.e2, call, "我来写")  # not the chair
    login(cast.e1)
    response = client.post(f"/challenges/{call.id}/opinion", data={"opinion": ""})
    assert response.status_code == 422 and "请填写专家组意见。" in response.text
    assert db.session.scalar(sa.select(sa.func.count(PanelOpinion.id))) == 0
    response = client.post(
        f"/challenges/{call.id}/opinion",
        data={"opinion": "专家组一致认为甲方案技术路线成熟，推荐揭榜。"},
    )
    assert response.status_code == 302

    e2 = app.test_client()
    login(cast.e2, c=e2)
    assert (
        e2.post(f"/challenges/{call.id}/opinion", data={"opinion": "改写"}).status_code
        == 403
    )
    response = e2.post(
        f"/challenges/{call.id}/dissent", data={"dissent": "甲方案成本偏高，保留意见。"}
    )
    assert response.status_code == 302
    [dissent] = db.session.scalars(sa.select(Dissent)).all()
    assert dissent.expert_id == cast.e2.id

    page = client.get(f"/challenges/{call.id}/report").text
    for text in (
        "专家1（组长）",
        "专家2",
        "过渡层成熟",
        "加权平均分 76.0（2 位专家）",
        "专家组一致认为甲方案技术路线成熟",
        "专家2：甲方案成本偏高，保留意见。",
        cast.inst_a.name,
        cast.inst_b.name,
    ):
        assert text in page, text
    pdf = client.get(f"/challenges/{call.id}/report.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")


def test_report_only_for_organisers_and_panel_and_not_the_tied_proposal(
    app, db, login, cast, call, scored
):
    def get(user, path=f"/challenges/{call.id}/report"):
        c = app.test_client()
        login(user, c=c)
        return c.get(path)

    assert get(cast.sponsor).status_code == 200
    assert get(cast.broker).status_code == 200
    for outsider in (cast.solver_a, cast.outsider_expert):
        assert get(outsider).status_code == 404
        assert get(outsider, f"/challenges/{call.id}/report.pdf").status_code == 404
    page = get(cast.e3).text  # tied to institute A
    assert cast.inst_b.name in page and cast.inst_a.name not in page
