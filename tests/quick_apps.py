"""Make the many apps and empty databases the tests build cheap, without changing what they are.

Most integration tests build an app of their own on a fresh database. Two parts of that were paid again
for every test although their result never changes within a run:

- werkzeug turns each of the app's ~340 addresses into Python code and compiles it, for every app:
  about half a second an app on a busy machine. The code depends only on the address's text, so the
  compiled function is kept and shared (each app's rules still get their own converters and bindings).
- making the ~45 tables, with their indexes: a third of a second on SQLite, more on PostgreSQL. The
  tables are made once per test process in a template database, and each fresh database is a copy
  (only where the test's app would make the same tables at once: `make_app` on a new SQLite file, and
  the PostgreSQL database of the `app` fixture). A new app leaves its tables empty; if that ever
  changes, the templates are not used.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
from pathlib import Path

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

    def close(self, drop_database) -> None:
        """Remove the templates this process made."""
        if os.getpid() != self._owner:
            return  # a copy of this object in a forked child: the parent still uses them
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


def _remove_folder(folder: Path, owner: int) -> None:
    if os.getpid() == owner:
        shutil.rmtree(folder, ignore_errors=True)


TEMPLATES = SchemaTemplates()
