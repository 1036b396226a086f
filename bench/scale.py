"""Scale benchmark: a PostgreSQL database of many learners, and what one deletion and one answer cost in it.

    .venv/bin/python bench/scale.py [--learners 2000] [--answers 900] [--database-url URL]

(bench/README.md explains the output.)

1. Starts a throwaway PostgreSQL on 127.0.0.1 (or uses --database-url, which it fills: give it an
   empty database) and builds the schema with the project's own migrations.
2. Loads N learners with about --answers answers each, their awards (each pointing at one of
   their answers, with evidence as big as real ones) and lessons read, in bulk with COPY.
3. Measures, first without the foreign-key indexes the migration f3a9c2d71e06 added ("before"),
   then with them ("after"): deleting one learner (the app's own delete_learner), and an answer
   POSTed through the app to a learner who has --answers answers already. Each line gives the time,
   the number of queries and the process's peak memory.

Only loopback is contacted. Every loop is bounded by --learners and --answers.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import event, text  # noqa: E402

from throwaway_pg import ThrowawayPostgres  # noqa: E402

# The indexes migration f3a9c2d71e06 added: dropped for the "before" figures.
NEW_INDEXES = (("awards", "answer_id"), ("help_sessions", "tutor_id"), ("lti_grade_links", "platform_id"),
               ("lti_courses", "group_id"), ("lti_resource_links", "chosen_by"))
ANSWER_POSTS = 20
START = datetime(2026, 1, 5, 9, 0)


class QueryCounter:
    """Count the statements the app sends while it is switched on."""

    def __init__(self, engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args) -> None:
        self.count += 1


def peak_mb() -> float:
    """Return this process's peak resident memory so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_app(url: str):
    """Build the app on the benchmark's database, with the schema from the migrations."""
    from flask_migrate import upgrade

    from app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "scale-bench", "WTF_CSRF_ENABLED": False,
                      "LOG_LEVEL": "WARNING", "CONTENT_RELOAD_SECONDS": 0, "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    return app


def fill(app, learners: int, per_learner: int, first_learner: int = 1, seed: int = 7) -> dict:
    """Copy learners, their answers, awards and lessons read into the database; return the row counts."""
    from app.content import current_course
    from app.extensions import db

    rng = random.Random(seed)
    with app.app_context():
        course = current_course()
        questions = [q for q in course.questions.values()]
        lessons = list(course.lessons.values())
        modules = [m.id for m in course.modules]
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("SELECT coalesce(max(id), 0) FROM answers")
            answer_id = cursor.fetchone()[0]
            counts = {"learners": 0, "answers": 0, "awards": 0, "lesson_reads": 0}
            with cursor.copy("COPY learners (id, created_at, last_active_at, role, session_key) FROM STDIN") as copy:
                for n in range(first_learner, first_learner + learners):
                    copy.write_row((n, START, START, "learner", f"k{n:030d}"))
                    counts["learners"] += 1
            answer_columns = ("id, learner_id, question_id, module_id, skill_id, kind, response, given, correct, "
                              "hints_used, helped, misconceptions, answered_at")
            first_answers: dict[int, int] = {}
            with cursor.copy(f"COPY answers ({answer_columns}) FROM STDIN") as copy:
                for n in range(first_learner, first_learner + learners):
                    at = START + timedelta(minutes=rng.randrange(60 * 24 * 30))
                    for _ in range(rng.randint(per_learner - per_learner // 20, per_learner + per_learner // 20)):
                        answer_id += 1
                        first_answers.setdefault(n, answer_id)
                        q = rng.choice(questions)
                        key = q.choices[0].key if q.choices else "a"
                        at += timedelta(seconds=rng.randrange(20, 400))
                        copy.write_row((answer_id, n, q.id, q.module_id, q.skill, q.kind,
                                        json.dumps({"choices": [key]}), f"chose {key}", rng.random() < 0.7,
                                        0, False, "[]", at))
                        counts["answers"] += 1
            evidence = json.dumps({"skills": {f"skill-{i}": {"shown": [[f"q-{i}-{j}", "2026-01-05T09:00:00"]
                                                                       for j in range(3)], "estimate": 0.97}
                                              for i in range(6)}})
            with cursor.copy("COPY awards (public_id, learner_id, module_id, level, awarded_at, answer_id, evidence, "
                             "recipient_salt, recipient_number, shared) FROM STDIN") as copy:
                for n in range(first_learner, first_learner + learners):
                    for m, module_id in enumerate(modules[:2]):
                        copy.write_row((f"b{n:014d}{m}", n, module_id, "bronze", START, first_answers[n] + 40 * m,
                                        evidence, "00" * 8, n, False))
                        counts["awards"] += 1
            with cursor.copy("COPY lesson_reads (learner_id, lesson_id, module_id, read_at) FROM STDIN") as copy:
                for n in range(first_learner, first_learner + learners):
                    for lesson in rng.sample(lessons, min(20, len(lessons))):
                        copy.write_row((n, lesson.id, lesson.module_id, START))
                        counts["lesson_reads"] += 1
            for table in ("learners", "answers", "awards", "lesson_reads"):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            raw.commit()
            cursor.execute("ANALYZE")
            raw.commit()
        finally:
            raw.close()
    return counts


def set_new_indexes(app, present: bool) -> None:
    """Drop or create the foreign-key indexes the migration added."""
    from app.extensions import db

    with app.app_context(), db.engine.begin() as conn:
        for table, column in NEW_INDEXES:
            name = f"ix_{table}_{column}"
            conn.execute(text(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column})" if present
                              else f"DROP INDEX IF EXISTS {name}"))
        conn.execute(text("ANALYZE awards"))


