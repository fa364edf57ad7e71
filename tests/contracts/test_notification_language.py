"""Contract notifications reach each party in that party's language."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import force_locale

from marketplace.contracts import registration, services
from marketplace.notifications.models import Notification


def _titles(db, user, kind: str) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(Notification.title)
            .where(Notification.user_id == user.id, Notification.kind == kind)
            .order_by(Notification.id)
        )
    )


def test_drafting_and_signing_tell_each_party_in_their_language(
    app, db, deal, people, body
):
    supplier, firm, broker = people["supplier"], people["firm"], people["broker"]
    supplier.locale, firm.locale, broker.locale = "zh_CN", "en", "en"
    db.session.commit()
    with app.test_request_context(), force_locale("en"):  # the broker's English page
        contract = services.draft_contract(deal, broker, body())
        db.session.commit()
    title = contract.latest.title
    assert _titles(db, supplier, "contract.version") == [f"合同草稿已起草：{title}"]
    assert _titles(db, firm, "contract.version") == [f"Contract drafted: {title}"]
    with app.test_request_context(), force_locale("zh_CN"):  # the supplier's page
        services.sign(contract, supplier, 1)
        db.session.commit()
    assert _titles(db, firm, "contract.sign") == [
        f"Please confirm and sign the contract (version 1): {title}"
    ]


def test_the_registration_reminder_speaks_each_recipients_language(
    app, db, deal, people, body
):
    supplier, broker = people["supplier"], people["broker"]
    supplier.locale, broker.locale = None, "en"
    db.session.commit()
    with app.test_request_context():
        contract = services.draft_contract(deal, broker, body())
        services.sign(contract, supplier, 1)
        services.sign(contract, people["firm"], 1)
        db.session.commit()
    assert registration.remind_due(contract.signed_at + timedelta(days=31)) == 2
    db.session.commit()
    kind = "contract.registration"
    assert _titles(db, supplier, kind) == [
        f"技术合同尚未认定登记，请尽快申请：{contract.title}"
    ]
    assert _titles(db, broker, kind) == [
        "The technology contract is not registered yet; please apply as soon as "
        f"you can: {contract.title}"
    ]
