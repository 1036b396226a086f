"""learner summaries

A small row per learner and module, kept up to date at each step, so a tutor's group
and centre lists page without replaying every answer. `flask tutor rebuild-summaries`
fills it for a database made before it.

Revision ID: b2d4f6a8c0e1
Revises: a7c3e9d21f40
Create Date: 2026-12-06 12:25:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b2d4f6a8c0e1'
down_revision = 'a7c3e9d21f40'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'learner_summaries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('learner_id', sa.Integer(), nullable=False),
        sa.Column('module_id', sa.String(length=100), nullable=False),
        sa.Column('started', sa.Boolean(), nullable=False),
        sa.Column('level', sa.String(length=10), nullable=True),
        sa.Column('bronze_at', sa.DateTime(), nullable=True),
        sa.Column('silver_at', sa.DateTime(), nullable=True),
        sa.Column('gold_at', sa.DateTime(), nullable=True),
        sa.Column('mastered', sa.Integer(), nullable=False),
        sa.Column('answers', sa.Integer(), nullable=False),
        sa.Column('seconds_spent', sa.Float(), nullable=False),
        sa.Column('last_step_at', sa.DateTime(), nullable=True),
        sa.Column('stuck_skills', sa.Integer(), nullable=False),
        sa.Column('stuck', sa.JSON(), nullable=False),
        sa.Column('mixups', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['learner_id'], ['learners.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('learner_id', 'module_id', name='uq_learner_summaries'),
    )


def downgrade():
    op.drop_table('learner_summaries')
