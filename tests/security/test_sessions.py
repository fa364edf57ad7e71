"""Sessions end on the server (issue 12 item 2): a copied session or remember-me cookie
stops working after logout, a password change elsewhere, a reset, ending it from the
account page, and (for staff, sooner) after sitting idle."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.accounts import tokens
from marketplace.accounts.models import Role, User, UserSession
from marketplace.core.timeutil import utcnow
from tests.accounts.helpers import GOOD_PASSWORD

PASSWORD = "pass-word-123"
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
)


def _sign_in(app, user, remember: bool = False, user_agent: str | None = None):
    """A fresh browser (test client) signed in through the real form."""
    c = app.test_client()
    headers = {"User-Agent": user_agent} if user_agent else {}
    data = {"email": user.email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = c.post("/account/login", data=data, headers=headers)
    assert response.status_code == 302
    return c


def _copy(app, source, names=("session",)):
    """Another browser holding copies of `source`'s cookies (same User-Agent)."""
    thief = app.test_client()
    for name in names:
        cookie = source.get_cookie(name)
        assert cookie is not None, name
        thief.set_cookie(name, cookie.value)
    return thief


def _signed_in(c) -> bool:
    response = c.get("/account/profile")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def _rows(db, user) -> list[UserSession]:
    db.session.expire_all()
    return db.session.scalars(
        sa.select(UserSession).where(UserSession.user_id == user.id)
    ).all()


def test_the_cookie_holds_a_session_token_not_the_user_id(app, db, create_user):
    user = create_user()
    browser = _sign_in(app, user)
    with browser.session_transaction() as sess:
        alt_id = sess["_user_id"]
    assert alt_id != str(user.id) and alt_id.startswith("s1.")
    (row,) = _rows(db, user)
    # Only its hash is stored.
    assert alt_id not in row.token_hash and len(row.token_hash) == 64


def test_copied_cookie_stops_working_after_logout(app, db, create_user):
    user = create_user()
    browser = _sign_in(app, user)
    thief = _copy(app, browser)
    assert _signed_in(thief)
    browser.post("/account/logout")
    assert not _signed_in(browser)
    assert not _signed_in(thief)
    assert _rows(db, user)[0].ended_at is not None


def test_password_change_ends_every_other_session_and_remember_cookie(
    app, db, create_user
):
    user = create_user()
    laptop = _sign_in(app, user, remember=True)
    stolen_session = _copy(app, laptop)
    stolen_remember = _copy(app, laptop, names=("remember_token",))
    assert _signed_in(stolen_session) and _signed_in(stolen_remember)
    phone = _sign_in(app, user)

    response = phone.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "password": GOOD_PASSWORD,
            "confirm": GOOD_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert _signed_in(phone)  # the browser that changed it stays signed in
    for other in (laptop, stolen_session, stolen_remember):
        assert not _signed_in(other)


def test_password_reset_ends_every_session(app, db, create_user):
    user = create_user()
    browser = _sign_in(app, user, remember=True)
    thief = _copy(app, browser, names=("session", "remember_token"))
    token = tokens.make_token(user)
    anonymous = app.test_client()
    done = anonymous.post(
        f"/account/reset/{token}",
        data={"password": GOOD_PASSWORD, "confirm": GOOD_PASSWORD},
    )
    assert done.status_code == 302
    assert not _signed_in(browser)
    assert not _signed_in(thief)
    assert all(r.ended_at is not None for r in _rows(db, user))


def test_remember_cookie_alone_signs_in_until_logout(app, db, create_user):
    user = create_user()
    browser = _sign_in(app, user, remember=True)
    remembered = _copy(app, browser, names=("remember_token",))
    assert _signed_in(remembered)
    value = browser.get_cookie("remember_token").value
    browser.post("/account/logout")
    assert not _signed_in(remembered)
    later = app.test_client()
    later.set_cookie("remember_token", value)
    assert not _signed_in(later)