def time_delete(app, learner_id: int) -> dict:
    """Delete one learner with the app's own function; return time, queries and rows it took with it."""
    from app.auth.accounts import delete_learner
    from app.extensions import db
    from app.models import Learner

    with app.app_context():
        answers = db.session.execute(text("SELECT count(*) FROM answers WHERE learner_id = :n"),
                                     {"n": learner_id}).scalar()
        counter = QueryCounter(db.engine)
        started = time.perf_counter()
        delete_learner(db.session.get(Learner, learner_id))
        seconds = time.perf_counter() - started
        event.remove(db.engine, "before_cursor_execute", counter._seen)
        left = db.session.execute(text("SELECT count(*) FROM answers WHERE learner_id = :n"), {"n": learner_id})
        assert left.scalar() == 0, "the learner's answers were not deleted"
    return {"ms": seconds * 1000, "queries": counter.count, "answers": answers}


def time_answers(app, per_learner: int) -> dict:
    """Post answers through the app for a learner with `per_learner` answers already; return the median."""
    from app.content import current_course
    from app.extensions import db

    client = app.test_client()
    with app.app_context():
        course = current_course()
        question = course.questions["pw-hardest-to-guess"]
    assert client.post(f"/lessons/{question.lesson_id}/read").status_code in (200, 302)
    with app.app_context():
        learner_id = db.session.execute(text("SELECT max(id) FROM learners")).scalar()
    fill_one(app, learner_id, per_learner)
    with app.app_context():
        counter = QueryCounter(db.engine)
        times = []
        for n in range(ANSWER_POSTS):
            key = question.choices[n % len(question.choices)].key
            started = time.perf_counter()
            response = client.post(f"/questions/{question.id}", data={"choice": key, "hints": "0"})
            times.append(time.perf_counter() - started)
            assert response.status_code == 302, response.status_code
        event.remove(db.engine, "before_cursor_execute", counter._seen)
    return {"ms": statistics.median(times) * 1000, "queries": counter.count / ANSWER_POSTS}


def fill_one(app, learner_id: int, answers: int) -> None:
    """Give one existing learner `answers` answers, copied in bulk."""
    from app.content import current_course
    from app.extensions import db

    with app.app_context():
        questions = list(current_course().questions.values())
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            with cursor.copy("COPY answers (learner_id, question_id, module_id, skill_id, kind, response, given, "
                             "correct, hints_used, helped, misconceptions, answered_at) FROM STDIN") as copy:
                for n in range(answers):
                    q = questions[n % len(questions)]
                    copy.write_row((learner_id, q.id, q.module_id, q.skill, q.kind, '{"choices": ["a"]}', "chose a",
                                    n % 3 != 0, 0, False, "[]", START + timedelta(minutes=n)))
            raw.commit()
        finally:
            raw.close()


def run(args: argparse.Namespace, url: str) -> int:
    """Build the database, then measure before and after the indexes; print a table."""
    app = make_app(url)
    started = time.perf_counter()
    counts = fill(app, args.learners, args.answers)
    load_s = time.perf_counter() - started
    print(f"loaded {counts['learners']:,} learners, {counts['answers']:,} answers, {counts['awards']:,} awards, "
          f"{counts['lesson_reads']:,} lessons read in {load_s:.1f} s (peak memory {peak_mb():.0f} MB)")
    rows = []
    for label, present, learner_id in (("before", False, 1), ("after", True, 2)):
        set_new_indexes(app, present)
        deleted = time_delete(app, learner_id)
        answered = time_answers(app, args.answers)
        rows.append((label, deleted, answered, peak_mb()))
    print(f"{'indexes':8} {'delete one learner':>20} {'queries':>8} {'answers':>8}   "
          f"{'answer POST (median)':>21} {'queries':>8}   {'peak MB':>8}")
    for label, deleted, answered, mb in rows:
        print(f"{label:8} {deleted['ms']:17.1f} ms {deleted['queries']:8} {deleted['answers']:8}   "
              f"{answered['ms']:18.1f} ms {answered['queries']:8.1f}   {mb:8.0f}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the options and run, on a throwaway server unless a database is given."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=2000, help="learners to load (default 2000)")
    parser.add_argument("--answers", type=int, default=900, help="answers per learner, about (default 900)")
    parser.add_argument("--database-url", help="an empty PostgreSQL database to fill instead of a throwaway one")
    args = parser.parse_args(argv)
    if not 3 <= args.learners <= 2_000_000 or not 50 <= args.answers <= 5_000:
        parser.error("--learners must be 3 to 2,000,000 and --answers 50 to 5,000")
    if args.database_url:
        return run(args, args.database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with ThrowawayPostgres() as url:
        return run(args, url)


if __name__ == "__main__":
    raise SystemExit(main())
