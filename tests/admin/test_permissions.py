"""Who may open the operator's pages: a table of route × role."""

import pytest

from marketplace.accounts.models import Role

#: (method, path template); {org} and {user} are filled with real ids.
ADMIN_ROUTES = [
    ("GET", "/admin/"),
    ("GET", "/admin/organizations"),
    ("GET", "/admin/organizations/{org}"),
    ("POST", "/admin/organizations/{org}/verify"),
    ("GET", "/admin/users"),
    ("POST", "/admin/users/{user}/toggle"),
    ("GET", "/admin/staff/new"),
    ("POST", "/admin/staff/new"),
    ("GET", "/admin/audit"),
]

#: Expected status per role; anonymous visitors are sent to the login page.
EXPECTED = {None: 302, Role.FIRM: 403, Role.SUPPLIER: 403, Role.BROKER: 403}


@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
@pytest.mark.parametrize(
    "role", [None, Role.FIRM, Role.SUPPLIER, Role.BROKER, Role.OPERATOR]
)
def test_admin_route_permissions(
    client, db, create_user, create_org, login, method, path, role
):
    target_org = create_org(verified=False)
    target_user = create_user()
    if role is not None:
        login(create_user(role=role))
    url = path.format(org=target_org.id, user=target_user.id)
    response = client.open(url, method=method, data={})
    if role is None:
        assert response.status_code == 302
        assert "/account/login" in response.headers["Location"]
    elif role == Role.OPERATOR:
        # GETs render; POSTs with an empty form either redirect or re-show it (422).
        assert response.status_code in ((200,) if method == "GET" else (302, 422))
    else:
        assert response.status_code == EXPECTED[role]
        assert "您无权访问此页面" in response.get_data(as_text=True)
    if role != Role.OPERATOR:  # nothing changed for anyone else
        db.session.refresh(target_org)
        db.session.refresh(target_user)
        assert target_user.active
        assert str(target_org.verification) == "pending"


@pytest.mark.parametrize(
    "path",
    [
        "/admin/organizations/999999",
        "/admin/organizations/abc",
        "/admin/users/999999/toggle",
    ],
)
def test_operator_gets_404_for_missing_or_malformed_ids(
    client, create_user, login, path
):
    login(create_user(role=Role.OPERATOR))
    method = "POST" if path.endswith("toggle") else "GET"
    assert client.open(path, method=method).status_code == 404
