"""Join the challenges, services and firms branches of this round's schema.

Revision ID: j9_merge
Revises: j3_challenges, j4_services, j5_firms
"""

revision = "j9_merge"
down_revision = ("j3_challenges", "j4_services", "j5_firms")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
