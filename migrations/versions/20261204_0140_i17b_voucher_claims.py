"""services: voucher claims (兑付) of providers, settled by the operator

Revision ID: i17b_voucher_claims
Revises: i19_merge
"""
from alembic import op
import sqlalchemy as sa


revision = 'i17b_voucher_claims'
down_revision = 'i19_merge'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('voucher_claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('redemption_id', sa.Integer(), nullable=False),
    sa.Column('provider_org_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('booking_id', sa.Integer(), nullable=True),
    sa.Column('proof_id', sa.Integer(), nullable=True),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('claimed_by_id', sa.Integer(), nullable=False),
    sa.Column('claimed_at', sa.DateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['booking_id'], ['instrument_bookings.id'], name=op.f('fk_voucher_claims_booking_id_instrument_bookings')),
    sa.ForeignKeyConstraint(['claimed_by_id'], ['users.id'], name=op.f('fk_voucher_claims_claimed_by_id_users')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_voucher_claims_decided_by_id_users')),
    sa.ForeignKeyConstraint(['order_id'], ['service_orders.id'], name=op.f('fk_voucher_claims_order_id_service_orders')),
    sa.ForeignKeyConstraint(['proof_id'], ['attachments.id'], name=op.f('fk_voucher_claims_proof_id_attachments')),
    sa.ForeignKeyConstraint(['provider_org_id'], ['organizations.id'], name=op.f('fk_voucher_claims_provider_org_id_organizations')),
    sa.ForeignKeyConstraint(['redemption_id'], ['voucher_redemptions.id'], name=op.f('fk_voucher_claims_redemption_id_voucher_redemptions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voucher_claims')),
    sa.UniqueConstraint('redemption_id', name=op.f('uq_voucher_claims_redemption_id'))
    )
    with op.batch_alter_table('voucher_claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_voucher_claims_provider_org_id'), ['provider_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_voucher_claims_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('voucher_claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_voucher_claims_status'))
        batch_op.drop_index(batch_op.f('ix_voucher_claims_provider_org_id'))
    op.drop_table('voucher_claims')
