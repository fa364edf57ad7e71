"""firms: the check-up's 科小 direct qualifications and 高企 innovation-score facts

Revision ID: j5_firms
Revises: i17b_voucher_claims
"""

from alembic import op
import sqlalchemy as sa


revision = "j5_firms"
down_revision = "i17b_voucher_claims"
branch_labels = None
depends_on = None

FLAGS = (
    "restricted_products",
    "national_award_top3",
    "provincial_rd_centre",
    "led_standard",
    "joined_standard",
    "rd_system",
    "rd_institute",
    "conversion_incentives",
    "talent_system",
)
MONEY = (
    "revenue_y1_fen",
    "revenue_y2_fen",
    "net_assets_y1_fen",
    "net_assets_y2_fen",
    "net_assets_y3_fen",
)


def upgrade():
    with op.batch_alter_table("checkups", schema=None) as batch_op:
        for name in FLAGS:
            batch_op.add_column(
                sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.false())
            )
        batch_op.add_column(
            sa.Column("ip_advancement", sa.String(length=1), nullable=True)
        )
        batch_op.add_column(
            sa.Column("ip_core_support", sa.String(length=1), nullable=True)
        )
        batch_op.add_column(
            sa.Column("ip_acquisition", sa.String(length=12), nullable=True)
        )
        batch_op.add_column(sa.Column("conversions_3y", sa.Integer(), nullable=True))
        for name in MONEY:
            batch_op.add_column(sa.Column(name, sa.BigInteger(), nullable=True))
    # The server defaults only fill the existing rows; the model sets the values.
    with op.batch_alter_table("checkups", schema=None) as batch_op:
        for name in FLAGS:
            batch_op.alter_column(name, server_default=None)


def downgrade():
    with op.batch_alter_table("checkups", schema=None) as batch_op:
        for name in (
            *MONEY,
            "conversions_3y",
            "ip_acquisition",
            "ip_core_support",
            "ip_advancement",
            *FLAGS,
        ):
            batch_op.drop_column(name)
