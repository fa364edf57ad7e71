"""The check-up report recommends open calls, services and instruments for the problems."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from marketplace.accounts.models import OrgType, Role
from marketplace.challenges.models import CallStatus, Challenge
from marketplace.core.timeutil import utcnow
from marketplace.firms import checkups
from marketplace.firms.models import Checkup, RosterFirm
from marketplace.search.service import sync_outbox
from marketplace.services.models import Instrument, Offering, Provider

PROBLEMS = "镜架PVD膜层附着力不够，使用中脱落，需要按 GB/T 9286 做划格试验"


def _call(db, need, broker, title, status=CallStatus.APPROVED, days=10):
    c = Challenge(
        need_id=need.id,
        sponsor_org_id=need.organization_id,
        broker_id=broker.id,
        title=title,
        problem=f"{title}。",
        deadline_at=utcnow() + timedelta(days=days),
        status=status,
    )
    db.session.add(c)
    return c


def test_report_recommends_a_call_a_service_and_an_instrument(
    client, login, create_user, create_org, create_achievement, create_need, db
):
    create_achievement(
        title="镜架PVD膜层附着力提升工艺",
        summary="提高镜架 PVD 膜层附着力，解决脱落。",
        field="surface_treatment",
        keywords=["PVD", "附着力"],
    )
    broker = create_user(role=Role.BROKER)
    open_need = create_need(title="镀膜附着力需求", field="surface_treatment")
    lens_need = create_need(
        title="高折射率树脂镜片需求",
        field="lenses_coatings",
        keywords=["折射率", "树脂镜片"],
    )
    t = lens_need.translations[0]
    t.technical_problem, t.keywords = "提高树脂镜片折射率至1.74。", ["折射率"]
    t.indicators, t.existing_conditions = [], ""
    _call(db, open_need, broker, "镜架镀膜附着力揭榜")
    _call(db, open_need, broker, "已截止的镀膜榜单", days=-1)
    _call(db, lens_need, broker, "草稿镜片榜单", status=CallStatus.DRAFT)
    _call(db, lens_need, broker, "无关镜片榜单")
    lab = create_org(type=OrgType.INSTITUTE, name="瓯海检测所")
    provider = Provider(organization_id=lab.id, kind="testing", fields=[])
    db.session.add(provider)
    db.session.flush()
    db.session.add_all(
        [
            Offering(
                provider_id=provider.id,
                name="漆膜划格试验",
                standard="GB/T 9286",
                field="other",
                price_mode="on_quote",
            ),
            Offering(
                provider_id=provider.id,
                name="自动化产线诊断",
                standard="",
                field="automation",
                price_mode="on_quote",
            ),
            Instrument(
                owner_org_id=lab.id,
                name="膜层附着力测试仪",
                field="surface_treatment",
                unit_price_fen=10_000,
            ),
            Instrument(
                owner_org_id=lab.id,
                name="三坐标测量机",
                field="automation",
                unit_price_fen=10_000,
            ),
        ]
    )
    org = create_org(name="瓯海推荐眼镜厂")
    firm = RosterFirm(name="瓯海推荐眼镜厂", town="潘桥街道", organization_id=org.id)
    db.session.add(firm)
    db.session.commit()
    sync_outbox()
    login(create_user(role=Role.BROKER))
    resp = client.post(
        f"/checkups/new?firm={firm.id}",
        data={
            "staff": "50",
            "rd_staff": "5",
            "revenue": "500",
            "rd_spend": "10",
            "ip_class1": "0",
            "ip_class2": "0",
            "products": "金属镜架",
            "problems": PROBLEMS,
        },
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)
    c = db.session.scalars(sa.select(Checkup)).one()
    r = checkups.report(c)
    assert r.problem_field == "surface_treatment"
    assert [x.title for x in r.calls] == ["镜架镀膜附着力揭榜"]
    assert [o.name for o in r.services] == ["漆膜划格试验"]
    assert [i.name for i in r.instruments] == ["膜层附着力测试仪"]
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    for shown in ("镜架镀膜附着力揭榜", "漆膜划格试验", "膜层附着力测试仪"):
        assert shown in page
    for hidden in ("已截止的镀膜榜单", "草稿镜片榜单", "无关镜片榜单", "三坐标测量机"):
        assert hidden not in page


def test_the_field_of_a_posted_need_leads_and_own_calls_are_left_out(
    db, create_user, create_need
):
    broker = create_user(role=Role.BROKER)
    need = create_need(field="frame_materials")
    author = create_user(role=Role.FIRM, org=need.organization)
    c = Checkup(
        organization_id=need.organization_id,
        author_id=author.id,
        staff=10,
        rd_staff=1,
        revenue_fen=1_000_000,
        rd_spend_fen=0,
        problems="",
        need_id=need.id,
    )
    db.session.add(c)
    _call(db, need, broker, "本企业自己的榜单")
    other = create_need(field="frame_materials")
    _call(db, other, broker, "别家的镜架榜单")
    db.session.commit()
    assert checkups.problem_field(c) == "frame_materials"
    calls = checkups.recommended_calls(c, "frame_materials")
    assert [x.title for x in calls] == ["别家的镜架榜单"]
    assert checkups.recommended_services(c, None) == []
