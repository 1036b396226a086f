"""lti signing key in the database

The key the site signs LTI messages with, kept where every app server reads the same one:
each server making its own in its instance folder published keys that disagreed.

Revision ID: c7e1a9d3f5b2
Revises: b2d4f6a8c0e1
Create Date: 2026-12-06 14:45:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c7e1a9d3f5b2'
down_revision = 'b2d4f6a8c0e1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'lti_signing_keys',
        sa.Column('name', sa.String(length=50), nullable=False),
        sa.Column('private_pem', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('name'),
    )


def downgrade():
    op.drop_table('lti_signing_keys')
