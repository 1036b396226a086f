"""Fill a PostgreSQL database with many realistic learners quickly, for the scale, centre and fit benchmarks.

A few hundred "pattern" learners are made first, each working through one to six topics in
course order from one they choose: reading a question's lesson before its first question, answering in sittings with
days between them, right more often as they go. Their engine states are replayed by the engine
itself and their summaries worked out by the app's own `rebuild`. Every other learner is a copy
of one pattern (its answers, lessons read, awards, states and summary, under its own ids), so a
million learners cost one pass of COPY, streamed from generators: one number is held per learner.

While loading, foreign-key triggers are off (when the role may turn them off) and the indexes
that are not constraints are dropped, then rebuilt once at the end with a sort, which is much
faster than keeping them up to date row by row.
"""

from __future__ import annotations

import json
import random
import resource
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, text  # noqa: E402

START = datetime(2026, 1, 5, 9, 0)
PATTERNS = 200  # pattern learners; every other learner copies one of them
CHUNK = 1 << 20  # characters sent to COPY at a time
LOADED_TABLES = ("learners", "answers", "awards", "lesson_reads", "learner_module_states", "learner_summaries")
SUMMARY_COLUMNS = ("module_id, started, level, bronze_at, silver_at, gold_at, mastered, answers, seconds_spent, "
                   "last_step_at, stuck_skills, stuck, mixups")
ANSWER_COLUMNS = ("id, learner_id, question_id, module_id, skill_id, kind, response, given, correct, hints_used, "
                  "helped, misconceptions, answered_at")
# Evidence as big as a real award's.
EVIDENCE = json.dumps({"skills": {f"skill-{i}": {"shown": [[f"q-{i}-{j}", "2026-01-05T09:00:00"] for j in range(3)],
                                                 "estimate": 0.97} for i in range(6)}})


class QueryCounter:
    """Count the statements the app sends while it is switched on."""

    def __init__(self, engine) -> None:
        self.count = 0
        self.engine = engine
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args) -> None:
        self.count += 1

    def stop(self) -> int:
        """Stop counting; return the count."""
        event.remove(self.engine, "before_cursor_execute", self._seen)
        return self.count


def peak_mb() -> float:
    """Return this process's peak resident memory so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_app(url: str, migrate: bool = True):
    """Build the app on the benchmark's database, with the schema from the migrations."""
    from flask_migrate import upgrade

    from app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "scale-bench", "WTF_CSRF_ENABLED": False,
                      "LOG_LEVEL": "WARNING", "CONTENT_RELOAD_SECONDS": 0, "RATELIMIT_ENABLED": False})
    if migrate:
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
    return app


