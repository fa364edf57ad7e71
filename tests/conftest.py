"""Shared fixtures: an app on a real database (SQLite file or TEST_DATABASE_URL), a clean
database per test, a test client, login helpers and the factory fixtures."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from flask import g, has_app_context
from flask.testing import FlaskClient

from marketplace import create_app
from marketplace.config import TestingConfig
from marketplace.extensions import db as _db

pytest_plugins = [
    "tests.fixtures.factories",
    "tests.fixtures.services",
    "tests.fixtures.browser",
]

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


def _database_url(tmp_path_factory) -> str:
    if not TEST_DATABASE_URL:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    url = sa.engine.make_url(
        TEST_DATABASE_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    )
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        # Each xdist worker gets a database of its own beside the given one.
        own = f"{url.database}_{worker}"
        engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            exists = conn.scalar(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": own}
            )
            if not exists:
                conn.execute(sa.text(f'CREATE DATABASE "{own}"'))
        engine.dispose()
        url = url.set(database=own)
    return url.render_as_string(hide_password=False)


def pytest_report_header(config):
    return f"database: {'PostgreSQL ' + TEST_DATABASE_URL if TEST_DATABASE_URL else 'SQLite'}"


@pytest.fixture(scope="session")
def app_config(tmp_path_factory) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path_factory),
        "UPLOAD_DIR": str(tmp_path_factory.mktemp("uploads")),
        "SEARCH_INDEX_DIR": str(tmp_path_factory.mktemp("index")),
    }


class IsolatedClient(FlaskClient):
    """A test client whose requests do not share `g`.

    The `db` fixture keeps an app context pushed for the whole test and Flask reuses a
    pushed app context for requests, so `g` (where Flask-Login caches the user and
    Flask-Babel the locale) would leak from one request, or client, into the next.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            g.__dict__.clear()
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(app_config):
    app = create_app(TestingConfig, **app_config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        _db.drop_all()
        _db.create_all()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


def _empty_tables() -> None:
    tables = [t.name for t in reversed(_db.metadata.sorted_tables)]
    if _db.engine.dialect.name == "postgresql":
        _db.session.execute(
            sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        )
    else:
        for name in tables:
            _db.session.execute(sa.text(f"DELETE FROM {name}"))  # noqa: S608
    _db.session.commit()


@pytest.fixture
def db(app, tmp_path):
    """The database, emptied before each test, and a fresh search index directory;
    the app context is pushed."""
    from marketplace.search.service import reset_index

    saved_index_dir = app.config["SEARCH_INDEX_DIR"]
    app.config["SEARCH_INDEX_DIR"] = str(tmp_path / "index")
    with app.app_context():
        _empty_tables()
        yield _db
        _db.session.rollback()
        _db.session.remove()
    reset_index(app.config["SEARCH_INDEX_DIR"])
    app.config["SEARCH_INDEX_DIR"] = saved_index_dir


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def login(client):
    """Log `user` in through the real login form; returns the response."""

    def do_login(user, password: str = "pass-word-123", c=None):
        c = c or client
        return c.post(
            "/account/login",
            data={"email": user.email, "password": password},
            follow_redirects=False,
        )

    return do_login
