"""Form fields for a practice task, as a learner who can do it (or cannot) would send them."""

from __future__ import annotations


def task_fields(task, right: bool = True) -> dict:
    """Return the fields of a task's form: every step right, or a typical beginner's mistakes."""
    scenario = task.scenario
    if task.kind == "sign-up":
        if not right:
            return {"password": "password1", "code_request": "share"}
        fields = {"password": "kettle giraffe marble", "two_step": "on", "code": scenario.code}
        return {**fields, "code_request": "keep"} if scenario.code_request else fields
    if task.kind == "inbox":
        fields = {}
        for message in scenario.messages:
            fields[f"{message.id}-verdict"] = "scam" if message.scam and right else "safe"
            if message.scam and right:
                fields[f"{message.id}-clue"] = message.clue
                fields[f"{message.id}-action"] = message.actions[0]
        return fields
    raise AssertionError(f"no example fields for the kind '{task.kind}' yet: add them here")
