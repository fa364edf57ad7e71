"""search outbox as a log: per-node cursors, the writing transaction's id

Revision ID: i15_scale_out
Revises: h8_daily_stats
Create Date: 2026-12-04 01:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i15_scale_out'
down_revision = 'h8_daily_stats'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('search_node_cursors',
    sa.Column('node', sa.String(length=100), nullable=False),
    sa.Column('last_xid', sa.BigInteger(), nullable=False),
    sa.Column('last_id', sa.BigInteger(), nullable=False),
    sa.Column('applied_ids', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('node', name=op.f('pk_search_node_cursors'))
    )
    with op.batch_alter_table('search_outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('xid', sa.BigInteger(), server_default='0', nullable=False))
        batch_op.create_index('ix_search_outbox_log', ['xid', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('search_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_search_outbox_log')
        batch_op.drop_column('xid')
    op.drop_table('search_node_cursors')
