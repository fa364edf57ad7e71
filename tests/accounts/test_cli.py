"""`flask users create`."""

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import OrgType, Role, User


def _user(db, email):
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.email == email))


def test_create_operator_with_password(app, db):
    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "--role",
            "operator",
            "--email",
            "Ops@Example.com",
            "--name",
            "运营",
            "--password",
            "operator-pass-1",
        ]
    )
    assert result.exit_code == 0, result.output
    user = _user(db, "ops@example.com")
    assert user.role == Role.OPERATOR and user.name == "运营"
    assert user.check_password("operator-pass-1")


def test_create_firm_member_of_existing_org(app, db, create_org):
    org = create_org(name="瓯海光学", type=OrgType.FIRM)
    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "--role",
            "firm",
            "--email",
            "f@example.com",
            "--org",
            "瓯海光学",
            "--password",
            "firm-pass-123",
        ]
    )
    assert result.exit_code == 0, result.output
    assert _user(db, "f@example.com").organization_id == org.id


def test_password_is_prompted_hidden_with_confirmation(app, db):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "--role", "broker", "--email", "b@example.com"],
        input="broker-pass-1\nbroker-pass-1\n",
    )
    assert result.exit_code == 0, result.output
    assert "broker-pass-1" not in result.output
    assert _user(db, "b@example.com").check_password("broker-pass-1")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "firm", "--email", "x@example.com"], "--org is required"),
        (
            ["--role", "firm", "--email", "x@example.com", "--org", "不存在的公司"],
            "no organisation",
        ),
        (
            ["--role", "supplier", "--email", "x@example.com", "--org", "瓯海光学"],
            "does not fit",
        ),
        (["--role", "operator", "--email", "not-an-email"], "not a valid e-mail"),
        (
            [
                "--role",
                "operator",
                "--email",
                "x@example.com",
                "--password",
                "123456789012",
            ],
            "all digits",
        ),
        (
            ["--role", "operator", "--email", "x@example.com", "--password", "short"],
            "at least",
        ),
        (
            [
                "--role",
                "operator",
                "--email",
                "taken@example.com",
                "--password",
                "long-enough-1",
            ],
            "已注册",
        ),
    ],
)
def test_bad_input_fails_with_exit_code_1(
    app, db, create_org, create_user, args, message
):
    create_org(name="瓯海光学", type=OrgType.FIRM)
    create_user(role=Role.OPERATOR, email="taken@example.com")
    result = app.test_cli_runner().invoke(args=["users", "create", *args])
    assert result.exit_code == 1
    assert message in result.output
    assert _user(db, "x@example.com") is None


def test_unknown_role_is_a_usage_error(app, db):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "--role", "king", "--email", "k@example.com"]
    )
    assert result.exit_code != 0
    assert _user(db, "k@example.com") is None
