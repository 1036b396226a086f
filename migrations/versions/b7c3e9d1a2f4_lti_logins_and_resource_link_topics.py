"""lti logins bound to a browser, topics chosen for hand-added links, nonce expiry index

Revision ID: b7c3e9d1a2f4
Revises: 892d3c66767a
Create Date: 2026-12-06 08:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7c3e9d1a2f4'
down_revision = '892d3c66767a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'lti_logins',
        sa.Column('state', sa.String(length=100), nullable=False),
        sa.Column('browser', sa.String(length=64), nullable=False),
        sa.Column('nonce', sa.String(length=255), nullable=False),
        sa.Column('issuer', sa.String(length=255), nullable=False),
        sa.Column('client_id', sa.String(length=255), nullable=False),
        sa.Column('deployment_id', sa.String(length=255), nullable=True),
        sa.Column('restart', sa.JSON(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('state'),
    )
    with op.batch_alter_table('lti_logins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lti_logins_expires_at'), ['expires_at'], unique=False)

    op.create_table(
        'lti_resource_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('platform_id', sa.Integer(), nullable=False),
        sa.Column('deployment_id', sa.String(length=255), nullable=False),
        sa.Column('resource_link_id', sa.String(length=255), nullable=False),
        sa.Column('module_id', sa.String(length=100), nullable=False),
        sa.Column('chosen_by', sa.Integer(), nullable=True),
        sa.Column('chosen_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['chosen_by'], ['learners.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['platform_id'], ['lti_platforms.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('platform_id', 'deployment_id', 'resource_link_id', name='uq_lti_resource_links'),
    )

    with op.batch_alter_table('lti_used_nonces', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lti_used_nonces_expires_at'), ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('lti_used_nonces', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lti_used_nonces_expires_at'))
    op.drop_table('lti_resource_links')
    with op.batch_alter_table('lti_logins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lti_logins_expires_at'))
    op.drop_table('lti_logins')
