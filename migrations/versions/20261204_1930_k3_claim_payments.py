"""vouchers: a claim (兑付) may have a paid payment request as its proof

A prize (揭榜奖金) or a contract payment paid partly by voucher has no service order
or booking behind it; the payment itself, received in full, is the proof.

Revision ID: k3_claim_payments
Revises: k9_merge
"""
from alembic import op
import sqlalchemy as sa


revision = 'k3_claim_payments'
down_revision = 'k9_merge'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('voucher_claims', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payment_request_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_voucher_claims_payment_request_id_payment_requests'),
            'payment_requests', ['payment_request_id'], ['id'],
        )


def downgrade():
    with op.batch_alter_table('voucher_claims', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_voucher_claims_payment_request_id_payment_requests'),
            type_='foreignkey',
        )
        batch_op.drop_column('payment_request_id')
