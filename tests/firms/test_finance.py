"""Technology finance: scope and confidentiality, IP pledges, offers, acceptance."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import OrgType, Role
from marketplace.firms import finance
from marketplace.firms.models_finance import (
    FinanceProduct,
    FinancingOffer,
    FinancingRequest,
)


@pytest.fixture
def market(app, db, create_org, create_user, login):
    """A firm, a bank covering tech loans in frame materials, an investor in equity,
    another firm; each signed in on its own client."""
    operator = create_user(role=Role.OPERATOR)
    bank_org = create_org(name="瓯海农商银行", type=OrgType.TTO)
    vc_org = create_org(name="温州创投", type=OrgType.TTO)
    finance.register_institution(
        operator, bank_org, ["tech_loan", "ip_pledge"], ["frame_materials"]
    )
    finance.register_institution(operator, vc_org, ["equity"], [])
    db.session.commit()
    people = {
        "firm": create_user(role=Role.FIRM),
        "other": create_user(role=Role.FIRM),
        "bank": create_user(role=Role.FIRM, org=bank_org),
        "vc": create_user(role=Role.FIRM, org=vc_org),
        "broker": create_user(role=Role.BROKER),
    }
    clients = {}
    for name, user in people.items():
        clients[name] = app.test_client()
        login(user, c=clients[name])
    return people, clients


REQUEST = {
    "kind": "tech_loan",
    "amount": "3000000",
    "purpose": "购置激光焊接设备",
    "term_months": "24",
    "collateral": "厂房抵押",
    "field": "frame_materials",
}


def post_request(clients, **over):
    return clients["firm"].post("/finance/requests/new", data={**REQUEST, **over})


def test_only_institutions_in_scope_see_a_request(market, db):
    people, clients = market
    resp = post_request(clients)
    assert resp.status_code == 302
    req = db.session.scalars(sa.select(FinancingRequest)).one()
    assert req.amount_fen == 300_000_000
    url = f"/finance/requests/{req.id}"
    assert clients["bank"].get(url).status_code == 200
    assert clients["broker"].get(url).status_code == 200
    # Out of scope (equity only) and another firm: the request does not exist.
    assert clients["vc"].get(url).status_code == 404
    assert clients["other"].get(url).status_code == 404
    assert "购置" not in clients["other"].get("/finance/requests/").get_data(
        as_text=True
    )
    firm_name = people["firm"].organization.name
    assert firm_name in clients["bank"].get("/finance/requests/").get_data(as_text=True)
    assert firm_name not in clients["vc"].get("/finance/requests/").get_data(
        as_text=True
    )
    # Out of scope by field: a lens request is not the frame-materials bank's.
    post_request(clients, field="lenses_coatings")
    lens = db.session.scalars(
        sa.select(FinancingRequest).where(FinancingRequest.field == "lenses_coatings")
    ).one()
    assert clients["bank"].get(f"/finance/requests/{lens.id}").status_code == 404
    # An institution out of scope cannot offer either.
    resp = clients["vc"].post(
        f"{url}/offers", data={"amount": "1000000", "rate": "4%", "term_months": "12"}
    )
    assert resp.status_code == 404
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(FinancingOffer)) == 0
    )


def test_offer_accept_and_outcome(market, db):
    people, clients = market
    post_request(clients)
    req = db.session.scalars(sa.select(FinancingRequest)).one()
    url = f"/finance/requests/{req.id}"
    resp = clients["bank"].post(
        f"{url}/offers",
        data={"amount": "3000000", "rate": "LPR+30BP", "term_months": "24"},
    )
    assert resp.status_code == 302
    offer = db.session.scalars(sa.select(FinancingOffer)).one()
    assert "LPR+30BP" in clients["firm"].get(url).get_data(as_text=True)
    # Only the firm accepts.
    assert clients["bank"].post(f"/finance/offers/{offer.id}/accept").status_code == 403
    assert clients["firm"].post(f"/finance/offers/{offer.id}/accept").status_code == 302
    db.session.expire_all()
    assert offer.status == "accepted" and req.status == "accepted"
    # No offers once one is accepted.
    resp = clients["bank"].post(
        f"{url}/offers", data={"amount": "1", "rate": "x", "term_months": "1"}
    )
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(FinancingOffer)) == 1
    )
    resp = clients["broker"].post(f"{url}/outcome", data={"outcome": "已放款 300 万元"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert req.status == "closed" and req.outcome == "已放款 300 万元"


def test_an_ip_pledge_pledges_only_the_firms_own_recorded_ip(
    market, db, create_achievement
):
    people, clients = market
    own = create_achievement(org=people["firm"].organization, title="本企业专利")
    theirs = create_achievement(org=people["other"].organization, title="别家专利")
    resp = post_request(clients, kind="ip_pledge", pledged=[str(theirs.id)])
    assert resp.status_code == 422
    resp = post_request(clients, kind="ip_pledge")
    assert resp.status_code == 422
    assert "请选择要质押的知识产权" in resp.get_data(as_text=True)
    with pytest.raises(Exception, match="只能质押本企业"):
        finance.create_request(
            people["firm"],
            {
                "kind": "ip_pledge",
                "amount_fen": 100,
                "purpose": "x",
                "term_months": 12,
                "pledged_achievement_ids": [theirs.id],
            },
        )
    db.session.rollback()
    resp = post_request(clients, kind="ip_pledge", pledged=[str(own.id)])
    assert resp.status_code == 302
    req = db.session.scalars(sa.select(FinancingRequest)).one()
    assert req.pledged_achievement_ids == [own.id]


def test_institutions_list_products_in_their_kinds(market, db):
    people, clients = market
    resp = clients["bank"].post(
        "/finance/products/new",
        data={"kind": "ip_pledge", "name": "专利贷", "amount_max": "5000000"},
    )
    assert resp.status_code == 302
    resp = clients["bank"].post(
        "/finance/products/new", data={"kind": "equity", "name": "投资"}
    )
    assert resp.status_code == 422
    assert clients["firm"].get("/finance/products/new").status_code == 403
    assert db.session.scalars(sa.select(FinanceProduct.name)).all() == ["专利贷"]
    assert "专利贷" in clients["other"].get("/finance/").get_data(as_text=True)


def test_a_request_links_only_the_firms_own_checkup(market, db):
    from marketplace.firms.models import Checkup, RosterFirm
    from marketplace.firms.roster import coverage, service_history

    people, clients = market
    mine = Checkup(
        organization_id=people["firm"].organization_id,
        author_id=people["firm"].id,
        staff=10,
        rd_staff=1,
        revenue_fen=1,
        rd_spend_fen=0,
    )
    theirs = Checkup(
        organization_id=people["other"].organization_id,
        author_id=people["other"].id,
        staff=10,
        rd_staff=1,
        revenue_fen=1,
        rd_spend_fen=0,
    )
    firm = RosterFirm(name="甲厂", organization_id=people["other"].organization_id)
    db.session.add_all([mine, theirs, firm])
    db.session.commit()
    resp = clients["firm"].post(
        "/finance/requests/new", data={**REQUEST, "checkup_id": str(theirs.id)}
    )
    assert resp.status_code == 422
    assert "只能关联本企业的科技体检" in resp.get_data(as_text=True)
    resp = clients["firm"].post(
        "/finance/requests/new", data={**REQUEST, "checkup_id": str(mine.id)}
    )
    assert resp.status_code == 302
    req = db.session.scalars(sa.select(FinancingRequest)).one()
    assert req.checkup_id == mine.id
    # The roster firm of the other organisation: its financing is in its history.
    clients["other"].post("/finance/requests/new", data=REQUEST)
    assert len(service_history(firm).financing) == 1
    assert coverage().served == 1


def _deal_of(db, create_org, create_achievement, firm_org_id):
    from marketplace.accounts.models import OrgType as OT
    from marketplace.deals.models import Deal, DealStage

    supplier = create_org(type=OT.UNIVERSITY)
    ach = create_achievement(title="钛合金镜架激光焊接工艺", org=supplier)
    d = Deal(
        achievement=ach,
        supplier_org_id=supplier.id,
        firm_org_id=firm_org_id,
        origin="interest",
        stage=DealStage.NEGOTIATION,
    )
    db.session.add(d)
    db.session.commit()
    return d


def test_a_request_linked_to_a_deal_shows_on_both_pages(
    market, app, db, create_org, create_achievement, create_user, login
):
    people, clients = market
    deal = _deal_of(db, create_org, create_achievement, people["firm"].organization_id)
    other_deal = _deal_of(
        db, create_org, create_achievement, people["other"].organization_id
    )
    # The form offers the firm's own deals only, preselected from the deal room.
    form = clients["firm"].get(f"/finance/requests/new?deal={deal.id}")
    page = form.get_data(as_text=True)
    assert f'<option selected value="{deal.id}">' in page
    assert f'value="{other_deal.id}"' not in page
    # Naming another firm's deal is refused, nothing saved.
    resp = post_request(clients, deal_id=str(other_deal.id))
    assert resp.status_code == 422
    assert "只能关联本企业参与的技术交易" in resp.get_data(as_text=True)
    assert post_request(clients, deal_id="x'; drop").status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(FinancingRequest.id))) == 0
    resp = post_request(clients, deal_id=str(deal.id))
    assert resp.status_code == 302, resp.get_data(as_text=True)
    req = db.session.scalars(sa.select(FinancingRequest)).one()
    assert req.deal_id == deal.id
    # The request page links the deal for its party …
    page = clients["firm"].get(f"/finance/requests/{req.id}").get_data(as_text=True)
    assert f'href="/deals/{deal.id}"' in page
    # … the bank sees that a deal is linked, not the deal.
    page = clients["bank"].get(f"/finance/requests/{req.id}").get_data(as_text=True)
    assert "已关联一项技术交易" in page and f'href="/deals/{deal.id}"' not in page
    # The deal room lists the request for the firm.
    room = clients["firm"].get(f"/deals/{deal.id}").get_data(as_text=True)
    assert 'id="deal-finance"' in room
    assert f'href="/finance/requests/{req.id}"' in room
    # The supplier (a party of the deal, not of the request) sees the deal but not
    # the request, which is confidential to the firm and the institutions in scope.
    supplier = app.test_client()
    login(create_user(role=Role.SUPPLIER, org=deal.supplier_org), c=supplier)
    room = supplier.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert f'href="/finance/requests/{req.id}"' not in room
    assert supplier.get(f"/finance/requests/{req.id}").status_code == 404
    # Someone outside the deal sees neither.
    assert clients["other"].get(f"/deals/{deal.id}").status_code == 404


def test_a_request_linked_to_a_checkup_shows_on_both_pages(market, db):
    people, clients = market
    from marketplace.firms.models import Checkup

    c = Checkup(
        organization_id=people["firm"].organization_id,
        author_id=people["firm"].id,
        staff=10,
        rd_staff=2,
        revenue_fen=100,
        rd_spend_fen=1,
    )
    theirs = Checkup(
        organization_id=people["other"].organization_id,
        author_id=people["other"].id,
        staff=10,
        rd_staff=2,
        revenue_fen=100,
        rd_spend_fen=1,
    )
    db.session.add_all([c, theirs])
    db.session.commit()
    page = clients["firm"].get(f"/finance/requests/new?checkup={c.id}")
    assert f'<option selected value="{c.id}">' in page.get_data(as_text=True)
    assert post_request(clients, checkup_id=str(theirs.id)).status_code == 422
    resp = post_request(clients, checkup_id=str(c.id))
    assert resp.status_code == 302
    req = db.session.scalars(sa.select(FinancingRequest)).one()
    assert req.checkup_id == c.id
    page = clients["firm"].get(f"/finance/requests/{req.id}").get_data(as_text=True)
    assert f'href="/checkups/{c.id}"' in page
    # The bank sees the request, not the firm's check-up figures.
    page = clients["bank"].get(f"/finance/requests/{req.id}").get_data(as_text=True)
    assert f'href="/checkups/{c.id}"' not in page and "已关联科技体检报告" in page
    # … but the figures the firm shared by linking it (staff 10, R&D staff 2).
    figures = page[page.index('id="firm-figures"') :]
    assert "10 / 2" in figures and "尚不符合" in figures
    # Out of scope: neither the request nor its figures.
    assert clients["vc"].get(f"/finance/requests/{req.id}").status_code == 404
    assert clients["bank"].get(f"/checkups/{c.id}").status_code == 404
    report = clients["firm"].get(f"/checkups/{c.id}").get_data(as_text=True)
    assert f'href="/finance/requests/{req.id}"' in report
    # The broker sees both.
    report = clients["broker"].get(f"/checkups/{c.id}").get_data(as_text=True)
    assert f'href="/finance/requests/{req.id}"' in report
