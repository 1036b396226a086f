"""The council's report: counts by month, topic, centre and area, small numbers hidden, on the page and in downloads."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
from sqlalchemy import select

from app.employer.models import LearnerArea
from app.extensions import db
from app.models import Award, Group, Learner, LearnerModuleState, Membership, utcnow
from engine.progress import LearnerState
from tests.integration.test_employers_and_opportunities import admin_client, learner_client, send

TOPIC = "passwords"


def add_learners(app, n: int, group: str | None = None, district: str | None = None, level: str | None = None):
    """Add n learners who started a topic, in a group and an area if given, each with a level if given."""
    with app.app_context():
        found = db.session.scalar(select(Group).where(Group.name == group)) if group else None
        if group and found is None:
            found = Group(name=group, join_code=f"G{group[:5].upper()}")
            db.session.add(found)
            db.session.flush()
        for _ in range(n):
            learner = Learner()
            db.session.add(learner)
            db.session.flush()
            db.session.add(LearnerModuleState(learner_id=learner.id, module_id=TOPIC,
                                                  state=LearnerState(TOPIC).as_dict()))
            if found:
                db.session.add(Membership(group_id=found.id, learner_id=learner.id))
            if district:
                db.session.add(LearnerArea(learner_id=learner.id, district=district))
            if level:
                db.session.add(Award(learner_id=learner.id, module_id=TOPIC, level=level, evidence={"skills": []}))
        db.session.commit()


def row(html: str, table_id: str, *cells: str) -> bool:
    """Say whether a report table has a row with these cells, in order."""
    section = html[html.index(f'id="{table_id}"'):]
    section = section[:section.index("</section>")]
    return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>" in section


def test_small_numbers_are_hidden_and_a_lone_hidden_one_hides_the_next_smallest(app):
    add_learners(app, 7, group="Bootle library", district="L20", level="bronze")
    add_learners(app, 6, group="Crosby hub", district="L23", level="bronze")
    add_learners(app, 2, group="Southport", district="PR8")
    page = admin_client(app).get("/report/").text
    month = f"{utcnow():%B %Y}"
    assert row(page, "started-by-month", month, "15")
    assert row(page, "started-by-centre", "Bootle library", "7")
    assert row(page, "started-by-centre", "Southport", "fewer than 5")
    assert row(page, "started-by-centre", "Crosby hub", "not shown"), "else Southport is 15 - 7 - 6"
    assert row(page, "started-by-area", "PR8", "fewer than 5") and row(page, "started-by-area", "L20", "7")
    assert row(page, "levels-by-topic", "Passwords and staying safe online", "Bronze", "13")
    assert row(page, "levels-by-month", month, "Passwords and staying safe online", "13")
    assert '<svg class="chart"' in page and "<script" not in page
    assert "Southport</text>" in page and ">2<" not in page.split('id="started-by-centre"')[1].split("</section>")[0]


def test_the_report_downloads_as_csv_and_as_a_spreadsheet_with_the_same_hidden_numbers(app):
    add_learners(app, 8, group="Bootle library", district="L20")
    add_learners(app, 3, group="Crosby hub", district="L23")
    admin = admin_client(app)
    response = admin.get("/report/report.csv")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["table", "heading", "subheading", "count"]
    assert ["Learners who started, by centre", "Crosby hub", "", "fewer than 5"] in rows
    assert ["Learners who started, by centre", "Bootle library", "", "not shown"] in rows
    sheet = admin.get("/report/report.xlsx")
    assert sheet.status_code == 200 and sheet.mimetype.endswith("spreadsheetml.sheet")
    book = zipfile.ZipFile(io.BytesIO(sheet.data))
    text = "".join(book.read(n).decode() for n in book.namelist() if n.endswith(".xml"))
    assert "Learners who started, by centre" in text and "fewer than 5" in text and "Crosby hub" in text


def test_only_admins_see_the_report(app):
    learner, _ = learner_client(app)
    assert learner.get("/report/").status_code == 403
    assert app.test_client().get("/report/report.csv").status_code == 302


@pytest.mark.parametrize("typed, kept", [("l20", "L20"), (" M1 ", "M1"), ("sw1a", "SW1A"), ("EC1A", "EC1A")])
def test_a_learner_gives_a_postcode_district_and_only_the_district_is_kept(app, typed, kept):
    learner, learner_id = learner_client(app)
    response = send(learner, "/account/area", "/account/area", {"district": typed})
    assert response.status_code == 302
    assert f"<strong>{kept}</strong>" in learner.get("/account").text
    with app.app_context():
        assert db.session.scalar(select(LearnerArea.district).where(LearnerArea.learner_id == learner_id)) == kept


@pytest.mark.parametrize("typed, message", [
    ("L20 3AB", "only the first part"), ("l203ab", "only the first part"), ("Liverpool", "like L20 or M1"),
    ("123", "like L20 or M1"), ("x" * 5000, "like L20 or M1"),
])
def test_a_full_postcode_or_anything_else_is_refused_and_nothing_is_kept(app, typed, message):
    learner, _ = learner_client(app)
    response = send(learner, "/account/area", "/account/area", {"district": typed})
    assert response.status_code == 422 and message in response.text
    with app.app_context():
        assert db.session.scalar(select(LearnerArea.id)) is None


def test_an_empty_box_forgets_the_district(app):
    learner, _ = learner_client(app)
    send(learner, "/account/area", "/account/area", {"district": "L20"})
    send(learner, "/account/area", "/account/area", {"district": ""})
    with app.app_context():
        assert db.session.scalar(select(LearnerArea.id)) is None


def test_a_chart_draws_a_bar_for_each_shown_count_in_proportion_and_words_for_a_hidden_one():
    from app.report.charts import bar_chart

    svg = str(bar_chart("c", "Learners", [("Bootle", 10), ("Crosby", "fewer than 5"), ("Southport " * 8, 5)]))
    widths = [int(w) for w in re.findall(r'<rect x="0" y="\d+" width="(\d+)"', svg)]
    assert len(widths) == 2 and widths[0] == 2 * widths[1]
    assert "fewer than 5</text>" in svg and "Southport Southport" in svg and "…</text>" in svg
    assert '<title id="c-title">' in svg and 'aria-labelledby="c-title"' in svg
