"""Every issue-18 page renders for the people it is for, in Chinese and English."""

from __future__ import annotations

import pytest

from marketplace.accounts.models import Role
from marketplace.firms import finance

PAGES = {
    Role.OPERATOR: [
        "/roster/",
        "/roster/import",
        "/checkups/",
        "/finance/",
        "/finance/institutions",
        "/finance/requests/",
        "/events/",
        "/events/new",
        "/digest",
    ],
    Role.FIRM: ["/checkups/", "/checkups/new", "/finance/requests/new", "/digest"],
}


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_pages_render(app, client, login, create_user, create_org, db, lang):
    for role, paths in PAGES.items():
        c = app.test_client()
        login(create_user(role=role, locale=lang), c=c)
        for path in paths:
            resp = c.get(path)
            assert resp.status_code == 200, (role, path)
    # An institution's product form; the public lists without an account.
    operator = create_user(role=Role.OPERATOR)
    bank = create_org(name="银行甲")
    finance.register_institution(operator, bank, ["tech_loan"], [])
    db.session.commit()
    c = app.test_client()
    login(create_user(role=Role.FIRM, org=bank), c=c)
    assert c.get("/finance/products/new").status_code == 200
    for path in ("/finance/", "/events/"):
        assert app.test_client().get(path).status_code == 200
