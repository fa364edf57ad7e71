"""The demo JSON files and the synthetic generator: shape, coherence and determinism.

No Flask: synth.py is loaded from its file, as a standalone benchmark would; it then
imports its sibling modules (synth_orgs, synth_listings, synth_common) by itself.
What it must emit is checked against the app's own vocabulary (core.domain).
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from marketplace.core.domain import CooperationMode, Field, IpForm, PricingMode

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "marketplace" / "demo" / "data"

SYNTH_PATH = ROOT / "marketplace" / "demo" / "synth.py"

_spec = importlib.util.spec_from_file_location("demo_synth", SYNTH_PATH)
synth = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(synth)

# The app's own vocabulary (the generator emits no "other" field).
FIELD_CODES = {f.value for f in Field} - {Field.OTHER.value}
IP_FORMS = {f.value for f in IpForm}
PATENT_FORMS = {"invention_patent": "1", "utility_model": "2", "design_patent": "3"}
COOP = {m.value for m in CooperationMode}
PRICING = {m.value for m in PricingMode}
ACHIEVEMENT_KEYS = {
    "external_ref",
    "organization",
    "title",
    "summary",
    "detail",
    "field",
    "keywords",
    "trl",
    "ip_form",
    "patent_number",
    "patent_status",
    "patent_filing_date",
    "inventors",
    "cooperation_modes",
    "pricing_mode",
    "price_fen",
    "indicators",
    "application_scenarios",
    "valid_until",
    "status",
}
NEED_KEYS = {
    "external_ref",
    "organization",
    "title",
    "description",
    "budget_min_fen",
    "budget_max_fen",
    "deadline",
    "cooperation_modes",
    "confidential",
    "trl_min",
    "translation",
    "status",
}
TRANSLATION_KEYS = {
    "technical_problem",
    "indicators",
    "existing_conditions",
    "field",
    "keywords",
}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# GB 32100-2015, written out again here so the test does not trust the code it checks.
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def credit_code_is_valid(code: str) -> bool:
    if len(code) != 18 or any(c not in CHARSET for c in code):
        return False
    s = sum(CHARSET.index(c) * w for c, w in zip(code[:17], WEIGHTS, strict=True))
    check = 31 - s % 31
    return code[17] == CHARSET[0 if check == 31 else check]


def patent_number_is_valid(number: str) -> bool:
    m = re.fullmatch(r"CN(\d{12})\.([0-9X])", number)
    if not m:
        return False
    s = sum(
        int(d) * w
        for d, w in zip(m[1], [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5], strict=True)
    )
    return m[2] == ("X" if s % 11 == 10 else str(s % 11))


def load(name: str) -> list[dict]:
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def demo():
    return {n: load(n) for n in ("organizations", "users", "achievements", "needs")}


# ---- helpers shared by demo and synthetic records


def check_achievement(a: dict, suppliers: dict[str, dict]) -> None:
    assert a.keys() >= ACHIEVEMENT_KEYS, a["external_ref"]
    assert a["organization"] in suppliers
    assert a["field"] in FIELD_CODES
    assert a["ip_form"] in IP_FORMS
    assert 1 <= a["trl"] <= 9
    assert 3 <= len(a["keywords"]) <= 6
    assert sum(i["share"] for i in a["inventors"]) == 100
    assert all(isinstance(i["share"], int) and i["share"] > 0 for i in a["inventors"])
    assert set(a["cooperation_modes"]) <= COOP and a["cooperation_modes"]
    assert a["pricing_mode"] in PRICING
    assert (a["price_fen"] is None) == (a["pricing_mode"] == "negotiable")
    if suppliers[a["organization"]]["state_funded"]:
        assert a["pricing_mode"] != "negotiable"
    assert DATE.match(a["valid_until"])
    for ind in a["indicators"]:
        assert {"name", "value", "unit", "test_method"} <= ind.keys()
    if a["ip_form"] in PATENT_FORMS:
        assert a["patent_status"] in {"pending", "granted", "lapsed"}
        assert patent_number_is_valid(a["patent_number"]), a["patent_number"]
        assert DATE.match(a["patent_filing_date"])
        assert a["patent_number"][2:6] == a["patent_filing_date"][:4]
        assert a["patent_number"][6] == PATENT_FORMS[a["ip_form"]]
    else:
        assert (
            a["patent_number"] is a["patent_status"] is a["patent_filing_date"] is None
        )


def check_need(n: dict, firms: set[str]) -> None:
    assert n.keys() >= NEED_KEYS, n["external_ref"]
    assert n["organization"] in firms
    assert 0 < n["budget_min_fen"] <= n["budget_max_fen"]
    assert DATE.match(n["deadline"])
    assert set(n["cooperation_modes"]) <= COOP and n["cooperation_modes"]
    assert n["trl_min"] is None or 1 <= n["trl_min"] <= 9
    tr = n["translation"]
    if tr is not None:
        assert tr.keys() >= TRANSLATION_KEYS
        assert tr["field"] in FIELD_CODES
        assert tr["keywords"] and tr["technical_problem"]
        for ind in tr["indicators"]:
            assert {"name", "target", "unit", "test_method"} <= ind.keys()


# ---- the curated demo data


def test_demo_organizations_have_valid_codes_and_counts(demo):
    orgs = demo["organizations"]
    assert len({o["name"] for o in orgs}) == len(orgs)
    assert all(credit_code_is_valid(o["credit_code"]) for o in orgs)
    assert len({o["credit_code"] for o in orgs}) == len(orgs)
    types = Counter(o["type"] for o in orgs)
    assert types["firm"] >= 20
    assert len(orgs) - types["firm"] >= 8
    assert set(types) <= {"university", "institute", "tto", "firm"}
    firms = [o for o in orgs if o["type"] == "firm"]
    assert sum(o["verification"] == "pending" for o in firms) == 2
    assert all(o["credit_code"].startswith("91330304") for o in firms)
    assert all(o["verification"] in {"verified", "pending"} for o in orgs)
    assert all(o["contact_email"].endswith(".example") for o in orgs)


def test_demo_users_reference_real_organizations_and_documented_logins(demo):
    orgs = {o["name"]: o for o in demo["organizations"]}
    users = demo["users"]
    by_email = {u["email"]: u for u in users}
    assert len(by_email) == len(users)
    for u in users:
        assert u["email"].endswith(".example")
        assert u["role"] in {"supplier", "firm", "broker", "operator"}
        if u["role"] in {"broker", "operator"}:
            assert u["org"] is None
        else:
            org = orgs[u["org"]]
            assert (org["type"] == "firm") == (u["role"] == "firm")
    assert {u["org"] for u in users if u["org"]} == set(orgs), (
        "every organisation has a member"
    )
    brokers = [u for u in users if u["role"] == "broker"]
    assert len(brokers) == 3
    assert all(b["fields"] and set(b["fields"]) <= FIELD_CODES for b in brokers)
    assert set().union(*(b["fields"] for b in brokers)) == FIELD_CODES
    assert [u["role"] for u in users].count("operator") == 1
    logins = {
        "operator@ouhai.example": ("operator", "demo-operator-2026"),
        "broker1@ouhai.example": ("broker", "demo-broker-2026"),
        "broker2@ouhai.example": ("broker", "demo-broker-2026"),
        "broker3@ouhai.example": ("broker", "demo-broker-2026"),
        "tto@wmu.example": ("supplier", "demo-supplier-2026"),
        "firm@mingshi.example": ("firm", "demo-firm-2026"),
    }
    for email, (role, password) in logins.items():
        assert (by_email[email]["role"], by_email[email]["password"]) == (
            role,
            password,
        )
    assert by_email["firm@mingshi.example"]["org"] == "温州明视眼镜有限公司"


def test_demo_achievements_are_coherent(demo):
    suppliers = {o["name"]: o for o in demo["organizations"] if o["type"] != "firm"}
    achievements = demo["achievements"]
    assert len(achievements) >= 120
    assert len({a["external_ref"] for a in achievements}) == len(achievements)
    for a in achievements:
        check_achievement(a, suppliers)
        assert 80 <= len(a["summary"]) <= 250, a["external_ref"]
        assert 100 <= len(a["detail"]) <= 300, a["external_ref"]
        assert a["status"] in {"published", "draft", "in_review"}
    assert set(Counter(a["field"] for a in achievements)) == FIELD_CODES
    english = [a for a in achievements if a["title"].isascii()]
    assert 0.07 <= len(english) / len(achievements) <= 0.15
    statuses = Counter(a["status"] for a in achievements)
    assert statuses["published"] >= 100 and statuses["draft"] and statuses["in_review"]


def test_demo_needs_are_coherent(demo):
    firms = {o["name"] for o in demo["organizations"] if o["type"] == "firm"}
    needs = demo["needs"]
    assert len(needs) >= 60
    assert len({n["external_ref"] for n in needs}) == len(needs)
    for n in needs:
        check_need(n, firms)
        translated = n["status"] in {"published", "awaiting_approval"}
        assert (n["translation"] is not None) == translated, n["external_ref"]
        assert n["status"] in {
            "published",
            "submitted",
            "translating",
            "awaiting_approval",
        }
    published = [n for n in needs if n["status"] == "published"]
    assert 40 <= len(published) <= 50
    assert any(n["title"].isascii() for n in needs)


def test_every_published_need_has_a_plausible_achievement(demo):
    achievements = [a for a in demo["achievements"] if a["status"] == "published"]
    for n in demo["needs"]:
        tr = n["translation"]
        if n["status"] != "published" or not tr:
            continue
        same_field = [a for a in achievements if a["field"] == tr["field"]]
        assert any(set(tr["keywords"]) & set(a["keywords"]) for a in same_field), n[
            "title"
        ]


# ---- the synthetic generator


def test_credit_code_check_char_matches_the_standard():
    for first17 in ("91330304MA2H12345", "12330000470000000", "52330304MJ1234567"):
        code = first17 + synth.credit_code_check_char(first17)
        assert credit_code_is_valid(code)
    with pytest.raises(ValueError):
        synth.credit_code_check_char("123")


def test_generate_organizations_is_deterministic_and_valid():
    orgs = synth.generate_organizations(200, seed=3)
    assert orgs == synth.generate_organizations(200, seed=3)
    assert orgs != synth.generate_organizations(200, seed=4)
    assert len(orgs) == 200 and len({o["name"] for o in orgs}) == 200
    keys = set(load("organizations")[0])
    for o in orgs:
        assert set(o) == keys
        assert credit_code_is_valid(o["credit_code"]), o["credit_code"]
        assert o["type"] in {"university", "institute", "tto", "firm"}
        assert o["state_funded"] == (o["type"] != "firm")
    assert 40 <= sum(o["type"] != "firm" for o in orgs) <= 60


@pytest.mark.parametrize("kind", ["achievement", "need"])
def test_generate_listings_is_deterministic_per_seed(kind):
    first = list(synth.generate_listings(kind, 300, seed=11))
    assert first == list(synth.generate_listings(kind, 300, seed=11))
    assert first != list(synth.generate_listings(kind, 300, seed=12))


@pytest.mark.parametrize("kind,prefix", [("achievement", "SYN-A-"), ("need", "SYN-N-")])
def test_generate_listings_counts_and_refs(kind, prefix):
    items = list(synth.generate_listings(kind, 2500, seed=1))
    assert len(items) == 2500
    refs = [i["external_ref"] for i in items]
    assert refs[0] == f"{prefix}000001" and refs[-1] == f"{prefix}002500"
    assert len(set(refs)) == len(refs)
    assert all(i["kind"] == kind for i in items)
    assert list(synth.generate_listings(kind, 0)) == []


def test_synthetic_achievements_have_the_demo_shape():
    orgs = synth.generate_organizations(synth.ORG_POOL_SIZE, seed=5)
    suppliers = {o["name"]: o for o in orgs if o["type"] != "firm"}
    items = list(synth.generate_listings("achievement", 3000, seed=5))
    for a in items:
        check_achievement(a, suppliers)
    assert {a["field"] for a in items} == FIELD_CODES
    english = sum(a["title"].isascii() for a in items) / len(items)
    assert 0.05 < english < 0.15
    assert len({a["summary"] for a in items}) > 0.95 * len(items)


def test_synthetic_needs_have_the_demo_shape():
    orgs = synth.generate_organizations(synth.ORG_POOL_SIZE, seed=5)
    firms = {o["name"] for o in orgs if o["type"] == "firm"}
    items = list(synth.generate_listings("need", 3000, seed=5))
    for n in items:
        check_need(n, firms)
        assert n["translation"] is not None and n["status"] == "published"
    assert {n["translation"]["field"] for n in items} == FIELD_CODES


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        next(synth.generate_listings("patent", 1))


def test_loading_by_path_imports_neither_flask_nor_the_app_package(tmp_path):
    # A fresh interpreter outside the repo: this one has imported Flask through conftest.
    code = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('s', {str(SYNTH_PATH)!r})\n"
        "synth = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(synth)\n"
        "orgs = synth.generate_organizations(synth.ORG_POOL_SIZE, seed=2)\n"
        "need = next(synth.generate_listings('need', 1, seed=2))\n"
        "assert need['organization'] in {o['name'] for o in orgs}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('flask', 'marketplace', 'sqlalchemy')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_path_loaded_generator_equals_the_app_one():
    from marketplace.demo import synth as app_synth

    assert app_synth.__name__ == "marketplace.demo.synth"
    assert app_synth.generate_listings is not synth.generate_listings
    for name in app_synth.__all__:
        if name.isupper():
            assert getattr(app_synth, name) == getattr(synth, name), name
    assert app_synth.generate_organizations(50, seed=9) == synth.generate_organizations(
        50, seed=9
    )
    for kind in ("achievement", "need"):
        assert list(app_synth.generate_listings(kind, 200, seed=9)) == list(
            synth.generate_listings(kind, 200, seed=9)
        )
