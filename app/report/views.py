"""The council's report pages, for admins: the tables with their charts, and the downloads."""

from __future__ import annotations

from datetime import date

from flask import Response, render_template

from ..auth.roles import admin_required
from ..models import utcnow
from . import bp, charts, downloads, figures


def _label(labels: tuple[str, ...]) -> str:
    return ", ".join(_month_words(label) for label in labels)


def _month_words(label: str) -> str:
    """Write a month like 2026-12 as December 2026; leave other labels as they are."""
    if len(label) == 7 and label[4] == "-" and label[:4].isdigit() and label[5:].isdigit():
        return f"{date(int(label[:4]), int(label[5:]), 1):%B %Y}"
    return label


@bp.get("/")
@admin_required
def report():
    """Show the report: each table with a chart drawn on the server beside it."""
    tables = figures.report()
    drawn = [(table, charts.bar_chart(f"chart-{table.id}", table.title,
                                      [(_label(labels), value) for labels, value in table.rows]))
             for table in tables]
    return render_template("report/report.html", drawn=drawn, label=_month_words, made_on=utcnow())


def _download(body, mimetype: str, extension: str) -> Response:
    response = Response(body, mimetype=mimetype)
    name = f"skills-passport-report-{utcnow():%Y-%m-%d}.{extension}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/report.csv")
@admin_required
def report_csv():
    """Download the report as a CSV file."""
    return _download(downloads.report_csv(figures.report()), "text/csv", "csv")


@bp.get("/report.xlsx")
@admin_required
def report_xlsx():
    """Download the report as a spreadsheet, a sheet for each table."""
    body = downloads.report_xlsx(figures.report(), f"{utcnow():%d %B %Y}")
    return _download(body, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
