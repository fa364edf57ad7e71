"""Join panel evaluations and challenge prizes, both made beside each other on j9_merge.

Revision ID: k9_merge
Revises: k1_eval_panels, k2_challenge_prizes
"""

revision = "k9_merge"
down_revision = ("k1_eval_panels", "k2_challenge_prizes")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
