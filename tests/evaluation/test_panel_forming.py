"""Forming a panel for an evaluation: suggested by field, a tied expert refused, an
existing panel assigned, only the deal's broker or the operator, bad input refused."""

from __future__ import annotations

import sqlalchemy as sa

from marketplace.deals.models import Deal, DealStage
from marketplace.evaluation.models import Evaluation
from marketplace.experts import services as experts
from marketplace.experts.models import Panel


def test_the_panel_is_suggested_by_field_and_a_tied_expert_is_excluded(
    db, deal, people, panelists, client_for
):
    broker = client_for(people["broker"])
    page = broker.get(f"/evaluations/deal/{deal.id}/panel")
    assert page.status_code == 200
    suggested = page.text.split('id="suggested"')[1].split("</div>")[0]
    assert "周志远" in suggested and "林晓岚" in suggested
    assert "吴关联" not in suggested
    r = broker.post(
        f"/evaluations/deal/{deal.id}/panel",
        data={
            "name": "组",
            "chair": panelists["chair"].id,
            "members": [panelists["chair"].id, panelists["tied"].id],
        },
    )
    assert r.status_code == 422
    assert "吴关联 申报了与成果所属机构的关联关系，应回避，不能入选。" in r.text
    assert db.session.scalar(sa.select(sa.func.count(Panel.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Evaluation.id))) == 0


def test_an_existing_panel_with_a_tied_member_cannot_be_assigned(
    db, deal, people, panelists, client_for
):
    panel = experts.create_panel(
        people["operator"],
        name="旧专家组",
        chair_id=panelists["chair"].id,
        member_ids=[panelists["chair"].id, panelists["tied"].id],
    )
    db.session.commit()
    r = client_for(people["broker"]).post(
        f"/evaluations/deal/{deal.id}/panel", data={"panel": str(panel.id)}
    )
    assert r.status_code == 422 and "不能使用该专家组" in r.text
    assert db.session.scalar(sa.select(sa.func.count(Evaluation.id))) == 0


def test_only_the_deals_broker_or_the_operator_forms_the_panel(
    deal, people, panelists, client_for
):
    assert client_for(people["other_broker"]).get(
        f"/evaluations/deal/{deal.id}/panel"
    ).status_code in (403, 404)
    firm = client_for(people["firm"])
    assert firm.get(f"/evaluations/deal/{deal.id}/panel").status_code == 403
    assert client_for(panelists["chair"]).post(
        f"/evaluations/deal/{deal.id}/panel", data={"name": "x"}
    ).status_code in (403, 404)


def test_an_existing_untied_panel_is_assigned(db, deal, people, panelists, client_for):
    panel = experts.create_panel(
        people["operator"],
        name="通用专家组",
        chair_id=panelists["lin"].id,
        member_ids=[panelists["lin"].id, panelists["chen"].id],
    )
    db.session.commit()
    r = client_for(people["operator"]).post(
        f"/evaluations/deal/{deal.id}/panel", data={"panel": str(panel.id)}
    )
    assert r.status_code == 302
    ev = db.session.scalar(sa.select(Evaluation))
    assert ev.panel_id == panel.id and ev.is_open and ev.trl is None
    page = client_for(panelists["lin"]).get("/experts/").text
    assert f"/evaluations/{ev.id}/score" in page and "通用专家组" in page


def test_forming_a_panel_with_nothing_chosen_is_refused_with_messages(
    db, deal, people, panelists, client_for
):
    r = client_for(people["broker"]).post(
        f"/evaluations/deal/{deal.id}/panel",
        data={"panel": "", "name": "", "chair": ""},
    )
    assert r.status_code == 422
    for message in ("请填写专家组名称。", "请至少选择一位专家。", "请指定组长。"):
        assert message in r.text
    r = client_for(people["broker"]).post(
        f"/evaluations/deal/{deal.id}/panel", data={"panel": "999"}
    )
    assert r.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(Evaluation.id))) == 0


def test_a_deal_from_a_need_gets_a_panel_too(
    db, people, panelists, client_for, create_need
):
    need = create_need(org=people["firm"].organization, title="镜架电镀层附着力")
    d = Deal(
        need=need,
        supplier_org_id=people["supplier"].organization_id,
        firm_org_id=people["firm"].organization_id,
        broker_id=people["broker"].id,
        origin="answer",
        stage=DealStage.NEGOTIATION,
    )
    db.session.add(d)
    db.session.commit()
    broker = client_for(people["broker"])
    page = broker.get(f"/evaluations/deal/{d.id}/panel")
    assert page.status_code == 200 and "镜架电镀层附着力 评价专家组" in page.text
    r = broker.post(
        f"/evaluations/deal/{d.id}/panel",
        data={
            "name": "组",
            "chair": panelists["lin"].id,
            "members": [panelists["tied"].id],
        },
    )
    assert r.status_code == 422 and "吴关联" in r.text  # tied to the supplier
