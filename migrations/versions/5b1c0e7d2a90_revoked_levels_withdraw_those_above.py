"""revoked levels withdraw those above

Each passport level needs the one below it. Levels above a level revoked before this rule
existed are withdrawn now, with the reason, so every check agrees.

Revision ID: 5b1c0e7d2a90
Revises: d4e8f1a2b3c5
Create Date: 2026-12-06 09:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '5b1c0e7d2a90'
down_revision = 'd4e8f1a2b3c5'
branch_labels = None
depends_on = None

LEVELS = ("bronze", "silver", "gold")


def upgrade():
    awards = sa.table("awards", sa.column("id", sa.Integer), sa.column("learner_id", sa.Integer),
                      sa.column("module_id", sa.String), sa.column("level", sa.String),
                      sa.column("revoked_at", sa.DateTime), sa.column("revoked_reason", sa.String),
                      sa.column("revoked_by", sa.String))
    bind = op.get_bind()
    revoked = bind.execute(sa.select(awards).where(awards.c.revoked_at.is_not(None))).mappings().all()
    for row in sorted(revoked, key=lambda r: LEVELS.index(r["level"]) if r["level"] in LEVELS else 9):
        above = LEVELS[LEVELS.index(row["level"]) + 1:] if row["level"] in LEVELS else ()
        if not above:
            continue
        reason = (f"Withdrawn because {row['level']} in this topic was revoked, and each level needs the one "
                  f"below it." + (f" The reason given for {row['level']}: {row['revoked_reason']}"
                                  if row["revoked_reason"] else ""))[:500]
        bind.execute(awards.update().where(
            awards.c.learner_id == row["learner_id"], awards.c.module_id == row["module_id"],
            awards.c.level.in_(above), awards.c.revoked_at.is_(None),
        ).values(revoked_at=row["revoked_at"], revoked_reason=reason, revoked_by=row["revoked_by"]))


def downgrade():
    pass  # a withdrawal, once made, is kept: the checks already said so
