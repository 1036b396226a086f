"""Make the many apps and empty databases the tests build cheap, without changing what they are.

Most integration tests build an app of their own on a fresh database. Parts of that were paid again
for every test although their result never changes within a run:

- werkzeug turns each of the app's ~340 addresses into Python code and compiles it, for every app:
  about half a second an app on a busy machine. The code depends only on the address's text, so the
  compiled function is kept and shared (each app's rules still get their own converters and bindings).
- Jinja compiles each page template again for every app: about a quarter of a second of CPU for the first
  eight pages a new app shows. The compiled code depends only on the template's source and the settings
  that shape it, so it is kept per process (Jinja's own bytecode cache, in memory) and each app still
  renders with its own globals and filters.
- reading the real course (two seconds) in each of the nine test modules that load it when imported, in
  every worker, before any test runs: the course is immutable, so one copy a process serves them all
  while its files are unchanged (`share_loaded_course`).
- making the ~45 tables, with their indexes: a third of a second on SQLite, more on PostgreSQL. The
  tables are made once per test process in a template database, and each fresh database is a copy
  (only where the test's app would make the same tables at once: `make_app` on a new SQLite file, and
  the PostgreSQL database of the `app` fixture). A new app leaves its tables empty; if that ever
  changes, the templates are not used.
- copying that template for each PostgreSQL test: a CREATE DATABASE copies some 9 MB of files, about a
  third of a second of the server's time, and there are some 500 such tests. A test's database is
  given back instead, and emptied for the next test (every row deleted, every counter back at its start)
  when that can be as good as new: the test left no connection open and its tables are as made. If
  not, it is dropped as before and the next test gets a new copy.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

from jinja2.bccache import Bucket, BytecodeCache
from werkzeug.routing import rules

_original_compile_builder = rules.Rule._compile_builder
_builders: dict[tuple, object] = {}
_builders_lock = threading.Lock()


def _compile_builder_once(self, append_unknown: bool = True):
    """Return werkzeug's URL builder for this address, compiling it only the first time its text is seen."""
    defaults = self.defaults or {}
    if any(is_dynamic and part in defaults for is_dynamic, part in self._trace):
        return _original_compile_builder(self, append_unknown)  # a default baked in by its converter: rare
    key = (tuple(self._trace), append_unknown)
    with _builders_lock:
        builder = _builders.get(key)
    if builder is None:
        builder = _original_compile_builder(self, append_unknown)
        with _builders_lock:
            _builders[key] = builder
    return builder


def share_compiled_addresses() -> None:
    """Compile each address's URL builder once per process, not once per app (see the module's docstring)."""
    rules.Rule._compile_builder = _compile_builder_once


