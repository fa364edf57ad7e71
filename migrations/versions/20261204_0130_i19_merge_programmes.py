"""Join the scale-out, challenges, services and firms branches of the schema.

Revision ID: i19_merge
Revises: i15_scale_out, i16_challenges, i17_services, i18_firms
"""

revision = "i19_merge"
down_revision = ("i15_scale_out", "i16_challenges", "i17_services", "i18_firms")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