def _field(value) -> str:
    """Return one value in COPY's text format."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat(" ")
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _line(*values) -> str:
    return "\t".join(_field(v) for v in values) + "\n"


@dataclass
class Pattern:
    """One pattern learner's record, as COPY lines without the learner's own ids."""

    answers: list[str] = field(default_factory=list)  # the columns after id and learner_id
    awards: list[tuple[int, str]] = field(default_factory=list)  # (index of its answer, columns after learner_id)
    reads: list[str] = field(default_factory=list)
    states: list[str] = field(default_factory=list)
    summaries: list[str] = field(default_factory=list)  # filled once the pattern's summaries are worked out
    last_at: datetime = START


def make_pattern(course, params, rng: random.Random, per_learner: int) -> Pattern:
    """Make one learner who works through topics in order, in sittings, getting better as they go."""
    from engine.progress import Event, replay

    by_module: dict[str, list] = {}
    for question in course.questions.values():
        by_module.setdefault(question.module_id, []).append(question)
    modules = [m for m in course.modules if by_module.get(m.id)]
    pattern, events = Pattern(), []
    count = rng.randint(per_learner - per_learner // 5, per_learner + per_learner // 5)
    # Learners choose where to start (each topic is self-contained) and carry on to the next ones.
    start, how_many = rng.randrange(len(modules)), max(1, min(len(modules), round(count / 25) + rng.randint(-1, 1)))
    topics = [modules[(start + n) % len(modules)] for n in range(how_many)]
    at = START + timedelta(minutes=rng.randrange(60 * 24 * 60))
    read: set[str] = set()
    for position, module in enumerate(topics):
        share = count // len(topics) + (1 if position < count % len(topics) else 0)
        seen: dict[str, int] = {}
        for step in range(share):
            if step and step % 15 == 0:
                at += timedelta(days=rng.randint(1, 4), minutes=rng.randrange(600))
            question = rng.choice(by_module[module.id])
            lesson = course.lessons.get(question.lesson_id)
            if lesson is not None and lesson.id not in read:
                read.add(lesson.id)
                pattern.reads.append(_line(lesson.id, lesson.module_id, at))
                events.append(Event(at, lesson=lesson))
                at += timedelta(seconds=rng.randrange(60, 300))
            seen[question.skill] = seen.get(question.skill, 0) + 1
            correct = rng.random() < min(0.92, 0.5 + 0.1 * seen[question.skill])
            key = question.choices[0].key if question.choices else "a"
            pattern.answers.append(_line(question.id, question.module_id, question.skill, question.kind,
                                         json.dumps({"choices": [key]}), f"chose {key}", correct, 0, False, "[]", at))
            events.append(Event(at, question=question, correct=correct))
            at += timedelta(seconds=rng.randrange(20, 400))
        if share >= 20:  # enough to have earned the topic's bronze
            pattern.awards.append((len(pattern.answers) - 1,
                                   _line(module.id, "bronze", at, None, EVIDENCE, "00" * 8, False)))
    for module in topics:
        state = replay(module.id, events, params)
        if state.started:
            pattern.states.append(_line(module.id, json.dumps(state.as_dict()), at))
    pattern.last_at = at
    return pattern


def _send(cursor, sql: str, lines) -> int:
    """COPY the lines from a generator in chunks; return how many were sent."""
    sent, buffer, size = 0, [], 0
    with cursor.copy(sql) as copy:
        for line in lines:
            buffer.append(line)
            size += len(line)
            sent += 1
            if size >= CHUNK:
                copy.write("".join(buffer))
                buffer, size = [], 0
        if buffer:
            copy.write("".join(buffer))
    return sent


@contextmanager
def fast_loading(raw):
    """Turn off foreign-key triggers (if allowed) and drop the non-constraint indexes; put both back after."""
    cursor = raw.cursor()
    try:
        cursor.execute("SET session_replication_role = replica")
        raw.commit()
    except Exception:  # not a superuser: load with the checks on, just slower
        raw.rollback()
    cursor.execute("""
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
        WHERE c.relname = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
    """, (list(LOADED_TABLES),))
    indexes = cursor.fetchall()
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    raw.commit()
    try:
        yield cursor
    finally:
        raw.rollback()
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute("RESET session_replication_role")
        raw.commit()


def fill(app, learners: int, per_learner: int, seed: int = 7, log=lambda _text: None) -> dict:
    """Copy learners with their answers, lessons read, awards, engine states and summaries; return the row counts.

    Learners are numbered from 1 (the database must be empty); learners 1 to PATTERNS are the patterns.
    """
    from app.content import current_course, current_parameters
    from app.extensions import db
    from app.tutor.summaries import rebuild

    rng = random.Random(seed)
    with app.app_context():
        course, params = current_course(), current_parameters()
        patterns = [make_pattern(course, params, rng, per_learner) for _ in range(min(PATTERNS, learners))]
        sizes = [len(p.answers) for p in patterns]
        first_answer = [0] * (learners + 1)  # filled as answers are sent; read by the awards
        raw = db.engine.raw_connection()
        counts: dict[str, int] = {}
        try:
            with fast_loading(raw) as cursor:
                def of(n: int) -> Pattern:
                    return patterns[(n - 1) % len(patterns)]

                counts["learners"] = _send(cursor, "COPY learners (id, created_at, last_active_at, role, session_key, "
                                           "display_name) FROM STDIN",
                                           (_line(n, START, of(n).last_at, "learner", f"k{n:030d}", f"Learner {n}")
                                            for n in range(1, learners + 1)))
                log(f"  learners: {counts['learners']:,}")

                def answers():
                    next_id = 1
                    for n in range(1, learners + 1):
                        first_answer[n] = next_id
                        prefix = f"\t{n}\t"
                        for line in of(n).answers:
                            yield f"{next_id}{prefix}{line}"
                            next_id += 1

                counts["answers"] = _send(cursor, f"COPY answers ({ANSWER_COLUMNS}) FROM STDIN", answers())
                log(f"  answers: {counts['answers']:,}")
                counts["awards"] = _send(cursor, "COPY awards (learner_id, recipient_number, answer_id, public_id, "
                                         "module_id, level, awarded_at, revoked_at, evidence, recipient_salt, shared) "
                                         "FROM STDIN",
                                         (f"{n}\t{n}\t{first_answer[n] + index}\tb{n:012d}{k:02d}\t{line}"
                                          for n in range(1, learners + 1)
                                          for k, (index, line) in enumerate(of(n).awards)))
                counts["lesson_reads"] = _send(cursor, "COPY lesson_reads (learner_id, lesson_id, module_id, read_at) "
                                               "FROM STDIN",
                                               (f"{n}\t{line}" for n in range(1, learners + 1) for line in of(n).reads))
                counts["engine_states"] = _send(cursor, "COPY learner_module_states (learner_id, module_id, state, "
                                                "updated_at) FROM STDIN",
                                                (f"{n}\t{line}" for n in range(1, learners + 1)
                                                 for line in of(n).states))
                raw.commit()
                log("  awards, lessons read and states copied; summaries of the patterns next")
                db.session.commit()
                rebuild(list(range(1, len(patterns) + 1)))
                with cursor.copy(f"COPY (SELECT learner_id, {SUMMARY_COLUMNS} FROM learner_summaries "
                                 "ORDER BY learner_id, module_id) TO STDOUT") as copy:
                    made = b"".join(bytes(chunk) for chunk in copy).decode()
                for row in made.splitlines(keepends=True):
                    learner_id, rest = row.split("\t", 1)
                    patterns[int(learner_id) - 1].summaries.append(rest)
                counts["summaries"] = sum(len(p.summaries) for p in patterns) + _send(
                    cursor, f"COPY learner_summaries (learner_id, {SUMMARY_COLUMNS}) FROM STDIN",
                    (f"{n}\t{line}" for n in range(len(patterns) + 1, learners + 1) for line in of(n).summaries))
                for table in LOADED_TABLES:
                    cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                   f"(SELECT coalesce(max(id), 1) FROM {table}))")
                raw.commit()
                log("  rebuilding the indexes")
            raw.rollback()
            raw.driver_connection.autocommit = True
            raw.driver_connection.execute("VACUUM ANALYZE")
            raw.driver_connection.autocommit = False
        finally:
            raw.close()
    counts["answers per learner"] = round(sum(sizes) / len(sizes))
    return counts


def make_group(app, name: str, first: int, size: int) -> tuple[int, str]:
    """Make a tutor with one group of learners first..first+size-1; return the group's id and the tutor's cookie id."""
    from app.auth.accounts import create_user
    from app.extensions import db
    from app.models import Group

    with app.app_context():
        tutor = create_user(f"tutor.{first}", "correct horse battery", "tutor", f"Tutor of {name}")
        group = Group(name=name, join_code=f"G{first}", tutor_id=tutor.id)
        db.session.add(group)
        db.session.commit()
        db.session.execute(text("INSERT INTO memberships (group_id, learner_id, joined_at) "
                                "SELECT :g, n, now() "
                                "FROM generate_series(CAST(:first AS integer), CAST(:last AS integer)) AS n"),
                           {"g": group.id, "first": first, "last": first + size - 1})
        db.session.commit()
        db.session.execute(text("ANALYZE memberships"))
        db.session.commit()
        return group.id, tutor.get_id()


def learner_cookie_id(learner_id: int) -> str:
    """Return what a sign-in cookie holds for a loaded learner."""
    return f"{learner_id}.k{learner_id:030d}"
