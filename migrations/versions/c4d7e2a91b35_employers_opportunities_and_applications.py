"""employers, opportunities, applications and learners' postcode districts

Revision ID: c4d7e2a91b35
Revises: f3a9c2d71e06
Create Date: 2026-12-06 11:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4d7e2a91b35'
down_revision = 'f3a9c2d71e06'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'organisations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('about', sa.String(length=2000), nullable=False),
        sa.Column('needs', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'employers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('learner_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['learner_id'], ['learners.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('learner_id', name='uq_employers_learner'),
    )
    op.create_index('ix_employers_learner_id', 'employers', ['learner_id'])
    op.create_index('ix_employers_organisation_id', 'employers', ['organisation_id'])
    op.create_table(
        'opportunities',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('title', sa.String(length=120), nullable=False),
        sa.Column('place', sa.String(length=120), nullable=False),
        sa.Column('closes_on', sa.Date(), nullable=False),
        sa.Column('levels', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_opportunities_organisation_id', 'opportunities', ['organisation_id'])
    op.create_table(
        'applications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('opportunity_id', sa.Integer(), nullable=False),
        sa.Column('learner_id', sa.Integer(), nullable=False),
        sa.Column('message', sa.String(length=1000), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('applied_at', sa.DateTime(), nullable=False),
        sa.Column('status_at', sa.DateTime(), nullable=False),
        sa.Column('checked', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['learner_id'], ['learners.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['opportunity_id'], ['opportunities.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('opportunity_id', 'learner_id', name='uq_applications_opportunity_learner'),
    )
    op.create_index('ix_applications_opportunity_id', 'applications', ['opportunity_id'])
    op.create_index('ix_applications_learner_id', 'applications', ['learner_id'])
    op.create_table(
        'learner_areas',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('learner_id', sa.Integer(), nullable=False),
        sa.Column('district', sa.String(length=4), nullable=False),
        sa.Column('given_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['learner_id'], ['learners.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('learner_id', name='uq_learner_areas_learner'),
    )
    op.create_index('ix_learner_areas_learner_id', 'learner_areas', ['learner_id'])


def downgrade():
    op.drop_index('ix_learner_areas_learner_id', table_name='learner_areas')
    op.drop_table('learner_areas')
    op.drop_index('ix_applications_learner_id', table_name='applications')
    op.drop_index('ix_applications_opportunity_id', table_name='applications')
    op.drop_table('applications')
    op.drop_index('ix_opportunities_organisation_id', table_name='opportunities')
    op.drop_table('opportunities')
    op.drop_index('ix_employers_organisation_id', table_name='employers')
    op.drop_index('ix_employers_learner_id', table_name='employers')
    op.drop_table('employers')
    op.drop_table('organisations')
