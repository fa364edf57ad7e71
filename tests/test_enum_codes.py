"""No code of the app's code tables reaches a page: every table cell shows a label.

The test collects every code the app stores (the values of its StrEnums and the keys of
its *_LABELS tables), fills the database with a deal that was signed and paid by bank
transfer plus listings in every state, then walks the pages as each kind of visitor:
every GET route without parameters and the links found on the pages (a few of each
pattern). A cell whose whole text is such a code is a leak.
"""

from __future__ import annotations

import io
import re
import sys
from enum import StrEnum
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

import marketplace.models  # noqa: F401  (loads every model module and its tables)
from marketplace.accounts.models import Role
from marketplace.listings.lifecycle import NeedStatus
from marketplace.payments.models import BankTransfer, LedgerEntry, PaymentRequest
from marketplace.search.service import sync_outbox
from tests.payments.conftest import deal, people, sign_contract  # noqa: F401

#: Pages that are not HTML or that end the session.
SKIP = re.compile(
    r"/logout|/static/|/files/|/api/|export|download|\.(csv|xlsx|pdf|json)|/checkout"
    r"|/stripe/|[?&]lang="
)
PER_PATTERN = 3
MAX_PAGES = 250


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def enum_codes() -> set[str]:
    """Codes that are not words a page may show as they are: snake_case or lower-case
    ASCII identifiers from the app's enums and label tables (numbers are left out)."""
    codes: set[str] = set()
    for enum_cls in _all_subclasses(StrEnum):
        if enum_cls.__module__.startswith("marketplace."):
            codes.update(m.value for m in enum_cls)
    for name, module in list(sys.modules.items()):
        if not name.startswith("marketplace.") or module is None:
            continue
        for attr, value in vars(module).items():
            if attr.endswith("_LABELS") and isinstance(value, dict):
                codes.update(k for k in value if isinstance(k, str))
    return {c for c in codes if re.fullmatch(r"[a-z][a-z0-9_]*", c)}


class _Cells(HTMLParser):
    """The text of every <td>, whitespace collapsed."""

    def __init__(self):
        super().__init__()
        self.cells: list[str] = []
        self._depth = 0
        self._text: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "td":
            self._depth += 1
            self._text = []
        elif tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)

    def handle_endtag(self, tag):
        if tag == "td" and self._depth:
            self._depth -= 1
            self.cells.append(" ".join("".join(self._text).split()))

    def handle_data(self, data):
        if self._depth:
            self._text.append(data)


def _pattern(path: str) -> str:
    return re.sub(r"\d+", "N", urlsplit(path).path)


def crawl(app, client) -> dict[str, list[str]]:
    """{url: cells that hold a bare code}, for every page reached."""
    codes = enum_codes()
    start = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or SKIP.search(rule.rule):
            continue
        # Routes with ids: the first rows of each table (the fixture made a few).
        for n in (1, 2) if rule.arguments else (None,):
            url = re.sub(r"<int:[^>]+>", str(n), rule.rule)
            if "<" not in url:
                start.append(url)
    start = list(dict.fromkeys(start))
    queue, seen, per_pattern = list(start), set(start), {}
    leaks: dict[str, list[str]] = {}
    visited = 0
    while queue and visited < MAX_PAGES:
        url = queue.pop(0)
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        visited += 1
        parser = _Cells()
        parser.feed(response.get_data(as_text=True))
        bad = [c for c in parser.cells if c in codes]
        if bad:
            leaks[url] = bad
        for href in parser.links:
            parts = urlsplit(href)
            if parts.netloc or not parts.path.startswith("/") or SKIP.search(href):
                continue
            link = parts.path + (f"?{parts.query}" if parts.query else "")
            pattern = _pattern(link)
            if link in seen or per_pattern.get(pattern, 0) >= PER_PATTERN:
                continue
            seen.add(link)
            per_pattern[pattern] = per_pattern.get(pattern, 0) + 1
            queue.append(link)
    assert visited > 10, "the walk reached too few pages to mean anything"
    return leaks


@pytest.fixture
def market(app, db, people, deal, sign_contract, create_need, create_achievement):  # noqa: F811
    """A signed deal whose price was paid by a confirmed bank transfer, and listings."""
    sign_contract()
    req = db.session.scalars(
        sa.select(PaymentRequest).where(PaymentRequest.kind == "lump_sum")
    ).one()
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    firm = app.test_client()
    firm.post(
        "/account/login",
        data={"email": people.firm.email, "password": "pass-word-123"},
    )
    assert (
        firm.post(
            f"/payments/{req.id}/transfer",
            data={"receipt": (io.BytesIO(pdf), "回单.pdf"), "reference": "工行 1234"},
            content_type="multipart/form-data",
        ).status_code
        == 302
    )
    transfer = db.session.scalars(sa.select(BankTransfer)).one()
    op = app.test_client()
    op.post(
        "/account/login",
        data={"email": people.operator.email, "password": "pass-word-123"},
    )
    assert (
        op.post(
            f"/payments/transfers/{transfer.id}/confirm",
            data={"received": "100000", "note": "部分到账"},
        ).status_code
        == 302
    )
    assert db.session.scalars(sa.select(LedgerEntry.method)).all() == ["bank"]
    firm_org = people.firm.organization
    for status in (
        NeedStatus.SUBMITTED,
        NeedStatus.TRANSLATING,
        NeedStatus.AWAITING_APPROVAL,
        NeedStatus.APPROVED,
        NeedStatus.PUBLISHED,
    ):
        create_need(org=firm_org, status=status, broker_id=people.broker.id)
    create_achievement(org=people.supplier.organization, status="in_review")
    create_achievement(org=people.supplier.organization, status="draft")
    sync_outbox()
    return req


ROLES = ["firm", "supplier", "broker", "operator", None]


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
@pytest.mark.parametrize("who", ROLES)
def test_no_table_cell_shows_a_bare_code(app, db, people, market, login, who, lang):  # noqa: F811, E501
    client = app.test_client()
    if who is not None:
        login(getattr(people, who), c=client)
    client.get(f"/?lang={lang}")
    assert client.get(f"/payments/{market.id}").status_code in (200, 302, 403, 404)
    leaks = crawl(app, client)
    assert not leaks, leaks


def test_the_walk_finds_a_leak_where_there_is_one(app, db, people, market, login):  # noqa: F811
    """The bank transfer's method code, shown raw, is what issue 12 saw: the check
    catches it on the payment page."""
    client = app.test_client()
    login(people.operator, c=client)
    html = client.get(f"/payments/{market.id}").get_data(as_text=True)
    cells = _Cells()
    cells.feed(html)
    assert "对公转账" in cells.cells
    assert "bank" in enum_codes() and "bank" not in cells.cells


def test_codes_cover_the_enums_and_label_tables():
    codes = enum_codes()
    assert {"bank", "stripe", "lump_sum", "awaiting_approval", "surface_treatment"} <= (
        codes
    )
    assert Role.BROKER.value in codes
