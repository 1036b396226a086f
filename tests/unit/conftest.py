"""Helpers for building small content folders in a test."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

MODULE = """\
---
id: safety
title: Staying safe
summary: Keep your accounts safe.
skills:
  strong-passwords: Make a strong password
  spot-scams: Spot a scam
---
Welcome to the module.
"""

LESSON = """\
---
id: three-words
title: Three random words
skills: [strong-passwords, spot-scams]
area: Being safe and legal online
level: bronze
minutes: 5
---

A **password** keeps your account safe.

::: question pw-strongest
kind: single
skill: strong-passwords

Which password is strongest?

- [ ] Fluffy2015
  Pet names are easy to guess.
  Misconception: pet-name-password
- [x] coffee train purple
  Three random words are long.

Hint: Think about length.
:::

::: question scam-pin
kind: true-false
skill: spot-scams

Your bank may text you to ask for your PIN.

- [ ] True
  Your bank never asks for your PIN.
- [x] False
  Right.
:::
"""

REMEDY = """\
---
id: pet-names
title: Why pet names are weak
skills: [strong-passwords]
area: Being safe and legal online
level: bronze
minutes: 3
fixes: [pet-name-password]
---

Your pet's name is easy to find online.
"""


@pytest.fixture
def write_content(tmp_path):
    """Return a function that writes {relative path: text} under a content folder."""

    def write(files: dict[str, str | bytes]) -> Path:
        root = tmp_path / "content"
        for rel, body in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(body, bytes):
                path.write_bytes(body)
            else:
                path.write_text(textwrap.dedent(body) if body.startswith("\n") else body, encoding="utf-8")
        return root

    return write


@pytest.fixture
def good_module():
    """Return the files of a small module that loads with no problems."""
    return {
        "safety/module.md": MODULE,
        "safety/01-three-words.md": LESSON,
        "safety/90-pet-names.md": REMEDY,
    }


def lesson_with(question: str, skills: str = "[strong-passwords]", extra_settings: str = "") -> str:
    """Return a lesson file whose text is one question block."""
    return (
        "---\n"
        "id: quiz-lesson\n"
        "title: A quiz\n"
        f"skills: {skills}\n"
        "area: Being safe and legal online\n"
        "level: bronze\n"
        "minutes: 5\n"
        f"{extra_settings}"
        "---\n\n"
        "Some lesson text.\n\n"
        f"{question}"
    )
