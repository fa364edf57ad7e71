"""firms (issue 18): roster, outreach, check-ups, technology finance, roadshows, digests

Revision ID: i18_firms
Revises: h8_daily_stats
Create Date: 2026-12-04 01:15:27.737696

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "i18_firms"
down_revision = "h8_daily_stats"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "finance_institutions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("kinds", sa.JSON(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_finance_institutions_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finance_institutions")),
        sa.UniqueConstraint(
            "organization_id", name=op.f("uq_finance_institutions_organization_id")
        ),
    )
    op.create_table(
        "roster_firms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=True),
        sa.Column("town", sa.String(length=60), nullable=False),
        sa.Column("products", sa.String(length=500), nullable=False),
        sa.Column(
            "size",
            sa.Enum(
                "micro",
                "small",
                "medium",
                "large",
                name="firmsize",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_roster_firms_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_firms")),
        sa.UniqueConstraint("credit_code", name=op.f("uq_roster_firms_credit_code")),
        sa.UniqueConstraint("name", name=op.f("uq_roster_firms_name")),
    )
    with op.batch_alter_table("roster_firms", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_roster_firms_organization_id"),
            ["organization_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_roster_firms_town"), ["town"], unique=False
        )

    op.create_table(
        "digest_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_digest_notes_author_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_notes")),
        sa.UniqueConstraint("week_start", name=op.f("uq_digest_notes_week_start")),
    )
    op.create_table(
        "digest_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("last_week_sent", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_digest_subscriptions_user_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_subscriptions")),
        sa.UniqueConstraint("user_id", name=op.f("uq_digest_subscriptions_user_id")),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("online_link", sa.String(length=300), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("programme", sa.Text(), nullable=False),
        sa.Column("slot_minutes", sa.Integer(), nullable=False),
        sa.Column("slots", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_events_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    op.create_table(
        "finance_products",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "ip_pledge",
                "tech_loan",
                "equity",
                name="financekind",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("amount_min_fen", sa.BigInteger(), nullable=True),
        sa.Column("amount_max_fen", sa.BigInteger(), nullable=True),
        sa.Column("term_months", sa.Integer(), nullable=True),
        sa.Column("conditions", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["finance_institutions.id"],
            name=op.f("fk_finance_products_institution_id_finance_institutions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finance_products")),
    )
    with op.batch_alter_table("finance_products", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_finance_products_institution_id"),
            ["institution_id"],
            unique=False,
        )

    op.create_table(
        "roster_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_roster_imports_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_imports")),
    )
    with op.batch_alter_table("roster_imports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_roster_imports_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "roster_outreach",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("contact", sa.String(length=120), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("next_step", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["roster_firms.id"],
            name=op.f("fk_roster_outreach_firm_id_roster_firms"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_roster_outreach_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_outreach")),
    )
    with op.batch_alter_table("roster_outreach", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_roster_outreach_firm_id"), ["firm_id"], unique=False
        )

    op.create_table(
        "checkups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("roster_firm_id", sa.Integer(), nullable=True),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("staff", sa.Integer(), nullable=False),
        sa.Column("rd_staff", sa.Integer(), nullable=False),
        sa.Column("revenue_fen", sa.BigInteger(), nullable=False),
        sa.Column("assets_fen", sa.BigInteger(), nullable=True),
        sa.Column("total_cost_fen", sa.BigInteger(), nullable=True),
        sa.Column("rd_spend_fen", sa.BigInteger(), nullable=False),
        sa.Column("revenue_3y_fen", sa.BigInteger(), nullable=True),
        sa.Column("rd_spend_3y_fen", sa.BigInteger(), nullable=True),
        sa.Column("ip_class1", sa.Integer(), nullable=False),
        sa.Column("ip_class2", sa.Integer(), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=True),
        sa.Column("clean_record", sa.Boolean(), nullable=False),
        sa.Column("core_ip", sa.Boolean(), nullable=False),
        sa.Column("supported_field", sa.Boolean(), nullable=False),
        sa.Column("domestic_rd_pct", sa.Integer(), nullable=True),
        sa.Column("hightech_income_pct", sa.Integer(), nullable=True),
        sa.Column("innovation_score", sa.Integer(), nullable=True),
        sa.Column("hnte_certificate", sa.Boolean(), nullable=False),
        sa.Column("products", sa.Text(), nullable=False),
        sa.Column("equipment", sa.Text(), nullable=False),
        sa.Column("certifications", sa.Text(), nullable=False),
        sa.Column("problems", sa.Text(), nullable=False),
        sa.Column("plans", sa.Text(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_checkups_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["need_id"], ["needs.id"], name=op.f("fk_checkups_need_id_needs")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_checkups_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["roster_firm_id"],
            ["roster_firms.id"],
            name=op.f("fk_checkups_roster_firm_id_roster_firms"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkups")),
    )
    with op.batch_alter_table("checkups", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_checkups_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_checkups_roster_firm_id"), ["roster_firm_id"], unique=False
        )

    op.create_table(
        "event_lots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("achievement_id", sa.Integer(), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=False),
        sa.Column("selected", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["achievement_id"],
            ["achievements.id"],
            name=op.f("fk_event_lots_achievement_id_achievements"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_lots_event_id_events")
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"],
            ["users.id"],
            name=op.f("fk_event_lots_proposed_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_lots")),
        sa.UniqueConstraint(
            "event_id", "achievement_id", name=op.f("uq_event_lots_event_id")
        ),
    )
    with op.batch_alter_table("event_lots", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_event_lots_event_id"), ["event_id"], unique=False
        )

    op.create_table(
        "event_registrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_registrations_event_id_events"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_event_registrations_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_event_registrations_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_registrations")),
        sa.UniqueConstraint(
            "event_id", "organization_id", name=op.f("uq_event_registrations_event_id")
        ),
    )
    with op.batch_alter_table("event_registrations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_event_registrations_event_id"), ["event_id"], unique=False
        )

    op.create_table(
        "event_meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("firm_org_id", sa.Integer(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=True),
        sa.Column("deal_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deals.id"], name=op.f("fk_event_meetings_deal_id_deals")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_meetings_event_id_events")
        ),
        sa.ForeignKeyConstraint(
            ["firm_org_id"],
            ["organizations.id"],
            name=op.f("fk_event_meetings_firm_org_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["lot_id"],
            ["event_lots.id"],
            name=op.f("fk_event_meetings_lot_id_event_lots"),
        ),
        sa.ForeignKeyConstraint(
            ["requester_id"],
            ["users.id"],
            name=op.f("fk_event_meetings_requester_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_meetings")),
        sa.UniqueConstraint(
            "lot_id", "firm_org_id", name=op.f("uq_event_meetings_lot_id")
        ),
    )
    with op.batch_alter_table("event_meetings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_event_meetings_event_id"), ["event_id"], unique=False
        )

    op.create_table(
        "financing_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "ip_pledge",
                "tech_loan",
                "equity",
                name="financekind",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("term_months", sa.Integer(), nullable=False),
        sa.Column("collateral", sa.Text(), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=True),
        sa.Column("pledged_achievement_ids", sa.JSON(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=True),
        sa.Column("checkup_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "accepted",
                "closed",
                name="requeststatus",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_financing_requests_author_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["checkup_id"],
            ["checkups.id"],
            name=op.f("fk_financing_requests_checkup_id_checkups"),
        ),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deals.id"], name=op.f("fk_financing_requests_deal_id_deals")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_financing_requests_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_financing_requests")),
    )
    with op.batch_alter_table("financing_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_financing_requests_organization_id"),
            ["organization_id"],
            unique=False,
        )

    op.create_table(
        "financing_offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("rate", sa.String(length=120), nullable=False),
        sa.Column("term_months", sa.Integer(), nullable=False),
        sa.Column("conditions", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "accepted",
                "declined",
                name="offerstatus",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_financing_offers_author_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["finance_institutions.id"],
            name=op.f("fk_financing_offers_institution_id_finance_institutions"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["financing_requests.id"],
            name=op.f("fk_financing_offers_request_id_financing_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_financing_offers")),
    )
    with op.batch_alter_table("financing_offers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_financing_offers_request_id"), ["request_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("financing_offers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_financing_offers_request_id"))

    op.drop_table("financing_offers")
    with op.batch_alter_table("financing_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_financing_requests_organization_id"))

    op.drop_table("financing_requests")
    with op.batch_alter_table("event_meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_meetings_event_id"))

    op.drop_table("event_meetings")
    with op.batch_alter_table("event_registrations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_registrations_event_id"))

    op.drop_table("event_registrations")
    with op.batch_alter_table("event_lots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_lots_event_id"))

    op.drop_table("event_lots")
    with op.batch_alter_table("checkups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checkups_roster_firm_id"))
        batch_op.drop_index(batch_op.f("ix_checkups_organization_id"))

    op.drop_table("checkups")
    with op.batch_alter_table("roster_outreach", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_roster_outreach_firm_id"))

    op.drop_table("roster_outreach")
    with op.batch_alter_table("roster_imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_roster_imports_user_id"))

    op.drop_table("roster_imports")
    with op.batch_alter_table("finance_products", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finance_products_institution_id"))

    op.drop_table("finance_products")
    op.drop_table("events")
    op.drop_table("digest_subscriptions")
    op.drop_table("digest_notes")
    with op.batch_alter_table("roster_firms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_roster_firms_town"))
        batch_op.drop_index(batch_op.f("ix_roster_firms_organization_id"))

    op.drop_table("roster_firms")
    op.drop_table("finance_institutions")
