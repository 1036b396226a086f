"""Tutor pages. Every view is for tutors (or admins) only, and shows only the tutor's own groups."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..auth.roles import tutor_required
from ..badges.certificate import qr_svg
from ..models import Group, utcnow
from ..services import HELP_SESSION_HOURS
from ..urls import public_url
from . import bp, dashboard
from .dashboard import GroupError, Member
from .problems import content_problems


@bp.context_processor
def _helpers() -> dict:
    """Give the tutor pages their ways of writing names and times."""
    return {"learner_name": dashboard.learner_name, "uk_time": dashboard.uk_time,
            "days_ago": lambda when: dashboard.days_ago(when, utcnow())}


def _group_or_404(group_id: int) -> Group:
    """Return the group if the signed-in user may see it; to anyone else it does not exist."""
    group = dashboard.visible_group(current_user, group_id)
    if group is None:
        abort(404)
    return group


def _member_or_404(group_id: int, learner_id: int) -> tuple[Group, Member]:
    """Return a group the signed-in user may see and one of its learners, or answer 404."""
    group = _group_or_404(group_id)
    member = dashboard.group_member(group, learner_id)
    if member is None:
        abort(404)
    return group, member


@bp.get("/")
@tutor_required
def groups():
    """List the tutor's groups (an admin sees every group), with a form to make one."""
    return _groups_page()


def _groups_page(error: GroupError | None = None, name: str = ""):
    return render_template("tutor/groups.html", groups=dashboard.groups_for(current_user), error=error,
                           name=name, name_max=dashboard.GROUP_NAME_MAX,
                           problems=content_problems()), (422 if error else 200)


@bp.post("/groups")
@tutor_required
def create_group():
    """Make a group, then show its page with the code learners join with."""
    name = request.form.get("name", "")
    try:
        group = dashboard.create_group(current_user, name)
    except GroupError as error:
        return _groups_page(error, name)
    flash(f"You made the group “{group.name}”. Give your learners its code, {group.join_code}, to join it.")
    return redirect(url_for("tutor.group", group_id=group.id))


@bp.get("/groups/<int:group_id>")
@tutor_required
def group(group_id: int):
    """Show a group's dashboard: who needs help, everyone's progress, and what the group finds hardest."""
    board = dashboard.group_dashboard(_group_or_404(group_id))
    return render_template("tutor/dashboard.html", board=board, group=board.group,
                           join_url=public_url("auth.join"))


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
            dashboard.rename_group(group, name)
        except GroupError as exc:
            error = exc
        else:
            flash(f"The group is now called “{group.name}”. Its code has not changed.")
            return redirect(url_for("tutor.group", group_id=group.id))
    return render_template("tutor/rename.html", group=group, error=error, name=name,
                           name_max=dashboard.GROUP_NAME_MAX), (422 if error else 200)


@bp.get("/groups/<int:group_id>/export.csv")
@tutor_required
def export(group_id: int):
    """Download the group's progress as a CSV file, one row per learner and module, for funding reports."""
    group = _group_or_404(group_id)
    filename = dashboard.report_filename(group, dashboard.uk_time(utcnow()).date())
    return Response(dashboard.report_csv(group), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "no-store"})


@bp.get("/groups/<int:group_id>/learners/<int:learner_id>")
@tutor_required
def learner(group_id: int, learner_id: int):
    """Show one learner: levels per skill, badges, what they are stuck on, and their answers."""
    group, member = _member_or_404(group_id, learner_id)
    return render_template("tutor/learner.html", group=group, report=dashboard.learner_report(member),
                           levels=dashboard.LEVEL_MEANINGS, help_hours=HELP_SESSION_HOURS)


@bp.post("/groups/<int:group_id>/learners/<int:learner_id>/help")
@tutor_required
def help_learner(group_id: int, learner_id: int):
    """Start or stop helping a learner: while helping, their answers count as helped."""
    _, member = _member_or_404(group_id, learner_id)
    if request.form.get("helping") == "yes":
        dashboard.start_helping(current_user, member.learner)
    else:
        dashboard.stop_helping(member.learner)
    return redirect(url_for("tutor.learner", group_id=group_id, learner_id=learner_id, _anchor="helping"))


@bp.route("/groups/<int:group_id>/learners/<int:learner_id>/remove", methods=["GET", "POST"])
@tutor_required
def remove(group_id: int, learner_id: int):
    """Ask, then take a learner out of the group. Their progress stays theirs."""
    group, member = _member_or_404(group_id, learner_id)
    if request.method == "POST":
        dashboard.remove_member(group, member.learner)
        flash(f"{dashboard.learner_name(member.learner)} is no longer in this group. Their progress is still theirs.")
        return redirect(url_for("tutor.group", group_id=group.id))
    return render_template("tutor/remove.html", group=group, member=member)
