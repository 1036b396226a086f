"""Build a SCORM 1.2 package for a module: a manifest and a small page that launches the module from this site.

The package holds no lessons. Its one SCO finds the LMS's SCORM API, frames the
module from this site for the VLE's student, and passes their score back to the
gradebook, so progress is kept here and the engine adapts as usual.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from engine.model import Module

SCO_DIR = Path(__file__).resolve().parent / "sco"
# The SCO page first, then what it loads; the manifest lists them all.
SCO_FILES = ("index.html", "sco.js", "sco.css")
# A fixed time in every entry, so the same package builds to the same bytes.
ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(SCO_DIR), autoescape=select_autoescape(["html", "xml"]),
                       undefined=StrictUndefined, keep_trailing_newline=True)


def _identifier(text: str) -> str:
    """Return text as an XML ID, which IMS content packaging needs for identifiers."""
    return re.sub(r"[^A-Za-z0-9_.-]", "-", text)


def build_package(module: Module, base_url: str, token: str) -> bytes:
    """Return a SCORM 1.2 package (a zip) that launches the module from the site at base_url."""
    base_url = base_url.rstrip("/")
    environment = _environment()
    values = {
        "module": module,
        "base_url": base_url,
        "token": token,
        "files": SCO_FILES,
        # Different for each package, so a VLE never mistakes one package for another.
        "identifier": _identifier(f"skills-passport-{module.id}-{hashlib.sha256(token.encode()).hexdigest()[:12]}"),
    }
    documents = {
        "imsmanifest.xml": environment.get_template("imsmanifest.xml").render(values),
        "index.html": environment.get_template("index.html").render(values),
        "sco.js": (SCO_DIR / "sco.js").read_text(encoding="utf-8"),
        "sco.css": (SCO_DIR / "sco.css").read_text(encoding="utf-8"),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in documents.items():
            entry = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, text.encode("utf-8"))
    return buffer.getvalue()


def package_filename(module: Module) -> str:
    """Return the file name a package is saved as."""
    return f"skills-passport-{_identifier(module.id)}-scorm12.zip"
