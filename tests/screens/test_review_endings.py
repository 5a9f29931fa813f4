"""How the review ends a run says what it does (issue 16's --dry-run gap, issue 17's network mode): `--dry-run`
checks and writes nothing, a network's organisation keeps its answers for the network file; neither offers to
install, and each asks its own question before leaving."""

from __future__ import annotations

import pytest
from test_app import settle  # noqa: E402,I001 - the Pilot helpers every TUI test shares
from test_review_step import plan_with, to_review  # noqa: E402,I001
from textual.widgets import Button

from screens.app import make_app
from screens.modals import ConfirmWrite
from wizard.frontend.review import DRY_RUN_ENDING, KEEP_ENDING, WRITE_ENDING


@pytest.mark.parametrize(("ending", "button", "said"), [
    (WRITE_ENDING, "Write files", "The wizard will write"),
    (DRY_RUN_ENDING, "Check (dry run)", "Nothing is written and nothing in the cluster changes"),
    (KEEP_ENDING, "Keep answers", "own decisions in the network file"),
])
async def test_the_review_s_action_says_what_it_does(tmp_path, ending, button: str, said: str) -> None:  # type: ignore[no-untyped-def]
    app = make_app(plan_with(), out_dir=tmp_path, ending=ending)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_review(app, pilot)
        assert str(app.query_one("#next", Button).label) == button
        assert app.query_one("#install", Button).display is ending.offers_install
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        modal = app.screen
        assert isinstance(modal, ConfirmWrite) and said in modal.question
        assert str(modal.query_one("#confirm-yes", Button).label) == ending.title
        await pilot.press("enter")
        await settle(app, pilot)
    assert app.return_value == plan_with() and not app.install_requested
    assert list(tmp_path.iterdir()) == []  # the app itself never writes: the command does, after it


async def test_a_network_organisation_s_answers_are_no_run_to_resume(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Its steps were saved as the single run's draft: a later `wizard --preset minimal` offered to resume them."""
    from test_app import go_to, minimal  # noqa: E402,I001
    from textual.widgets import Input

    from screens.widgets import field_id
    from wizard.frontend import resume

    for ending, kept in ((WRITE_ENDING, True), (KEEP_ENDING, False)):
        resume.clear()
        app = make_app(minimal(), ending=ending)
        async with app.run_test(size=(100, 30)) as pilot:
            await go_to(app, pilot, "organisation")
            app.query_one(f"#{field_id('organisation.name')} Input", Input).value = "org-7"
            await settle(app, pilot)
        saved = resume.load()
        assert (saved is not None and saved.data["organisation"]["name"] == "org-7") is kept, ending.kind
