"""A deal action that is refused and rolled back has told nobody by e-mail."""

from __future__ import annotations

import sqlalchemy as sa

from marketplace.core.mail_outbox import MailOutbox
from marketplace.deals.models import DealStage
from marketplace.notifications.models import Notification


def _price_form(**overrides) -> dict:
    form = {"price": "250000", "transfer_mode": "licence"}
    form.update(overrides)
    return form


def _count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_refused_agreed_price_mails_nobody(client, login, make_deal, db, smtp_server):
    ns = make_deal(DealStage.NEGOTIATION, state_funded=True)
    smtp_server.clear()
    before = (_count(db, Notification), _count(db, MailOutbox))
    login(ns.broker)
    # The price moves the deal into its notice (and notifies both parties); opening
    # the notice then refuses the missing reason, and the whole action rolls back.
    resp = client.post(
        f"/deals/{ns.deal.id}/price",
        data=_price_form(related_party="y", related_party_reason=""),
    )
    assert resp.status_code == 422
    assert "请说明关联关系" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert ns.deal.stage == DealStage.NEGOTIATION
    assert smtp_server == []
    assert (_count(db, Notification), _count(db, MailOutbox)) == before


def test_an_accepted_agreed_price_mails_each_party_once(
    client, login, make_deal, db, smtp_server
):
    ns = make_deal(DealStage.NEGOTIATION, state_funded=True)
    smtp_server.clear()
    login(ns.broker)
    resp = client.post(f"/deals/{ns.deal.id}/price", data=_price_form())
    assert resp.status_code == 302
    db.session.expire_all()
    assert ns.deal.stage == DealStage.PUBLIC_NOTICE
    to = sorted(m["To"] for m in smtp_server if "公示" in m["Subject"])
    assert to == sorted([ns.firm.email, ns.supplier.email])
    assert all(r.sent_at is not None for r in db.session.scalars(sa.select(MailOutbox)))
