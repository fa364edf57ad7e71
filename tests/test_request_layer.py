"""The pages' request layer: typed service errors answer their 4xx, `Write` owns the
transaction, and converted route modules do not roll back by hand."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import get_flashed_messages
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired

from marketplace import create_app
from marketplace.accounts.models import Organization, OrgType
from marketplace.config import TestingConfig
from marketplace.core.errors import (
    InvalidTransition,
    PermissionDenied,
    ServiceError,
    StaleObject,
    ValidationFailed,
)
from marketplace.core.transaction import Write, button, status_of, submit
from marketplace.extensions import db as _db
from marketplace.uploads.services import UploadTooLarge

ROOT = Path(__file__).resolve().parent.parent

ERRORS = [
    (ValidationFailed([("title", "标题不能为空。")]), 422, "标题不能为空"),
    (PermissionDenied("无权操作此交易。"), 403, "无权操作此交易"),
    (StaleObject("已被他人修改。"), 409, "已被他人修改"),
    (InvalidTransition("当前阶段不能执行此操作。"), 409, "当前阶段不能执行"),
    (ServiceError("余额不足。"), 400, "余额不足"),
]


@pytest.mark.parametrize(("exc", "status", "text"), ERRORS)
def test_a_typed_error_reaching_a_page_answers_its_4xx(
    app_config, db, exc, status, text
):
    app = create_app(TestingConfig, **app_config, PROPAGATE_EXCEPTIONS=False)

    @app.route("/raise")
    def raise_it():
        raise exc

    with app.test_client() as c:
        r = c.get("/raise")
    assert r.status_code == status
    assert text in r.get_data(as_text=True)


@pytest.mark.parametrize(("exc", "status", "text"), ERRORS)
def test_the_api_answers_a_typed_error_with_the_pages_status(exc, status, text):
    assert status_of(exc) == status


class _Form(FlaskForm):
    class Meta:
        csrf = False

    title = StringField()


def _org(name: str) -> Organization:
    return Organization(name=name, type=OrgType.FIRM)


def _names() -> set[str]:
    return set(_db.session.scalars(_db.select(Organization.name)))


def test_write_commits_when_the_service_succeeds(app, db):
    with app.test_request_context(method="POST"):
        with Write(_Form()) as write:
            db.session.add(_org("成功的机构"))
            db.session.flush()
        assert write.ok
    db.session.rollback()  # nothing pending is lost: it was committed
    assert "成功的机构" in _names()


def test_write_rolls_back_and_puts_validation_errors_on_the_form(app, db):
    with app.test_request_context(method="POST"):
        form = _Form()
        with Write(form) as write:
            db.session.add(_org("半途的机构"))
            db.session.flush()
            raise ValidationFailed([("title", "标题不能为空。"), (None, "整体有误。")])
        assert not write.ok
        assert form.title.errors == ["标题不能为空。"]
        assert form.form_errors == ["整体有误。"]
    assert "半途的机构" not in _names()


def test_write_without_a_form_flashes_the_refusal(app, db):
    with app.test_request_context(method="POST"):
        with Write() as write:
            db.session.add(_org("半途的机构"))
            db.session.flush()
            raise InvalidTransition("当前阶段不能执行此操作。")
        assert not write.ok
        assert get_flashed_messages(with_categories=True) == [
            ("error", "当前阶段不能执行此操作。")
        ]
    assert "半途的机构" not in _names()


@pytest.mark.parametrize("exc", [PermissionDenied("不可以"), RuntimeError("坏了")])
def test_write_rolls_back_and_lets_permission_and_bugs_through(app, db, exc):
    with (
        app.test_request_context(method="POST"),
        pytest.raises(type(exc)),
        Write(_Form()),
    ):
        db.session.add(_org("半途的机构"))
        db.session.flush()
        raise exc
    assert "半途的机构" not in _names()


def _add(name: str) -> Organization:
    org = _org(name)
    _db.session.add(org)
    _db.session.flush()
    return org


@pytest.mark.parametrize(
    ("done", "category", "flashed"),
    [
        ("已保存。", "success", ("success", "已保存。")),
        (lambda org: f"已保存 {org.name}。", "info", ("info", "已保存 甲机构。")),
        (
            "已保存。",
            lambda org: "warning" if org.name == "甲机构" else "success",
            ("warning", "已保存。"),
        ),
    ],
)
def test_submit_flashes_a_message_and_category_of_the_result(
    app, db, done, category, flashed
):
    with app.test_request_context(method="POST", data={"title": "x"}):
        r = submit(
            _Form(),
            lambda: _add("甲机构"),
            done,
            lambda org: f"/orgs/{org.id}",
            lambda: pytest.fail("the form was valid"),
            category=category,
        )
        assert get_flashed_messages(with_categories=True) == [flashed]
    assert r.status_code == 302
    assert r.location.startswith("/orgs/")
    assert "甲机构" in _names()


def test_submit_shows_the_form_again_with_the_refusal(app, db):
    def refuse():
        _add("半途的机构")
        raise ValidationFailed([("title", "标题重复。")])

    with app.test_request_context(method="POST", data={"title": "x"}):
        form = _Form()
        r = submit(
            form,
            refuse,
            lambda _r: pytest.fail("no message on a refusal"),
            "/",
            lambda: ("again", 422),
        )
        assert r == ("again", 422)
        assert form.title.errors == ["标题重复。"]
        assert get_flashed_messages() == []
    assert "半途的机构" not in _names()


@pytest.mark.parametrize(
    ("exc", "status"),
    [
        (InvalidTransition("当前阶段不能执行此操作。"), 409),
        (UploadTooLarge("文件过大。"), 413),
    ],
)
def test_submit_answers_a_refusal_with_the_routes_page_and_the_error(
    app, db, exc, status
):
    def refuse():
        _add("半途的机构")
        raise exc

    seen = []

    def refused(error):
        seen.append(error)
        code = 413 if isinstance(error, UploadTooLarge) else status_of(error)
        return (str(error), code)

    with app.test_request_context(method="POST", data={"title": "x"}):
        form = _Form()
        r = submit(
            form,
            refuse,
            "不会显示。",
            "/",
            lambda: pytest.fail("a refusal goes to refused(error), not again()"),
            refused=refused,
        )
        assert r == (str(exc), status)
        assert seen == [exc]
        assert form.form_errors == [str(exc)]
        assert get_flashed_messages() == []
    assert "半途的机构" not in _names()


def test_submit_off_the_form_flashes_the_refusal(app, db):
    def refuse():
        raise StaleObject("已被他人修改。")

    with app.test_request_context(method="POST", data={"title": "x"}):
        form = _Form()
        r = submit(
            form,
            refuse,
            "不会显示。",
            "/",
            lambda: pytest.fail("refused(error) answers"),
            refused=lambda error: ("room", status_of(error)),
            on_form=False,
        )
        assert r == ("room", 409)
        assert form.form_errors == []
        assert get_flashed_messages(with_categories=True) == [
            ("error", "已被他人修改。")
        ]


class _RequiredForm(_Form):
    title = StringField(validators=[DataRequired()])


def test_submit_with_refused_still_shows_an_invalid_form_again(app, db):
    with app.test_request_context(method="POST", data={"title": ""}):
        r = submit(
            _RequiredForm(),
            lambda: pytest.fail("an invalid form calls no service"),
            "不会显示。",
            "/",
            lambda: ("again", 422),
            refused=lambda _error: pytest.fail("no refusal without a call"),
        )
        assert r == ("again", 422)


def test_button_flashes_under_a_category_of_the_result(app, db):
    with app.test_request_context(method="POST"):
        r = button(
            lambda: _add("乙机构"),
            lambda org: f"已停用 {org.name}。",
            "/back",
            category=lambda _org: "warning",
        )
        assert get_flashed_messages(with_categories=True) == [
            ("warning", "已停用 乙机构。")
        ]
    assert r.location == "/back"
    assert "乙机构" in _names()


def _route_modules() -> list[Path]:
    return sorted(
        p
        for p in (ROOT / "marketplace").rglob("*.py")
        if re.match(r"(routes|pages)(_\w+)?\.py$", p.name)
        # The JSON API commits in its `operation` decorator; the token pages are pages.
        and ("api" not in p.relative_to(ROOT).parts or p.name == "routes_tokens.py")
    )


@pytest.mark.parametrize(
    "path", _route_modules(), ids=lambda p: str(p.relative_to(ROOT))
)
def test_route_modules_leave_the_transaction_to_the_request_layer(path):
    name = str(path.relative_to(ROOT))
    text = path.read_text(encoding="utf-8")
    by_hand = "session.rollback()" in text or "except PermissionDenied" in text
    assert not by_hand, f"{name} rolls back by hand: use core.transaction.Write"