class SharedTemplateCode(BytecodeCache):
    """Keep each page template's compiled code for every app in this process (see the module's docstring).

    Jinja checks the template's source against the code kept, so a changed template is compiled again,
    and the key holds every setting that shapes the code, so an app with other settings gets its own.
    """

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def get_bucket(self, environment, name, filename, source) -> Bucket:
        autoescape = environment.autoescape(name) if callable(environment.autoescape) else environment.autoescape
        settings = (environment.block_start_string, environment.block_end_string,
                    environment.variable_start_string, environment.variable_end_string,
                    environment.comment_start_string, environment.comment_end_string,
                    environment.line_statement_prefix, environment.line_comment_prefix, environment.trim_blocks,
                    environment.lstrip_blocks, environment.newline_sequence, environment.keep_trailing_newline,
                    tuple(sorted(environment.extensions)), environment.optimized, environment.is_async, autoescape)
        bucket = Bucket(environment, repr((name, filename, settings)), self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        with self._lock:
            code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        with self._lock:
            self._code[bucket.key] = bucket.bytecode_to_string()


_template_code = SharedTemplateCode()


def share_compiled_templates(app) -> None:
    """Compile each page template once per process, not once per app (see the module's docstring)."""
    app.jinja_env.bytecode_cache = _template_code


_REAL_CONTENT = Path(__file__).resolve().parent.parent / "content"
_loaded: dict[tuple, object] = {}


def _content_files(folder: Path) -> tuple:
    """Return every file under the folder with its size and time of change: what a reload would look at."""
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            stat = path.stat()
            found.append((str(path.relative_to(folder)), stat.st_mtime_ns, stat.st_size))
    return tuple(found)


def share_loaded_course() -> None:
    """Read the real course once per process for every test that loads it, while its files are unchanged.

    Nine test modules load the course as they are imported, and every worker imports them all: two
    seconds each, before the first test runs. A course is immutable (frozen, read-only indexes), so one
    copy serves them all. Any other folder, or other picture addresses, is loaded as before, and a
    change to any file under the real folder (or another working folder, which the problems' file
    names depend on) loads it again.
    """
    from engine import loader

    load_course = getattr(loader.load_course, "loads_each_time", loader.load_course)

    def load_course_once(content_dir, image_url=loader.default_image_url):
        folder = Path(content_dir).resolve()
        if folder != _REAL_CONTENT or image_url is not loader.default_image_url:
            return load_course(content_dir, image_url)
        key = (str(content_dir), os.getcwd(), _content_files(folder))
        with _builders_lock:
            course = _loaded.get(key)
        if course is None:
            course = load_course(content_dir, image_url)
            with _builders_lock:
                _loaded.clear()  # only the newest is wanted again
                _loaded[key] = course
        return course

    load_course_once.__doc__ = load_course.__doc__
    load_course_once.loads_each_time = load_course
    loader.load_course = load_course_once


class SchemaTemplates:
    """Hold, per kind of database, a copy of the app's empty tables to start each fresh database from.

    Made on first use in each test process (each xdist worker has its own); `close` removes them. There
    is one, TEMPLATES, however many times the conftest that uses it is imported.
    """

    def __init__(self) -> None:
        self._folder: Path | None = None
        self._owner = os.getpid()
        self._sqlite_file: Path | None = None
        self._postgres: tuple[str, str] | None = None  # the server's admin URL and the template's name
        self._spare: list[tuple[str, str]] = []  # emptied copies of the template: URL and name
        self._made_as: str | None = None  # the fingerprint of a copy's tables, as made
        self.usable = True

    def sqlite_copy(self, make_app, target: Path) -> bool:
        """Put an empty database with every table at `target`, a file not there yet; say whether it did."""
        if self.usable and (self._sqlite_file is None or not self._sqlite_file.exists()):  # made, or cleared away
            template = self._workspace() / "template.db"
            template.parent.mkdir(parents=True, exist_ok=True)
            self.usable = _build(make_app, template.parent, f"sqlite:///{template}")
            self._sqlite_file = template
        if not self.usable:
            return False
        shutil.copyfile(self._sqlite_file, target)
        return True

    def postgres_template(self, make_app, base_url: str, fresh_database) -> str | None:
        """Return the name of a PostgreSQL database with every table and no rows to copy, or None."""
        if self._postgres is None and self.usable:
            url, name = fresh_database(base_url)
            self._postgres = base_url, name
            self.usable = _build(make_app, self._workspace(), url)
        return self._postgres[1] if self.usable else None

    def postgres_copy(self, base_url: str, template: str, fresh_database) -> tuple[str, str]:
        """Return the URL and name of a database with every table and no rows: a spare one, or a new copy."""
        if self._spare:
            return self._spare.pop()
        url, name = fresh_database(base_url, template)
        if self._made_as is None:
            self._made_as = _fingerprint(url)
        return url, name

    def postgres_give_back(self, base_url: str, url: str, name: str, drop_database) -> None:
        """Keep a finished test's database for the next test if it can be emptied as good as new; else drop it."""
        if self._made_as is not None and _emptied(url, self._made_as):
            self._spare.append((url, name))
        else:
            drop_database(base_url, name)

    def close(self, drop_database) -> None:
        """Remove the templates (and spare copies) this process made."""
        if os.getpid() != self._owner:
            return  # a copy of this object in a forked child: the parent still uses them
        while self._spare and self._postgres is not None:
            drop_database(self._postgres[0], self._spare.pop()[1])
        if self._postgres is not None:
            drop_database(*self._postgres)
            self._postgres = None
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None
            self._sqlite_file = None

    def _workspace(self) -> Path:
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix="skills-passport-tables-"))
            # Also when no test session ends here (a process a test starts, a run stopped early).
            atexit.register(_remove_folder, self._folder, os.getpid())
        return self._folder


