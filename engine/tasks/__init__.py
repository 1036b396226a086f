"""Practice tasks: safe pretend versions of real tasks, such as signing up or sorting an inbox.

Each kind of task is a small pure strategy (`kind.TaskKind`), registered here
by name so the loader, the pages and the benchmark find them the same way.
A new kind is one new file in this folder and one line in `KINDS`.
"""

from __future__ import annotations

from .application_form import ApplicationForm
from .bank import Bank
from .files import Files
from .inbox import Inbox
from .job_board import JobBoard
from .kind import Found, Outcome, StepsError, TaskKind
from .online_form import OnlineForm
from .sign_up import SignUp

KINDS: dict[str, TaskKind] = {kind.name: kind for kind in (SignUp(), Inbox(), Bank(), Files(), JobBoard(),
                                                            ApplicationForm(), OnlineForm())}

__all__ = ["KINDS", "Found", "Outcome", "StepsError", "TaskKind"]
