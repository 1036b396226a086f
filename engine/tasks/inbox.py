"""A pretend inbox of texts and emails: sort each into safe or scam, point at the clue, choose what to do.

Each scam has one main clue (who sent it, where its link goes, a rush to act,
or a request for a code) and one or more right things to do with it: forward a
scam text to 7726, forward a scam email to report@phishing.gov.uk, block the
sender, or call the bank on the number on your card.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from ..content_files import ID_PATTERN, FileReport, suggest
from .kind import Found, Outcome, Scenario, TaskKind, choice_field

CHANNELS = ("text", "email")
CLUES = {
    "sender": "Who sent it",
    "link": "Where the link goes",
    "urgency": "It rushes you to act",
    "code": "It asks for a code or password",
}
ACTIONS = {
    "forward-7726": "Forward it to 7726, the free number for reporting scam texts",
    "report-email": "Forward it to report@phishing.gov.uk",
    "block": "Block the sender",
    "call-bank": "Call the bank on the number on the back of your card",
    "reply": "Reply to ask if it is real",
    "open-link": "Open the link to check",
    "call-message-number": "Call the number in the message",
}
# Doing these with a scam message puts the learner in the scammer's hands.
UNSAFE_ACTIONS = ("reply", "open-link", "call-message-number")
VERDICTS = ("safe", "scam")
MOST_MESSAGES = 12


@dataclass(frozen=True)
class Message:
    """One pretend text or email in the inbox."""

    id: str
    channel: str  # "text" or "email"
    sender: str
    subject: str  # emails only
    body: str
    link: str  # the link address shown, "" if none
    scam: bool
    clue: str  # a scam's main clue, one of CLUES
    actions: tuple[str, ...]  # the right things to do with a scam, from ACTIONS
    why: str  # what the feedback says about this message


@dataclass(frozen=True)
class InboxScenario:
    """The pretend inbox: its messages, in the order shown."""

    messages: tuple[Message, ...]


class Inbox(TaskKind):
    """Sort a pretend inbox into safe messages and scams, naming each scam's clue and what to do about it."""

    name = "inbox"
    words = "pretend inbox"
    settings = {"messages": True}
    clues, actions = CLUES, ACTIONS  # the choices the page offers for each message
    mistakes = {
        "missed-scam": "A scam was marked safe. Scams can look very real.",
        "false-alarm": "A safe message was marked as a scam. Being careful is good; look again at what makes it safe.",
        "wrong-clue": "That is not the main clue in this scam.",
        "wrong-action": "That is not the best thing to do with this scam.",
        "unsafe-action": "Replying, opening the link or calling the number in a scam puts you in the scammer's hands.",
    }

    def read_scenario(self, scenario: Scenario, report: FileReport) -> InboxScenario | None:
        """Return the inbox's messages, checking each."""
        items = scenario.values.get("messages")
        line = scenario.line("messages")
        if not isinstance(items, list) or not items:
            report.error(line, "'messages' must list the messages, each starting with '- id: ...' on its own line")
            return None
        if len(items) > MOST_MESSAGES:
            report.error(line, f"an inbox has at most {MOST_MESSAGES} messages, so its page stays small; "
                               f"this one has {len(items)}")
            return None
        messages, seen, ok = [], set(), True
        for index, item in enumerate(items):
            message = _read_message(item, index, scenario, report)
            if message is None:
                ok = False
            elif message.id in seen:
                report.error(scenario.line("messages", index, "id"), f"message id '{message.id}' is used twice")
                ok = False
            else:
                seen.add(message.id)
                messages.append(message)
        if ok and not any(m.scam for m in messages):
            report.error(line, "the inbox has no scam in it: mark at least one message 'scam: yes'")
            ok = False
        return InboxScenario(tuple(messages)) if ok else None

    def read_steps(self, scenario: InboxScenario, fields: Mapping[str, list[str]]) -> dict:
        """Return, for each message, safe or scam and, for a scam, the clue and the action chosen."""
        steps = {}
        for number, message in enumerate(scenario.messages, 1):
            verdict = choice_field(fields, f"{message.id}-verdict", VERDICTS,
                                   f"Say whether message {number} is safe or a scam.")
            step = {"verdict": verdict}
            if verdict == "scam":
                step["clue"] = choice_field(fields, f"{message.id}-clue", CLUES,
                                            f"Choose the main clue in message {number}.")
                step["action"] = choice_field(fields, f"{message.id}-action", ACTIONS,
                                              f"Choose what you would do with message {number}.")
            steps[message.id] = step
        return steps

    def check(self, scenario: InboxScenario, steps: Mapping[str, Any]) -> Outcome:
        """Return whether every message was sorted right, with each mistake and the message it was in."""
        found: list[Found] = []
        for message in scenario.messages:
            step = steps.get(message.id) or {}
            verdict = step.get("verdict")
            if message.scam and verdict != "scam":
                found.append(Found("missed-scam", message.id, message.why))
            elif not message.scam and verdict == "scam":
                found.append(Found("false-alarm", message.id, message.why))
            elif message.scam:
                if step.get("clue") != message.clue:
                    found.append(Found("wrong-clue", message.id,
                                       f"The main clue: {CLUES[message.clue].lower()}. {message.why}"))
                if step.get("action") in UNSAFE_ACTIONS:
                    found.append(Found("unsafe-action", message.id))
                elif step.get("action") not in message.actions:
                    found.append(Found("wrong-action", message.id, "Better: " + "; or ".join(
                        ACTIONS[a][0].lower() + ACTIONS[a][1:] for a in message.actions) + "."))
        kept = {message.id: dict(steps.get(message.id) or {}) for message in scenario.messages}
        return Outcome(not found, tuple(found), kept)

    def part_name(self, scenario: InboxScenario, about: str) -> str:
        """Name a message as the learner saw it: "Message 2: the email from ..."."""
        for number, message in enumerate(scenario.messages, 1):
            if message.id == about:
                return f"Message {number}: the {message.channel} from {message.sender}"
        return ""


