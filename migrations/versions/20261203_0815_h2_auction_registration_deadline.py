"""auctions: registration deadline and signing days; bidders: when the deposit was paid

Revision ID: h2_auction_deposits
Revises: 7531fb21d5fd
Create Date: 2026-12-03 08:15:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'h2_auction_deposits'
down_revision = '7531fb21d5fd'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('auctions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registration_ends_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('sign_within_days', sa.Integer(), server_default='10', nullable=False))
    # Existing auctions: registration closed at their start, the new default.
    op.execute('UPDATE auctions SET registration_ends_at = starts_at')
    with op.batch_alter_table('auctions', schema=None) as batch_op:
        batch_op.alter_column('registration_ends_at', existing_type=sa.DateTime(), nullable=False)

    with op.batch_alter_table('auction_bidders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deposit_paid_at', sa.DateTime(), nullable=True))
    # A deposit already marked paid counts as paid in time; none asked, none needed.
    op.execute(
        "UPDATE auction_bidders SET deposit_paid_at = registered_at "
        "WHERE deposit_status = 'paid'"
    )
    op.execute(
        "UPDATE auction_bidders SET deposit_status = 'not_required' "
        "WHERE deposit_fen = 0 AND deposit_status = 'recorded'"
    )


def downgrade():
    op.execute(
        "UPDATE auction_bidders SET deposit_status = 'recorded' "
        "WHERE deposit_status = 'not_required'"
    )
    with op.batch_alter_table('auction_bidders', schema=None) as batch_op:
        batch_op.drop_column('deposit_paid_at')

    with op.batch_alter_table('auctions', schema=None) as batch_op:
        batch_op.drop_column('sign_within_days')
        batch_op.drop_column('registration_ends_at')
