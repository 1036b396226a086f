"""index every foreign key

Deleting a learner clears or removes the rows that point at them and at their answers.
Without an index on each pointing column, every one of those rows is found by reading
the whole table, so one deletion grew with the size of the database.

Revision ID: f3a9c2d71e06
Revises: 5b1c0e7d2a90
Create Date: 2026-12-06 11:45:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f3a9c2d71e06'
down_revision = '5b1c0e7d2a90'
branch_labels = None
depends_on = None

INDEXES = (
    ('awards', 'answer_id'),
    ('help_sessions', 'tutor_id'),
    ('lti_grade_links', 'platform_id'),
    ('lti_courses', 'group_id'),
    ('lti_resource_links', 'chosen_by'),
)


def upgrade():
    for table, column in INDEXES:
        op.create_index(op.f(f'ix_{table}_{column}'), table, [column], unique=False)


def downgrade():
    for table, column in reversed(INDEXES):
        op.drop_index(op.f(f'ix_{table}_{column}'), table_name=table)