MESSAGE_KEYS = {"id": True, "type": True, "from": True, "subject": False, "text": True, "link": False,
                "scam": True, "clue": False, "actions": False, "why": True}


def _read_message(item, index: int, scenario: Scenario, report: FileReport) -> Message | None:
    """Read one message of the inbox, reporting each problem on its own line."""
    here = ("messages", index)
    if not isinstance(item, dict):
        report.error(scenario.line(*here), "each message is a list item of settings, starting '- id: ...'")
        return None
    ok = True

    def error(key: str, message: str) -> None:
        nonlocal ok
        report.error(scenario.line(*here, key), message)
        ok = False

    for key in item:
        if key not in MESSAGE_KEYS:
            error(key, f"unknown message setting '{key}'{suggest(str(key), MESSAGE_KEYS)}")
    for key, needed in MESSAGE_KEYS.items():
        value = item.get(key)
        if needed and key not in item:
            report.error(scenario.line(*here), f"message {index + 1} has no '{key}'")
            ok = False
        elif value is not None and key != "actions" and (not isinstance(value, str) or not value.strip()):
            error(key, f"the message's '{key}' must be some text")
    if not ok:
        return None
    message_id, channel = item["id"].strip(), item["type"].strip()
    if not ID_PATTERN.match(message_id):
        error("id", f"message id '{message_id}' must be small letters, numbers and hyphens")
    if channel not in CHANNELS:
        error("type", f"a message's 'type' is 'text' or 'email', not '{channel}'{suggest(channel, CHANNELS)}")
    scam = item["scam"].strip().lower()
    if scam not in ("yes", "no"):
        error("scam", f"'scam' is 'yes' or 'no', not '{item['scam']}'")
    scam = scam == "yes"
    clue = (item.get("clue") or "").strip()
    actions = item.get("actions") or []
    actions = [actions] if isinstance(actions, str) else actions
    if scam:
        if clue not in CLUES:
            error("clue", f"a scam's 'clue' is one of {', '.join(CLUES)}, not '{clue}'{suggest(clue, CLUES)}")
        if not isinstance(actions, list) or not actions or not all(isinstance(a, str) for a in actions):
            error("actions", "a scam's 'actions' lists the right things to do, like [forward-7726, block]")
        else:
            for action in actions:
                if action not in ACTIONS or action in UNSAFE_ACTIONS:
                    safe = [a for a in ACTIONS if a not in UNSAFE_ACTIONS]
                    error("actions", f"'{action}' is not one of the right things to do: {', '.join(safe)}"
                                     f"{suggest(action, safe)}")
    elif clue or actions:
        error("clue" if clue else "actions", "a safe message has no 'clue' or 'actions'")
    if not ok:
        return None
    return Message(message_id, channel, item["from"].strip(), (item.get("subject") or "").strip(),
                   item["text"].strip(), (item.get("link") or "").strip(), scam, clue, tuple(actions),
                   item["why"].strip())