def _build(make_app, folder: Path, url: str) -> bool:
    """Make the app's tables at `url` and close every connection; say whether they are empty, as a copy must be."""
    from sqlalchemy import func, select

    from app.extensions import db

    app = make_app(folder, url, from_template=False)
    with app.app_context():
        empty = all(db.session.scalar(select(func.count()).select_from(table)) == 0
                    for table in db.metadata.sorted_tables)
        db.session.remove()
        db.engine.dispose()
    return empty


# What a database's own tables are made of: relations, columns, defaults, constraints, indexes,
# sequences, types, functions and triggers. A test that changed any of them leaves a database not reused.
_FINGERPRINT = """
SELECT md5(string_agg(item, '|' ORDER BY item)) FROM (
  SELECT c.relkind::text || ' ' || n.nspname || '.' || c.relname || ' ' || coalesce(a.attname, '') || ' '
         || coalesce(format_type(a.atttypid, a.atttypmod), '') || ' ' || coalesce(a.attnotnull::text, '')
         || ' ' || coalesce(pg_get_expr(d.adbin, d.adrelid), '') AS item
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
   WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
  UNION ALL
  SELECT 'constraint ' || conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)
    FROM pg_constraint WHERE connamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
  UNION ALL
  SELECT 'index ' || pg_get_indexdef(indexrelid) FROM pg_index
   WHERE indrelid IN (SELECT oid FROM pg_class WHERE relnamespace NOT IN (
         'pg_catalog'::regnamespace, 'information_schema'::regnamespace))
  UNION ALL
  SELECT 'type ' || t.typname || ' ' || coalesce(e.enumlabel, '') FROM pg_type t
    LEFT JOIN pg_enum e ON e.enumtypid = t.oid
   WHERE t.typnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
  UNION ALL
  SELECT 'function ' || oid::regprocedure::text FROM pg_proc
   WHERE pronamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
  UNION ALL
  SELECT 'trigger ' || tgname FROM pg_trigger WHERE NOT tgisinternal
  UNION ALL
  SELECT 'extension ' || extname FROM pg_extension
) AS everything
"""


def _fingerprint(url: str) -> str:
    """Return a fingerprint of the database's own tables and what goes with them (not their rows)."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return _fingerprint_on(conn)
    finally:
        engine.dispose()


def _fingerprint_on(conn) -> str:
    from sqlalchemy import text

    return conn.execute(text(_FINGERPRINT)).scalar()


def _emptied(url: str, made_as: str) -> bool:
    """Empty a test's database as good as new and say so; say no if it cannot be (the caller drops it).

    Not if a connection is still open after the test (a server or thread it started may still write),
    nor if its tables are not as made. Otherwise every row goes and every sequence starts again.
    """
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError
    from sqlalchemy.pool import NullPool

    others = text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                  " AND pid <> pg_backend_pid()")
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            # A connection closed just now may take a moment to go from the server's list.
            for _ in range(20):
                if not conn.execute(others).scalar():
                    break
                time.sleep(0.01)
            else:
                return False
            if _fingerprint_on(conn) != made_as:
                return False
            tables = conn.execute(text(
                "SELECT format('%I.%I', schemaname, tablename) FROM pg_tables"
                " WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")).scalars().all()
            conn.execute(text("SET LOCAL session_replication_role = replica"))  # no foreign key checks: all go
            for table in tables:
                conn.execute(text(f"DELETE FROM {table}"))
            conn.execute(text("SELECT setval(seqrelid, seqstart, false) FROM pg_sequence"))
        return True
    except SQLAlchemyError:
        return False
    finally:
        engine.dispose()


def _remove_folder(folder: Path, owner: int) -> None:
    if os.getpid() == owner:
        shutil.rmtree(folder, ignore_errors=True)


TEMPLATES = SchemaTemplates()
