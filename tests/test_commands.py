"""The documented commands: seed-demo (idempotent), demo generate, migrations."""

from __future__ import annotations

import os
import subprocess
import sys

import sqlalchemy as sa

from marketplace.extensions import db as _db
from marketplace.models import Achievement, Deal, Need, Organization, User
from marketplace.services.models import Accreditation, Instrument, Offering, Provider
from marketplace.vouchers.eligibility import is_eligible

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _counts() -> dict[str, int]:
    return {
        m.__tablename__: _db.session.scalar(sa.select(sa.func.count()).select_from(m))
        for m in (
            Organization,
            User,
            Achievement,
            Need,
            Deal,
            Provider,
            Accreditation,
            Offering,
            Instrument,
        )
    }


def test_seed_demo_twice_leaves_the_same_counts(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    after_first = _counts()
    assert after_first["organizations"] >= 28
    assert after_first["achievements"] >= 120 and after_first["needs"] >= 60
    assert after_first["deals"] >= 4
    assert (
        _db.session.scalar(
            sa.select(sa.func.count()).select_from(User).where(User.role == "broker")
        )
        >= 3
    )
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert _counts() == after_first
    assert "new listings: 0, new deals: 0" in second.output


def test_seed_demo_loads_the_programmes_once(app, db, client):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    center = _db.session.scalar(
        sa.select(Organization).where(Organization.name == "温州市眼镜产品质量检验中心")
    )
    assert center is not None and center.is_verified
    provider = _db.session.scalar(
        sa.select(Provider).where(Provider.organization_id == center.id)
    )
    assert provider.kind == "testing" and provider.town == "louqiao"
    assert is_eligible(center.id)
    lapsed = {a.scheme: a.lapsed() for a in provider.accreditations}
    assert lapsed == {"CMA": False, "CNAS": True}
    offerings = {
        o.name: (o.standard, o.price_mode, o.price_fen) for o in provider.offerings
    }
    assert offerings["镜架镍释放检测"][:2] == ("EN 1811", "per_sample")
    assert offerings["盐雾试验"][:2] == ("GB/T 10125", "per_sample")
    assert offerings["3D打印打样"][1] == "per_hour"
    assert all(isinstance(fen, int) and fen > 0 for _s, _m, fen in offerings.values())
    box = _db.session.scalar(
        sa.select(Instrument).where(Instrument.owner_org_id == center.id)
    )
    assert box.name == "盐雾试验箱" and box.price_unit == "hour"
    assert box.unit_price_fen > 0 and box.opens_hour < box.closes_hour
    before = _counts()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert _counts() == before
    services_page = client.get("/services/").get_data(as_text=True)
    assert "镜架镍释放检测" in services_page and "盐雾试验" in services_page
    instruments_page = client.get("/instruments/").get_data(as_text=True)
    assert "盐雾试验箱" in instruments_page


def test_demo_generate_adds_synthetic_listings(app, db):
    result = app.test_cli_runner().invoke(
        args=["demo", "generate", "--achievements", "30", "--needs", "5"]
    )
    assert result.exit_code == 0, result.output
    counts = _counts()
    assert counts["achievements"] == 30 and counts["needs"] == 5


def _flask(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _scratch_database_url(tmp_path) -> str:
    """A database of its own for the migration run: a SQLite file, or a fresh PostgreSQL
    database beside TEST_DATABASE_URL's."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path / 'm.db'}"
    url = sa.engine.make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    scratch = f"{url.database}_migrations"
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{scratch}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{scratch}"'))
    engine.dispose()
    return url.set(database=scratch).render_as_string(hide_password=False)


def test_migrations_build_the_schema_and_match_the_models(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": _scratch_database_url(tmp_path),
        "INSTANCE_DIR": str(tmp_path),
        "SEARCH_WARM_UP": "0",
    }
    up = _flask(env, "db", "upgrade")
    assert up.returncode == 0, up.stderr
    check = _flask(env, "db", "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No new upgrade operations detected" in check.stdout + check.stderr
    down = _flask(env, "db", "downgrade", "base")
    assert down.returncode == 0, down.stderr
