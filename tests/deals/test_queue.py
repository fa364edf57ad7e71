"""The broker's queue, the operator's workload, and the members' "my deals"."""

from __future__ import annotations

from datetime import timedelta

from marketplace.accounts.models import Role
from marketplace.core.timeutil import utcnow
from marketplace.deals import queue, services
from marketplace.deals.models import DealStage
from marketplace.listings.lifecycle import NeedStatus


def test_a_signed_contract_has_no_registration_deadline(make_deal, db):
    # The parties apply after signing with no deadline; the office's 10/30 days are
    # its own, so the queue shows no due date and never flags the deal overdue.
    ns = make_deal(DealStage.CONTRACT_SIGNED)
    ns.deal.contract_signed_at = utcnow() - timedelta(days=31)
    db.session.commit()
    (row,) = queue.queue_rows(ns.broker)
    assert row.due_kind is None and row.due_at is None and not row.overdue


def test_queue_page_lists_deals_counts_and_untranslated_needs(
    client, login, make_deal, create_need, db
):
    ns = make_deal()
    need = create_need(status=NeedStatus.SUBMITTED, title="镀层附着力不足待翻译")
    login(ns.broker)
    r = client.get("/deals/queue")
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and ns.deal.title in page
    assert need.title in page and 'data-count="interest">1<' in page
    assert ns.deal.title not in client.get("/deals/queue?stage=negotiation").get_data(
        as_text=True
    )
    assert client.get("/deals/queue?stage=bogus&sort=x&overdue=zz").status_code == 200


def test_overdue_filter(client, login, make_deal, db):
    ns = make_deal()
    ns.deal.stage_entered_at = utcnow() - timedelta(days=5)  # reply due in 3 days
    db.session.commit()
    login(ns.broker)
    page = client.get("/deals/queue?overdue=1").get_data(as_text=True)
    assert f'data-deal="{ns.deal.id}"' in page and "已逾期" in page


def test_other_brokers_do_not_see_the_deal(client, login, make_deal, create_user):
    ns = make_deal()
    login(create_user(Role.BROKER))
    assert ns.deal.title not in client.get("/deals/queue").get_data(as_text=True)


def test_operator_sees_all_queues_and_workload(client, login, make_deal):
    ns = make_deal()
    login(ns.operator)
    page = client.get("/deals/queue").get_data(as_text=True)
    assert ns.deal.title in page and f'data-workload="{ns.broker.id}"' in page
    assert client.get(f"/deals/queue?broker={ns.broker.id}").status_code == 200


def test_firms_and_suppliers_cannot_open_the_queue(client, login, make_deal):
    ns = make_deal()
    login(ns.firm)
    assert client.get("/deals/queue").status_code == 403


def test_my_deals_for_both_sides(client, login, make_deal):
    ns = make_deal()
    for user in (ns.firm, ns.supplier):
        login(user)
        assert f'data-deal="{ns.deal.id}"' in client.get("/deals/mine").get_data(
            as_text=True
        )
        client.post("/account/logout")
    login(ns.outsider)
    assert f'data-deal="{ns.deal.id}"' not in client.get("/deals/mine").get_data(
        as_text=True
    )


def test_age_in_stage_restarts_on_a_stage_change(make_deal, db):
    ns = make_deal()
    later = utcnow() + timedelta(days=2)
    services.apply_action(ns.deal, "start_matchmaking", ns.broker, now=later)
    assert ns.deal.stage_entered_at == later
