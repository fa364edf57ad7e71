"""瓯海科技大市场: the application factory."""

from __future__ import annotations

import logging

from flask import Flask

from .config import PROJECT_ROOT, Config


def create_app(config: type[Config] | None = None, **overrides) -> Flask:
    """Build the app: config, extensions, blueprints, CLI, then the web plumbing."""
    # Every import below stays inside the factory, on purpose: `import marketplace.x`
    # runs this module first, and importing the features here at module level would
    # load the whole app for a plain `from marketplace.core import money`.
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        instance_path=str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
    )
    app.config.from_object(config or Config)
    app.config.update(overrides)

    from .core.web import BoundedIntConverter

    # Before any route: ids beyond the database's integer range are simply not found.
    app.url_map.converters["int"] = BoundedIntConverter

    from .core import logs

    logs.init_app(app)

    from .extensions import babel, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)

    from .core import i18n

    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=None)

    from . import models  # noqa: F401  (every table registered for Alembic)
    from .accounts import auth, sessions

    login_manager.init_app(app)
    auth.init_login(login_manager)
    sessions.init_app(app)

    from .accounts import bp as accounts_bp
    from .achievements import bp as achievements_bp
    from .admin import bp as admin_bp
    from .core import bp as core_bp
    from .legal import bp as legal_bp
    from .needs import bp as needs_bp
    from .notifications import bp as notifications_bp
    from .search import bp as search_bp
    from .uploads import bp as uploads_bp

    app.register_blueprint(core_bp)
    app.register_blueprint(accounts_bp, url_prefix="/account")
    app.register_blueprint(achievements_bp, url_prefix="/achievements")
    app.register_blueprint(needs_bp, url_prefix="/needs")
    app.register_blueprint(uploads_bp, url_prefix="/files")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(legal_bp, url_prefix="/nda")
    app.register_blueprint(search_bp, url_prefix="/search")
    app.register_blueprint(notifications_bp, url_prefix="/notifications")

    from .deals import bp as deals_bp
    from .deals import notices_bp

    app.register_blueprint(deals_bp, url_prefix="/deals")
    app.register_blueprint(notices_bp, url_prefix="/notices")

    from .contracts import bp as contracts_bp
    from .evaluation import bp as evaluation_bp

    app.register_blueprint(evaluation_bp, url_prefix="/evaluations")
    app.register_blueprint(contracts_bp, url_prefix="/contracts")

    from .challenges import bp as challenges_bp
    from .experts import bp as experts_bp

    app.register_blueprint(experts_bp, url_prefix="/experts")
    app.register_blueprint(challenges_bp, url_prefix="/challenges")

    from .api import bp as api_bp
    from .api import tokens_bp

    # Bearer tokens, never cookies, authenticate the API: no CSRF to protect against.
    csrf.exempt(api_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(tokens_bp, url_prefix="/account/tokens")

    from .payments import bp as payments_bp
    from .payments import hooks as payment_hooks
    from .vouchers import bp as vouchers_bp

    app.register_blueprint(payments_bp, url_prefix="/payments")
    app.register_blueprint(vouchers_bp, url_prefix="/vouchers")

    from .services import bp as services_bp
    from .services import claims_bp, instruments_bp

    app.register_blueprint(services_bp, url_prefix="/services")
    app.register_blueprint(instruments_bp, url_prefix="/instruments")
    app.register_blueprint(claims_bp, url_prefix="/vouchers/claims")
    payment_hooks.init_app(app)

    from .firms import checkups_bp, digest_bp, events_bp, finance_bp, roster_bp

    app.register_blueprint(roster_bp, url_prefix="/roster")
    app.register_blueprint(checkups_bp, url_prefix="/checkups")
    app.register_blueprint(finance_bp, url_prefix="/finance")
    app.register_blueprint(events_bp, url_prefix="/events")
    app.register_blueprint(digest_bp, url_prefix="/digest")

    from .bulk import bp as bulk_bp
    from .dashboard import bp as dashboard_bp
    from .dashboard import stats_bp

    app.register_blueprint(dashboard_bp, url_prefix="/dashboard")
    app.register_blueprint(stats_bp, url_prefix="/stats")
    app.register_blueprint(bulk_bp, url_prefix="/bulk")

    from .pages import bp as pages_bp

    app.register_blueprint(pages_bp)

    from . import search

    search.init_app(app)

    from .core import mail_sender

    mail_sender.init_app(app)

    from .core import web

    web.init_app(app)

    from . import cli

    cli.init_app(app)

    logging.getLogger(__name__).debug("app created")
    return app