def test_account_page_lists_sessions_and_ends_one(app, db, create_user):
    user = create_user()
    office = _sign_in(app, user, user_agent=CHROME)
    home = _sign_in(app, user)
    page = home.get("/account/profile").get_data(as_text=True)
    assert "Chrome 120 · Windows 10" in page
    assert "当前设备" in page
    assert "127.0.0.1" in page
    office_row = next(r for r in _rows(db, user) if r.user_agent == CHROME)
    # Last seen is shown in Beijing time (UTC+8).
    shown = (office_row.last_seen_at + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")
    assert shown in page
    assert len(re.findall(r"/account/sessions/\d+/end", page)) == 2

    response = home.post(f"/account/sessions/{office_row.id}/end")
    assert response.status_code == 302
    assert not _signed_in(office)
    assert _signed_in(home)


def test_end_all_other_sessions(app, db, create_user):
    user = create_user()
    others = [_sign_in(app, user) for _ in range(3)]
    me = _sign_in(app, user)
    assert me.post("/account/sessions/end-others").status_code == 302
    assert _signed_in(me)
    assert not any(_signed_in(o) for o in others)


def test_ending_the_current_session_signs_out(app, db, create_user):
    user = create_user()
    me = _sign_in(app, user)
    (row,) = _rows(db, user)
    assert me.post(f"/account/sessions/{row.id}/end").status_code == 302
    assert not _signed_in(me)


def test_someone_elses_session_cannot_be_ended(app, db, create_user):
    victim, attacker = create_user(), create_user()
    victims_browser = _sign_in(app, victim)
    (row,) = _rows(db, victim)
    mine = _sign_in(app, attacker)
    assert mine.post(f"/account/sessions/{row.id}/end").status_code == 404
    assert mine.post("/account/sessions/999999/end").status_code == 404
    assert _signed_in(victims_browser)


def _idle(db, user, **delta) -> None:
    for row in _rows(db, user):
        row.last_seen_at = utcnow() - timedelta(**delta)
    db.session.commit()


@pytest.mark.parametrize("role", [Role.BROKER, Role.OPERATOR])
def test_staff_sessions_end_after_the_staff_idle_time(app, db, create_user, role):
    staff = create_user(role=role)
    browser = _sign_in(app, staff, remember=True)
    _idle(db, staff, minutes=app.config["STAFF_SESSION_IDLE_MINUTES"] - 5)
    assert _signed_in(browser)
    _idle(db, staff, minutes=app.config["STAFF_SESSION_IDLE_MINUTES"] + 1)
    assert not _signed_in(browser)
    # The remember-me cookie does not bring it back.
    assert not _signed_in(_copy(app, browser, names=("remember_token",)))


def test_other_users_keep_the_longer_idle_time(app, db, create_user):
    firm_user = create_user(role=Role.FIRM)
    browser = _sign_in(app, firm_user)
    _idle(db, firm_user, minutes=app.config["STAFF_SESSION_IDLE_MINUTES"] + 60)
    assert _signed_in(browser)
    _idle(db, firm_user, days=app.config["SESSION_IDLE_DAYS"], minutes=1)
    assert not _signed_in(browser)


def test_staff_idle_time_is_a_setting(app, db, create_user):
    broker = create_user(role=Role.BROKER)
    browser = _sign_in(app, broker)
    saved = app.config["STAFF_SESSION_IDLE_MINUTES"]
    app.config["STAFF_SESSION_IDLE_MINUTES"] = 10
    try:
        _idle(db, broker, minutes=11)
        assert not _signed_in(browser)
    finally:
        app.config["STAFF_SESSION_IDLE_MINUTES"] = saved


def test_last_seen_is_written_at_most_once_a_minute(app, db, create_user):
    user = create_user()
    browser = _sign_in(app, user)
    first = _rows(db, user)[0].last_seen_at
    for _ in range(3):
        assert _signed_in(browser)
    assert _rows(db, user)[0].last_seen_at == first
    _idle(db, user, minutes=2)
    assert _signed_in(browser)
    assert utcnow() - _rows(db, user)[0].last_seen_at < timedelta(seconds=30)


def test_disabled_account_is_signed_out(app, db, create_user):
    user = create_user()
    browser = _sign_in(app, user)
    db.session.get(User, user.id).active = False
    db.session.commit()
    assert not _signed_in(browser)


def _cookies(response) -> str:
    jar = []
    for header in response.headers.get_all("Set-Cookie"):
        pair = header.split(";", 1)[0]
        if pair.split("=", 1)[1]:
            jar.append(pair)
    return "; ".join(jar)


def test_copied_cookie_dies_with_logout_on_a_served_app(make_served, create_user):
    """Raw HTTP against a real server: the stolen Cookie header is refused after logout."""
    user = create_user()
    served = make_served(PROXY_FIX=True)
    login = served.request(
        "POST", "/account/login", {"email": user.email, "password": PASSWORD}
    )
    assert login.status == 302
    cookie = _cookies(login)
    assert (
        served.request("GET", "/account/profile", headers={"Cookie": cookie}).status
        == 200
    )
    logout = served.request("POST", "/account/logout", {}, {"Cookie": cookie})
    assert logout.status == 302
    stolen = served.request("GET", "/account/profile", headers={"Cookie": cookie})
    assert stolen.status == 302
    assert "/account/login" in stolen.getheader("Location")
