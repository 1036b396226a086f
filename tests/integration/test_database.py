"""The schema: migrations build what the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from flask_migrate import upgrade
from sqlalchemy import inspect

from app import create_app
from app.extensions import db


def test_migrations_build_every_table_and_match_the_models(database_url, tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database_url,
                      "CONTENT_DIR": str(tmp_path)})
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"learners", "lesson_reads", "answers", "alembic_version"} <= tables
        from alembic.autogenerate import compare_metadata
        from alembic.migration import MigrationContext

        with db.engine.connect() as conn:
            drift = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert drift == [], "the models and the migrations disagree: run 'flask db migrate'"
        db.engine.dispose()


def test_sqlite_lets_readers_and_a_writer_work_at_once(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "CONTENT_DIR": str(tmp_path),
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'wal.db'}"})
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        db.engine.dispose()
