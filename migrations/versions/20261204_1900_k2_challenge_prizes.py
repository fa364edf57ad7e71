"""challenges: prize payment requests count as 研发设计 for innovation vouchers

A call's prize buys technology development from the solver (vouchers.rules.
PRIZE_SERVICE_KIND); prizes awarded before this revision had no service kind, so no
voucher could pay any part of them. Data only: no schema change.

Revision ID: k2_challenge_prizes
Revises: j9_merge
"""
from alembic import op


revision = 'k2_challenge_prizes'
down_revision = 'j9_merge'
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        "UPDATE payment_requests SET service_kind = 'rnd_design' "
        "WHERE kind = 'prize' AND service_kind IS NULL"
    )


def downgrade():
    # Prizes already paid partly by voucher keep their kind (their redemptions say
    # what they paid for); the others go back to no service kind.
    op.execute(
        "UPDATE payment_requests SET service_kind = NULL WHERE kind = 'prize' "
        "AND id NOT IN (SELECT payment_request_id FROM voucher_redemptions)"
    )
