"""services: instrument closures, trained users, samples-only and self-operated bookings

Revision ID: j4_services
Revises: i17b_voucher_claims
"""
from alembic import op
import sqlalchemy as sa


revision = 'j4_services'
down_revision = 'i17b_voucher_claims'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('instrument_closures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instrument_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_instrument_closures_created_by_id_users')),
    sa.ForeignKeyConstraint(['instrument_id'], ['instruments.id'], name=op.f('fk_instrument_closures_instrument_id_instruments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instrument_closures')),
    sa.UniqueConstraint('instrument_id', 'day', name=op.f('uq_instrument_closures_instrument_id'))
    )
    op.create_table('instrument_trainings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instrument_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('trained_on', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['instrument_id'], ['instruments.id'], name=op.f('fk_instrument_trainings_instrument_id_instruments')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_instrument_trainings_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_instrument_trainings_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instrument_trainings')),
    sa.UniqueConstraint('instrument_id', 'user_id', name=op.f('uq_instrument_trainings_instrument_id'))
    )
    with op.batch_alter_table('instrument_trainings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_instrument_trainings_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('instrument_bookings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=8), server_default='slot', nullable=False))
        batch_op.add_column(sa.Column('self_operated', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('instrument_bookings', schema=None) as batch_op:
        batch_op.drop_column('self_operated')
        batch_op.drop_column('kind')
    with op.batch_alter_table('instrument_trainings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_instrument_trainings_user_id'))
    op.drop_table('instrument_trainings')
    op.drop_table('instrument_closures')
