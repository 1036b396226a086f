"""session keys and try counts

Each learner gets a session key, part of every sign-in cookie, so their sessions can be ended on
every device; wrong tries (passwords, codes) are counted in try_counts, shared by every worker.
Learners made before this keep no key until their first sign-out or new password, so the
cookies they already hold (a guest's progress lives behind one) keep working until then.

Revision ID: d4e8f1a2b3c5
Revises: 5c0a9e1d7b21
Create Date: 2026-12-06 08:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4e8f1a2b3c5'
down_revision = '5c0a9e1d7b21'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('learners', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_key', sa.String(length=32), nullable=True))

    op.create_table(
        'try_counts',
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('expires_at', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )
    with op.batch_alter_table('try_counts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_try_counts_expires_at'), ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('try_counts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_try_counts_expires_at'))
    op.drop_table('try_counts')

    with op.batch_alter_table('learners', schema=None) as batch_op:
        batch_op.drop_column('session_key')
