"""scorm learner keys

Revision ID: 5c0a9e1d7b21
Revises: b7c3e9d1a2f4
Create Date: 2026-12-06 08:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c0a9e1d7b21'
down_revision = 'b7c3e9d1a2f4'
branch_labels = None
depends_on = None


def upgrade():
    # Rows made before keys keep key_hash NULL: their packages cannot send a key, so they are refused.
    with op.batch_alter_table('scorm_learners', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('reopened_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('scorm_learners', schema=None) as batch_op:
        batch_op.drop_column('reopened_at')
        batch_op.drop_column('key_hash')
