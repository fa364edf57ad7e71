"""Creating and editing achievements: who may, and every rule that keeps data sound."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import OrgType, Role
from marketplace.achievements.models import Achievement
from marketplace.core.timeutil import today_shanghai
from marketplace.listings.lifecycle import ListingStatus

from .conftest import valid_form


def _count(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Achievement))


def test_supplier_creates_a_draft_with_every_field(client, login, people, db):
    login(people["owner"])
    assert client.get("/achievements/new").status_code == 200
    response = client.post("/achievements/new", data=valid_form())
    assert response.status_code == 302
    a = db.session.scalars(sa.select(Achievement)).one()
    assert a.status == ListingStatus.DRAFT and a.organization_id == people["org"].id
    assert a.keywords == ["钛合金", "激光焊接", "镜架"]
    assert a.trl == 6 and a.price_fen == 30_000_000
    assert a.patent_number == "CN202110123456.7"
    assert [(i.name, i.share_percent) for i in a.inventors] == [
        ("张三", 60),
        ("李四", 40),
    ]
    assert a.indicators[0] == {
        "name": "焊点抗拉强度",
        "value": "≥ 450",
        "unit": "MPa",
        "test_method": "GB/T 228.1",
    }
    assert a.indicators[1]["unit"] == "mm" and a.indicators[1]["test_method"] == ""
    assert sorted(a.cooperation_modes) == ["assignment", "licence"]
    assert a.created_by_id == people["owner"].id


def test_save_and_submit_sends_to_review(client, login, people, db):
    login(people["owner"])
    data = valid_form()
    del data["save"]
    data["save_submit"] = "1"
    assert client.post("/achievements/new", data=data).status_code == 302
    a = db.session.scalars(sa.select(Achievement)).one()
    assert a.status == ListingStatus.IN_REVIEW and a.submitted_at is not None


def test_know_how_without_patent_and_negotiable_price(client, login, people, db):
    login(people["owner"])
    data = valid_form(
        ip_form="know_how",
        patent_number="",
        patent_status="",
        patent_filing_date="",
        pricing_mode="negotiable",
        price="",
    )
    assert client.post("/achievements/new", data=data).status_code == 302
    a = db.session.scalars(sa.select(Achievement)).one()
    assert a.patent_number is None and a.price_fen is None


@pytest.mark.parametrize("role", [Role.FIRM, Role.BROKER, Role.OPERATOR])
def test_non_suppliers_cannot_create(client, login, create_user, role, db):
    login(create_user(role=role))
    assert client.get("/achievements/new").status_code == 403
    assert client.post("/achievements/new", data=valid_form()).status_code == 403
    assert _count(db) == 0


def test_anonymous_is_sent_to_login(client, db):
    response = client.post("/achievements/new", data=valid_form())
    assert response.status_code == 302 and "/account/login" in response.location
    assert _count(db) == 0


BAD_INPUT = [
    ({"inventors": "张三 60%\n李四 30%"}, "合计须为 100%"),
    ({"inventors": "张三"}, "格式不对"),
    ({"inventors": ""}, "必填字段"),
    ({"price": "30万"}, "有效金额"),
    ({"price": "-5"}, "有效金额"),
    ({"price": "0"}, "价格须大于 0"),
    ({"price": ""}, "请填写价格"),
    ({"price": "99999999999999"}, "有效金额"),
    ({"title": "<script>alert(1)</script>"}, "纯文本"),
    ({"summary": "好<img src=x onerror=alert(1)>"}, "纯文本"),
    ({"title": "长" * 201}, "200"),
    ({"title": ""}, "必填字段"),
    ({"trl": "10"}, "不是有效的选择"),
    ({"trl": "abc"}, "不是有效的选择"),
    ({"field": "plastics"}, "不是有效的选择"),
    ({"cooperation_modes": []}, "至少选择一种合作方式"),
    ({"cooperation_modes": ["gift"]}, "gift"),
    ({"valid_until": "2020-01-01"}, "有效期须晚于今天"),
    ({"valid_until": "tomorrow"}, "不是有效的日期"),
    ({"patent_number": ""}, "请填写专利号"),
    ({"patent_number": "12345"}, "专利号格式不正确"),
    ({"patent_number": "CN202110123456.3"}, "校验位不正确"),
    ({"patent_number": "CN202120123456.2"}, "类型位"),
    ({"patent_filing_date": "2020-03-15"}, "年份与专利号不一致"),
    ({"patent_status": ""}, "请选择专利状态"),
    ({"patent_filing_date": ""}, "请填写申请日"),
    ({"ip_form": "know_how"}, "只有专利类成果才填写专利信息"),
    ({"indicators": "只有名称"}, "名称 | 数值"),
    ({"external_ref": "x" * 65}, "64"),
]


@pytest.mark.parametrize(("override", "message"), BAD_INPUT)
def test_bad_input_is_422_and_nothing_saved(
    client, login, people, db, override, message
):
    login(people["owner"])
    response = client.post("/achievements/new", data=valid_form(**override))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _count(db) == 0


def test_state_funded_institution_cannot_choose_negotiable(
    client, login, create_org, create_user, db
):
    org = create_org(type=OrgType.UNIVERSITY, state_funded=True)
    login(create_user(role=Role.SUPPLIER, org=org))
    response = client.post(
        "/achievements/new", data=valid_form(pricing_mode="negotiable", price="")
    )
    assert response.status_code == 422
    assert "第十八条" in response.get_data(as_text=True)
    assert _count(db) == 0
    assert (
        client.post(
            "/achievements/new", data=valid_form(pricing_mode="agreement")
        ).status_code
        == 302
    )


def test_sql_looking_text_is_stored_verbatim(client, login, people, db):
    login(people["owner"])
    title = "镜架'; DROP TABLE achievements; --"
    assert (
        client.post("/achievements/new", data=valid_form(title=title)).status_code
        == 302
    )
    assert db.session.scalars(sa.select(Achievement.title)).one() == title


def test_external_ref_is_unique_per_organisation(
    client, login, people, create_achievement, db
):
    create_achievement(org=people["org"], external_ref="WMU-2024-001")
    create_achievement(external_ref="OTHER-1")
    login(people["owner"])
    response = client.post("/achievements/new", data=valid_form())
    assert response.status_code == 422 and "内部编号" in response.get_data(as_text=True)
    assert (
        client.post(
            "/achievements/new", data=valid_form(external_ref="OTHER-1")
        ).status_code
        == 302
    )


def test_owner_edits_a_draft(client, login, people, create_achievement, db):
    a = create_achievement(org=people["org"], status=ListingStatus.DRAFT)
    login(people["colleague"])
    page = client.get(f"/achievements/{a.id}/edit")
    assert page.status_code == 200 and a.title in page.get_data(as_text=True)
    response = client.post(
        f"/achievements/{a.id}/edit",
        data=valid_form(title="改过的名称", inventors="王五 100%"),
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert a.title == "改过的名称" and [i.name for i in a.inventors] == ["王五"]


def test_edit_form_round_trips_existing_values(client, login, people, db):
    login(people["owner"])
    client.post("/achievements/new", data=valid_form())
    a = db.session.scalars(sa.select(Achievement)).one()
    html = client.get(f"/achievements/{a.id}/edit").get_data(as_text=True)
    for text in (
        "张三 60%",
        "焊点抗拉强度 | ≥ 450 | MPa | GB/T 228.1",
        "300000.00",
        "钛合金, 激光焊接, 镜架",
        "CN202110123456.7",
    ):
        assert text in html, text


def test_bad_edit_changes_nothing(client, login, people, create_achievement, db):
    a = create_achievement(
        org=people["org"], status=ListingStatus.RETURNED, title="原名称"
    )
    login(people["owner"])
    response = client.post(
        f"/achievements/{a.id}/edit",
        data=valid_form(title="新名称", inventors="张三 50%"),
    )
    assert response.status_code == 422
    db.session.expire_all()
    assert a.title == "原名称"


@pytest.mark.parametrize(
    ("status", "viewer", "expected"),
    [
        (ListingStatus.PUBLISHED, "owner", 403),
        (ListingStatus.IN_REVIEW, "owner", 403),
        (ListingStatus.PUBLISHED, "other_supplier", 403),
        (ListingStatus.DRAFT, "other_supplier", 404),
        (ListingStatus.DRAFT, "firm", 404),
        (ListingStatus.DRAFT, "broker", 403),
        (ListingStatus.DRAFT, "operator", 403),
    ],
)
def test_edit_refused_outside_owner_drafts(
    client, login, people, create_achievement, db, status, viewer, expected
):
    a = create_achievement(org=people["org"], status=status, title="原名称")
    login(people[viewer])
    assert client.get(f"/achievements/{a.id}/edit").status_code == expected
    assert (
        client.post(
            f"/achievements/{a.id}/edit", data=valid_form(title="篡改")
        ).status_code
        == expected
    )
    db.session.expire_all()
    assert a.title == "原名称"


def test_csrf_token_is_required(app, client, login, people, db):
    login(people["owner"])
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/achievements/new", data=valid_form())
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code in (400, 422)
    assert _count(db) == 0


def test_valid_until_must_be_after_today(client, login, people, db):
    login(people["owner"])
    today = today_shanghai().isoformat()
    assert (
        client.post("/achievements/new", data=valid_form(valid_until=today)).status_code
        == 422
    )
    tomorrow = (today_shanghai() + timedelta(days=1)).isoformat()
    assert (
        client.post(
            "/achievements/new", data=valid_form(valid_until=tomorrow)
        ).status_code
        == 302
    )
