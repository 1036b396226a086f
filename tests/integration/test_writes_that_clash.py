"""Two requests that make the same new row at once (two tabs, a double tap) get a plain 409, never a 500."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import Learner


def test_a_write_that_clashes_with_one_already_saved_gets_a_409_and_the_saved_one_stays(app):
    with app.app_context():
        db.session.add(Learner(username="sam"))
        db.session.commit()

    def second_tab():
        # What the slower of two tabs does: make the same row the faster one has just saved.
        db.session.add(Learner(username="sam"))
        db.session.commit()
        return "saved twice"

    app.add_url_rule("/second-tab", "second_tab", second_tab)
    page = app.test_client().get("/second-tab")
    assert page.status_code == 409
    assert "That was sent twice at once" in page.text and "Your progress is saved" in page.text
    api = app.test_client().get("/second-tab", headers={"Accept": "application/json"})
    assert api.status_code == 409
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Learner).where(Learner.username == "sam")) == 1
