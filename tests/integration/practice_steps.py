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
    more = {"bank": _bank, "files": _files, "job-board": _job_board, "application-form": _application_form,
            "online-form": _online_form}
    if task.kind in more:
        return more[task.kind](scenario, right)
    raise AssertionError(f"no example fields for the kind '{task.kind}' yet: add them here")


def _bank(bank, right: bool) -> dict:
    sign_in = bank.sign_in
    fields = {"customer-number": sign_in.customer_number}
    fields.update({f"character-{n}": sign_in.memorable_word[n - 1] for n in sign_in.characters})
    if sign_in.pin_request:
        fields["pin-request"] = "stop" if right else "type-pin"
    if bank.statement:
        fields["pending"] = list(bank.statement.pending) if right else []
        fields["spend"] = f"{(bank.statement.left_to_spend if right else bank.statement.balance) / 100:.2f}"
    if bank.new_payee:
        fields.update({"payee-name": bank.new_payee.name, "payee-amount": f"{bank.new_payee.amount / 100:.2f}",
                       "name-check": "check-another-way" if right else "pay-anyway"})
    if bank.standing_order:
        order = bank.standing_order
        fields.update({"order-to": order.to, "order-amount": f"{order.amount / 100:.2f}",
                       "order-how-often": order.how_often, "order-day": str(order.day)})
    if bank.direct_debits:
        fields.update({"cancel-debit": bank.direct_debits.cancel, "after-cancel": "tell-company" if right
                       else "nothing"})
    return fields


def _files(files, right: bool) -> dict:
    fields = {}
    if files.save:
        save = files.save
        word = next(w for w in save.name_words if w.casefold() in save.good_name.casefold())
        other = next(f.id for f in save.folders if f.id != save.folder) if len(save.folders) > 1 else save.folder
        fields.update({"file-name": save.good_name, "folder": save.folder, "search": word} if right else
                      {"file-name": "Document1", "folder": other, "search": "Document"})
    for purpose in files.formats:
        fields[f"format-{purpose.id}"] = purpose.format if right else ("word" if purpose.format == "pdf" else "pdf")
    if files.letter:
        fields["layout"] = "ABCD"[files.letter.layouts().index("clear" if right else "all-bold")]
    return fields


def _job_board(board, right: bool) -> dict:
    fields = {}
    for advert in board.adverts:
        fields[f"{advert.id}-verdict"] = "fake" if advert.fake and right else "real"
        if advert.fake and right:
            fields[f"{advert.id}-signs"] = list(advert.signs)
    return fields


def _application_form(form, right: bool) -> dict:
    statement = f"I want to work as a {form.job} because I enjoy {form.topic_words[0]} work."
    while len(statement.split()) < form.fewest_words:
        statement += " I work hard."
    fields = {"statement": statement, "declare": "yes",
              "right-to-work": form.right_to_work if right else ("no" if form.right_to_work == "yes" else "yes"),
              "attach": form.right_file if right else next(f for f in form.files if f != form.right_file)}
    for number, job in enumerate(form.jobs, 1):
        fields.update({f"job-{number}-title": job.title, f"job-{number}-employer": job.employer,
                       f"job-{number}-from": f"{job.start[1]:02d}/{job.start[0]}"})
        if job.end:
            fields[f"job-{number}-to"] = f"{job.end[1]:02d}/{job.end[0]}"
        else:
            fields[f"job-{number}-current"] = "yes"
    return fields


def _online_form(form, right: bool) -> dict:
    from engine.tasks.online_form import shown_date

    fields = {}
    for field in form.fields:
        if field.type == "choice":
            fields[field.id] = field.answer if right else next(c.id for c in field.choices if c.id != field.answer)
        elif field.type == "date":
            fields[field.id] = shown_date(field.answer) if right else "1 1 2000"
        else:  # a beginner types their own details, or a slip, in a box of the right shape
            fields[field.id] = field.shown if right else {"postcode": "AB1 2CD", "email": "me@example.com"}.get(
                field.type, "Someone Else")
    return fields
