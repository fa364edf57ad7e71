"""The service network's figures on /dashboard/: providers by kind, orders and bookings
by state, and the voucher quota applied → approved → used → settled."""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta

from werkzeug.datastructures import FileStorage

from marketplace.accounts.models import OrgType
from marketplace.core.timeutil import today_shanghai
from marketplace.dashboard import report
from marketplace.dashboard.kpis import Period
from marketplace.services import claims, instruments, orders
from marketplace.services.models import Provider
from marketplace.vouchers import eligibility
from marketplace.vouchers import quota as quotas
from marketplace.vouchers import services as vouchers

from .conftest import PDF


def _world(app, db, net, create_org, create_user):
    """Two providers; orders accepted, cancelled and requested; two bookings; quota
    applied twice (one approved in part, one refused), used once and settled."""
    ip_org = create_org(name="瓯海知识产权代理所", type=OrgType.PROVIDER)
    db.session.add(Provider(organization_id=ip_org.id, kind="ip_agency"))
    other_firm = create_user(org=create_org(name="瓯海第二眼镜厂", type=OrgType.FIRM))
    start = datetime.combine(today_shanghai() + timedelta(days=2), time(9))
    with app.test_request_context():
        eligibility.set_eligibility(net.operator, net.lab_org, True, "CMA 资质")
        done = orders.request_order(net.firm, net.salt, 5, "")  # ¥2,000
        orders.accept_listed(net.lab, done)
        orders.confirm(net.firm, done)
        orders.deliver(net.lab, done, FileStorage(io.BytesIO(PDF), filename="r.pdf"))
        req = orders.accept(net.firm, done)
        orders.cancel(net.firm, orders.request_order(net.firm, net.salt, 1, ""))
        orders.request_order(net.firm, net.nickel, 1, "")
        instruments.book(net.firm, net.instrument, start, 2)
        b = instruments.book(other_firm, net.instrument, start + timedelta(hours=3), 1)
        instruments.refuse(net.lab, b)
        a1 = quotas.apply_for_quota(net.firm, 1_000_000, "盐雾试验")
        a2 = quotas.apply_for_quota(other_firm, 500_000, "检测")
        quotas.decide_quota(net.operator, a1, 800_000, "部分批准")
        quotas.decide_quota(net.operator, a2, None, "材料不全")
        redemption = vouchers.redeem(a1.voucher, req, net.firm)  # all: under 1万元
        claims.settle(net.operator, claims.claim(net.lab, redemption, ""))
    db.session.commit()


def test_the_dashboard_counts_the_service_network(
    app, client, db, net, login, create_org, create_user
):
    _world(app, db, net, create_org, create_user)
    today = today_shanghai()
    p = Period(today - timedelta(days=7), today + timedelta(days=1))
    with app.test_request_context():
        r = report.build(p)
        assert dict(r.providers) == {
            "testing": 1,
            "ip_agency": 1,
            "design": 0,
            "rd_platform": 0,
            "law_accounting": 0,
            "finance": 0,
        }
        assert {s: n for s, n in r.orders if n} == {
            "accepted": 1,
            "cancelled": 1,
            "requested": 1,
        }
        assert {s: n for s, n in r.bookings if n} == {"requested": 1, "refused": 1}
        assert r.quota == {
            "applied": {"count": 2, "fen": 1_500_000},
            "approved": {"count": 1, "fen": 800_000},
            "used": {"count": 1, "fen": 200_000},
            "settled": {"count": 1, "fen": 200_000},
        }
        # The chamber's use: the 2-hour request held (the refused one not), against
        # its opening hours over the three days around it.
        use = report.build(Period(today + timedelta(days=1), today + timedelta(days=3)))
        inst = net.instrument
        open_hours = 3 * (inst.closes_hour - inst.opens_hour)
        [row] = [r for r in use.instruments if r[0].startswith(inst.name)]
        assert row[1:] == (2.0, open_hours, round(200 / open_hours, 1))
        # A period before all this counts no orders, bookings or quota.
        empty = report.build(Period(today - timedelta(days=60), today - timedelta(30)))
        assert not any(n for _s, n in empty.orders + empty.bookings)
        assert all(v == {"count": 0, "fen": 0} for v in empty.quota.values())
        assert all(r[1] == 0 for r in empty.instruments)

    login(net.operator)
    args = f"?start={p.start.isoformat()}&end={p.end.isoformat()}"
    page = client.get("/dashboard/" + args).get_data(as_text=True)
    section = page[page.index('id="service-network"') :]
    assert "知识产权代理" in section and "已验收" in section and "兑付" in section
    csv = client.get("/dashboard/export/voucher_quota.csv" + args)
    lines = csv.get_data().decode("utf-8-sig").splitlines()
    assert lines[1:] == ["申领,2,15000", "批准,1,8000", "使用,1,2000", "兑付,1,2000"]
