"""practice tasks in the answer record: the task's id and the learner's steps

Revision ID: a7c3e9d21f40
Revises: c4d7e2a91b35
Create Date: 2026-12-06 11:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e9d21f40'
down_revision = 'c4d7e2a91b35'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('task_id', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('steps', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_column('steps')
        batch_op.drop_column('task_id')
