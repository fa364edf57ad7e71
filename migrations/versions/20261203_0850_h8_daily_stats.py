"""daily_stats: activity counted once per Shanghai day for the dashboard and /stats/

Revision ID: h8_daily_stats
Revises: h1a7c3e9d2f1
Create Date: 2026-12-03 08:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'h8_daily_stats'
down_revision = 'h1a7c3e9d2f1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('daily_stats',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('metric', sa.String(length=32), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'metric', 'key', name=op.f('pk_daily_stats'))
    )


def downgrade():
    op.drop_table('daily_stats')
