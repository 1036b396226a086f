"""A learner launched from a VLE is not asked whether the computer is shared: the VLE's sign-in decides."""

from __future__ import annotations

from tests.integration.test_lti import MODULE, launch, learner_launch, tool, vle  # noqa: F401  (fixtures)
from tests.integration.test_shared_computer import ASKED


def test_a_learner_launched_from_a_vle_is_not_asked_about_a_shared_computer(tool, client, vle):  # noqa: F811
    assert launch(client, vle, learner_launch()).status_code == 302
    page = client.get(f"/modules/{MODULE}").text
    assert ASKED not in page and "Finish on this computer" in page
    assert client.get_cookie("remember_token") is None
