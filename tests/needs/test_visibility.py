"""Who sees what: the firm's own words, confidential names, unpublished needs."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.core.timeutil import today_shanghai
from marketplace.listings.lifecycle import NeedStatus
from marketplace.needs.models import NeedTranslation

SECRET = "我厂电镀槽液配方来自张师傅，去年退货二百万元。"
ROLES = ["anonymous", "owner", "other_firm", "supplier", "broker", "operator"]


@pytest.fixture
def people(firm, other_firm, supplier, broker, operator):
    return {
        "anonymous": None,
        "owner": firm,
        "other_firm": other_firm,
        "supplier": supplier,
        "broker": broker,
        "operator": operator,
    }


@pytest.mark.parametrize("who", ROLES)
def test_original_words_only_for_the_firm_and_the_staff(
    db, people, create_need, client_for, who
):
    need = create_need(org=people["owner"].organization, description=SECRET)
    page = client_for(people[who]).get(f"/needs/{need.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "提高镜架 PVD 膜层附着力" in text  # the approved translation is public
    if who in ("owner", "broker", "operator"):
        assert SECRET in text
    else:
        assert SECRET not in text
        assert "翻译版本记录" not in text


@pytest.mark.parametrize("who", ROLES)
def test_confidential_need_hides_the_firm_name(
    db, people, create_org, create_need, client_for, who
):
    firm = people["owner"]
    firm.organization.name = "瓯海精工眼镜有限公司"
    db.session.commit()
    need = create_need(org=firm.organization, confidential=True, title="保密需求甲")
    c = client_for(people[who])
    detail = c.get(f"/needs/{need.id}")
    listing = c.get("/needs/").get_data(as_text=True)
    if who == "anonymous":
        assert (
            detail.status_code == 302 and "/account/login" in detail.headers["Location"]
        )
        assert "保密需求甲" not in listing
        return
    text = detail.get_data(as_text=True)
    assert detail.status_code == 200 and "保密需求甲" in listing
    if who in ("owner", "broker", "operator"):
        assert "瓯海精工眼镜有限公司" in text
    else:
        assert "瓯海精工眼镜有限公司" not in text
        assert "瓯海精工眼镜有限公司" not in listing


def test_firm_name_is_shown_on_an_ordinary_need(db, firm, create_need, client):
    need = create_need(org=firm.organization)
    assert firm.organization.name in client.get(f"/needs/{need.id}").get_data(
        as_text=True
    )


# Route × role × owner: the expected status of each page for each viewer.
# A need in translation is private: outsiders get 404, never a hint that it exists.
PRIVATE_NEED_TABLE = {
    #            anonymous owner other_firm supplier broker operator
    "detail": (404, 200, 404, 404, 200, 200),
    "edit": (302, 302, 404, 404, 403, 403),
    "translate": (302, 403, 403, 403, 200, 200),
    "queue": (302, 403, 403, 403, 200, 200),
    "new": (302, 200, 200, 403, 403, 403),
}


@pytest.mark.parametrize("route", PRIVATE_NEED_TABLE)
def test_permission_table_for_a_need_in_translation(
    db, people, create_need, client_for, route
):
    need = create_need(
        org=people["owner"].organization,
        status=NeedStatus.TRANSLATING,
        broker_id=people["broker"].id,
    )
    urls = {
        "detail": f"/needs/{need.id}",
        "edit": f"/needs/{need.id}/edit",
        "translate": f"/needs/{need.id}/translate",
        "queue": "/needs/queue",
        "new": "/needs/new",
    }
    got = tuple(client_for(people[who]).get(urls[route]).status_code for who in ROLES)
    assert got == PRIVATE_NEED_TABLE[route]


PUBLISHED_NEED_TABLE = {
    "detail": (200, 200, 200, 200, 200, 200),
    "edit": (302, 302, 403, 403, 403, 403),
    "translate": (302, 403, 403, 403, 302, 302),
}


@pytest.mark.parametrize("route", PUBLISHED_NEED_TABLE)
def test_permission_table_for_a_published_need(
    db, people, create_need, client_for, route
):
    need = create_need(org=people["owner"].organization)
    url = {
        "detail": f"/needs/{need.id}",
        "edit": f"/needs/{need.id}/edit",
        "translate": f"/needs/{need.id}/translate",
    }[route]
    got = tuple(client_for(people[who]).get(url).status_code for who in ROLES)
    assert got == PUBLISHED_NEED_TABLE[route]


@pytest.mark.parametrize("who", ["anonymous", "other_firm", "supplier"])
def test_outsiders_cannot_act_on_a_need(db, people, create_need, client_for, who):
    need = create_need(
        org=people["owner"].organization, status=NeedStatus.AWAITING_APPROVAL
    )
    response = client_for(people[who]).post(
        f"/needs/{need.id}/action", data={"action": "approve"}
    )
    assert response.status_code == (302 if who == "anonymous" else 404)
    db.session.refresh(need)
    assert need.status == NeedStatus.AWAITING_APPROVAL


def test_a_supplier_cannot_withdraw_a_published_need(
    db, people, create_need, client_for
):
    need = create_need(org=people["owner"].organization)
    response = client_for(people["supplier"]).post(
        f"/needs/{need.id}/action", data={"action": "withdraw"}
    )
    assert response.status_code == 403
    db.session.refresh(need)
    assert need.status == NeedStatus.PUBLISHED


def test_broker_cannot_approve_for_the_firm(db, broker, create_need, client_for):
    need = create_need(status=NeedStatus.AWAITING_APPROVAL, broker_id=broker.id)
    assert (
        client_for(broker)
        .post(f"/needs/{need.id}/action", data={"action": "approve"})
        .status_code
        == 403
    )
    db.session.refresh(need)
    assert need.status == NeedStatus.AWAITING_APPROVAL


def test_expired_need_is_hidden_from_the_public(db, create_need, client):
    need = create_need(
        valid_until=today_shanghai() - timedelta(days=1), title="过期需求"
    )
    assert client.get(f"/needs/{need.id}").status_code == 404
    assert "过期需求" not in client.get("/needs/").get_data(as_text=True)


def test_history_diff_escapes_what_the_broker_typed(
    db, firm, broker, create_need, client_for
):
    need = create_need(
        org=firm.organization, status=NeedStatus.AWAITING_APPROVAL, broker_id=broker.id
    )
    need.translations.append(
        NeedTranslation(
            version=2,
            technical_problem="<img src=x onerror=alert(1)> 附着力",
            indicators=[{"name": "附着力", "target": "≥5B"}],
        )
    )
    db.session.commit()
    text = client_for(firm).get(f"/needs/{need.id}").get_data(as_text=True)
    assert "<img src=x" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "<ins>" in text and "v1 → v2" in text
