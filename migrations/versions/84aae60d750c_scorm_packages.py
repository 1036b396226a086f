"""scorm packages

Revision ID: 84aae60d750c
Revises: 421a7f471d85
Create Date: 2026-11-23 05:06:33.639457

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '84aae60d750c'
down_revision = '421a7f471d85'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('scorm_packages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('module_id', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('public_id', name='uq_scorm_packages_public_id')
    )
    op.create_table('scorm_learners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('package_id', sa.Integer(), nullable=False),
    sa.Column('lms_student_id', sa.String(length=255), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['learner_id'], ['learners.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['package_id'], ['scorm_packages.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('package_id', 'lms_student_id', name='uq_scorm_learners_package_student')
    )
    with op.batch_alter_table('scorm_learners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scorm_learners_learner_id'), ['learner_id'], unique=False)


def downgrade():
    with op.batch_alter_table('scorm_learners', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scorm_learners_learner_id'))

    op.drop_table('scorm_learners')
    op.drop_table('scorm_packages')
