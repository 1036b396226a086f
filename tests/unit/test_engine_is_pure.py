"""The engine is the functional core: it never imports the web or the database layer."""

import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "engine"
FORBIDDEN = {"flask", "flask_sqlalchemy", "sqlalchemy", "flask_login", "flask_wtf", "app", "werkzeug"}


def test_no_engine_module_imports_flask_sqlalchemy_or_the_app():
    offenders = []
    files = sorted(ENGINE.rglob("*.py"))
    assert files, "the engine package has no modules"
    for path in files:
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                if name.split(".")[0] in FORBIDDEN:
                    offenders.append(f"{path.name}:{node.lineno} imports {name}")
    assert offenders == []
