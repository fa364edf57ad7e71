"""Every page, for every kind of visitor, with junk in the query string: never a 5xx."""

from __future__ import annotations

import re

import pytest

from marketplace.accounts.models import OrgType, Role

JUNK = (
    "?page=abc&sort=%3Cscript%3E&q=%00%27%22%20OR%201=1&field=zzz&trl_min=-1&trl_max=99"
    "&price_min=abc&start=2026-99-99&end=x&kind=zzz&stage=zzz&status=zzz&cursor=@@@"
    "&lang=xx&next=//evil.example"
)


def _get_rules(app):
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.rule.startswith(
            ("/static", "/api/v1/docs")
        ):
            continue
        url = re.sub(r"<int:[^>]+>", "1", rule.rule)
        url = re.sub(r"<[^>]+>", "x", url)
        yield url


@pytest.mark.parametrize(
    "role", [None, Role.FIRM, Role.SUPPLIER, Role.BROKER, Role.OPERATOR]
)
def test_no_page_answers_5xx(
    app, client, login, role, create_user, create_org, create_achievement, create_need
):
    uni = create_org(type=OrgType.UNIVERSITY)
    create_achievement(org=uni)
    create_need()
    if role is not None:
        org = uni if role == Role.SUPPLIER else None
        login(create_user(role=role, org=org))
    failures = []
    for url in _get_rules(app):
        for query in ("", JUNK):
            status = client.get(url + query).status_code
            if status >= 500:
                failures.append(f"{status} {url}{query[:30]}")
    assert not failures, failures
