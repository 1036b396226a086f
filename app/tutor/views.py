"""Tutor pages. Every view is for tutors (or admins) only, and shows only the tutor's own groups."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..auth.roles import tutor_required
from ..badges.certificate import qr_svg
from ..content import current_course
from ..models import Group, utcnow
from ..services import HELP_SESSION_HOURS
from ..urls import public_url
from . import bp, dashboard, funding_report, groups as group_list, learner_record, words
from .groups import GroupError, Member
from .problems import content_problems

PAGE_MAX = 10**6  # a page number past any group's last page, so a huge one is never sent to the database


@bp.context_processor
def _helpers() -> dict:
    """Give the tutor pages their ways of writing names and times."""
    return {"learner_name": words.learner_name, "uk_time": words.uk_time,
            "days_ago": lambda when: words.days_ago(when, utcnow())}


def _group_or_404(group_id: int) -> Group:
    """Return the group if the signed-in user may see it; to anyone else it does not exist."""
    group = group_list.visible_group(current_user, group_id)
    if group is None:
        abort(404)
    return group


def _member_or_404(group_id: int, learner_id: int) -> tuple[Group, Member]:
    """Return a group the signed-in user may see and one of its learners, or answer 404."""
    group = _group_or_404(group_id)
    member = group_list.group_member(group, learner_id)
    if member is None:
        abort(404)
    return group, member


@bp.get("/")
@tutor_required
def groups():
    """List the tutor's groups (an admin sees every group), with a form to make one."""
    return _groups_page()


def _groups_page(error: GroupError | None = None, name: str = ""):
    return render_template("tutor/groups.html", groups=group_list.groups_for(current_user), error=error,
                           name=name, name_max=group_list.GROUP_NAME_MAX,
                           problems=content_problems()), (422 if error else 200)


@bp.post("/groups")
@tutor_required
def create_group():
    """Make a group, then show its page with the code learners join with."""
    name = request.form.get("name", "")
    try:
        group = group_list.create_group(current_user, name)
    except GroupError as error:
        return _groups_page(error, name)
    flash(f"You made the group “{group.name}”. Give your learners its code, {group.join_code}, to join it.")
    return redirect(url_for("tutor.group", group_id=group.id))


@bp.get("/groups/<int:group_id>")
@tutor_required
def group(group_id: int):
    """Show a group's dashboard: who needs help, a page of everyone's progress, and what the group finds hardest."""
    page = min(request.args.get("page", 1, type=int), PAGE_MAX)
    board = dashboard.group_dashboard(_group_or_404(group_id), page, request.args.get("sort", "name"))
    return render_template("tutor/dashboard.html", board=board, group=board.group,
                           join_url=public_url("auth.join"))


@bp.get("/groups/<int:group_id>/hardest")
@tutor_required
def hardest(group_id: int):
    """Show what the group finds hardest: the questions answered wrong most, and the mix-ups shown most."""
    group = _group_or_404(group_id)
    course = current_course()
    return render_template("tutor/hardest.html", group=group, hardest=dashboard.hardest(course, group),
                           mixups=dashboard.common_mixups(course, group))


@bp.get("/groups/<int:group_id>/code")
@tutor_required
def join_code(group_id: int):
    """Show the group's join code large, with instructions for learners, to print or show on a screen."""
    group = _group_or_404(group_id)
    return render_template("tutor/code.html", group=group, join_url=public_url("auth.join"),
                           qr=qr_svg(public_url("auth.join", code=group.join_code)))


@bp.route("/groups/<int:group_id>/rename", methods=["GET", "POST"])
@tutor_required
def rename(group_id: int):
    """Give a group a new name."""
    group = _group_or_404(group_id)
    error = None
    name = request.form.get("name", group.name)
    if request.method == "POST":
        try:
            group_list.rename_group(group, name)
        except GroupError as exc:
            error = exc
        else:
            flash(f"The group is now called “{group.name}”. Its code has not changed.")
            return redirect(url_for("tutor.group", group_id=group.id))
    return render_template("tutor/rename.html", group=group, error=error, name=name,
                           name_max=group_list.GROUP_NAME_MAX), (422 if error else 200)


@bp.get("/groups/<int:group_id>/export.csv")
@tutor_required
def export(group_id: int):
    """Download the group's progress as a CSV file, one row per learner and module, for funding reports."""
    group = _group_or_404(group_id)
    filename = funding_report.report_filename(group, words.uk_time(utcnow()).date())
    # Streamed: the first rows reach the tutor while the rest are still being read.
    return Response(funding_report.report_csv(group), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "no-store"})


@bp.get("/groups/<int:group_id>/learners/<int:learner_id>")
@tutor_required
def learner(group_id: int, learner_id: int):
    """Show one learner: levels per skill, badges, what they are stuck on, and their answers."""
    group, member = _member_or_404(group_id, learner_id)
    return render_template("tutor/learner.html", group=group, report=learner_record.learner_report(member),
                           levels=words.LEVEL_MEANINGS, help_hours=HELP_SESSION_HOURS)


@bp.post("/groups/<int:group_id>/learners/<int:learner_id>/help")
@tutor_required
def help_learner(group_id: int, learner_id: int):
    """Start or stop helping a learner: while helping, their answers count as helped."""
    _, member = _member_or_404(group_id, learner_id)
    if request.form.get("helping") == "yes":
        learner_record.start_helping(current_user, member.learner)
    else:
        learner_record.stop_helping(member.learner)
    return redirect(url_for("tutor.learner", group_id=group_id, learner_id=learner_id, _anchor="helping"))


@bp.route("/groups/<int:group_id>/learners/<int:learner_id>/remove", methods=["GET", "POST"])
@tutor_required
def remove(group_id: int, learner_id: int):
    """Ask, then take a learner out of the group. Their progress stays theirs."""
    group, member = _member_or_404(group_id, learner_id)
    if request.method == "POST":
        group_list.remove_member(group, member.learner)
        flash(f"{words.learner_name(member.learner)} is no longer in this group. Their progress is still theirs.")
        return redirect(url_for("tutor.group", group_id=group.id))
    return render_template("tutor/remove.html", group=group, member=member)
