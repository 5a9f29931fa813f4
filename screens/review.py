"""The review step's widgets: what still blocks writing, the cluster's verdicts, the rules' notes ("Before you write"),
which files will be written (their text in the viewer, key v), the findings grouped by severity, then the buttons
that write.

Notes and findings are ReviewLists: each item whole (wrapped, never cut), with what to do about it; Enter goes to the
step and field that decide it, f makes its quick fix. What they say is plain data (wizard.frontend.review).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.geometry import Region
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from wizard.frontend import review
from wizard.frontend.draft import Draft
from wizard.frontend.fixes import Fix
from wizard.frontend.review import ReviewGroup, ReviewItem
from wizard.planning.rules import notes
from wizard.reporting.findings import Finding

SEVERITY_STYLE = {"danger": "bold $text-error", "warning": "bold $text-warning", "info": "bold $text-primary"}


class ReviewList(OptionList):
    """Notes or findings under their headings, each whole, with what to do about it. The headings cannot be
    highlighted; the step column follows the highlight (the list is as tall as its items: no scroll of its own)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("f", "quick_fix", "Fix")]

    class FixChosen(Message):
        """The operator asked for the highlighted item's quick fix."""

        def __init__(self, fix: Fix) -> None:
            super().__init__()
            self.fix = fix

    def __init__(self, entries: Sequence[Content | ReviewItem], *, id: str) -> None:  # noqa: A002 (Textual's name)
        self.items: dict[str, ReviewItem] = {}
        options: list[Option | None] = []
        for number, entry in enumerate(entries):
            if isinstance(entry, Content):  # a heading, after a rule
                options += [None] if options else []
                options.append(Option(entry, id=f"heading-{number}", disabled=True))
                continue
            if options and not options[-1].disabled:  # type: ignore[union-attr]
                options.append(None)  # a rule between two items
            options.append(Option(_prompt(entry), id=str(number)))
            self.items[str(number)] = entry
        super().__init__(*options, id=id, classes="review-list")
        self.highlighted = next((i for i, o in enumerate(self.options) if not o.disabled), None)

    @property
    def highlighted_item(self) -> ReviewItem | None:
        option = self.highlighted_option
        return None if option is None else self.items.get(option.id or "")

    def item_of(self, option: Option) -> ReviewItem | None:
        return self.items.get(option.id or "")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """f only where the highlighted item has a quick fix (the footer shows it then)."""
        if action == "quick_fix":
            item = self.highlighted_item
            return item is not None and item.fix is not None
        return True

    def action_quick_fix(self) -> None:
        item = self.highlighted_item
        if item is not None and item.fix is not None:
            self.post_message(self.FixChosen(item.fix))

    def watch_highlighted(self, highlighted: int | None) -> None:
        super().watch_highlighted(highlighted)
        self.refresh_bindings()

    def scroll_to_highlight(self, top: bool = False) -> None:
        """The highlighted item in view in the step column, which scrolls for the list."""
        super().scroll_to_highlight(top)
        column = next((a for a in self.ancestors if isinstance(a, Widget) and a.id == "step"), None)
        if self.highlighted is None or column is None or not self.is_mounted or not self.has_focus:
            return
        self._update_lines()
        line = self._index_to_line.get(self.highlighted)
        if line is None:
            return
        top_y = self.content_region.y - column.content_region.y + int(column.scroll_y) + line
        column.scroll_to_region(Region(0, top_y, 1, self._heights[self.highlighted]), animate=False, immediate=True)


def _prompt(item: ReviewItem) -> Content:
    """The item whole, then its quick fix and where Enter leads (or what to do when nothing in the wizard does)."""
    lines = [Content.assemble((f"{item.severity.upper()} ", SEVERITY_STYLE[item.severity]), item.text)]
    if item.fix is not None:
        lines.append(Content.styled(f"f: {item.fix.does}", "bold $accent"))
    lines.append(Content.styled(f"Enter: go to {item.where}" if item.step else item.todo, "italic"))
    return Content("\n").join(lines)


class ReviewPage(Vertical):
    """The review below its title: its keys (v opens the values files) hold wherever the focus is on it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("v", "app.view_files", "Files")]


def review_widgets(draft: Draft, findings: list[Finding], admission: list[Static], out_dir: Path | None
                   ) -> list[Widget]:
    """What blocks writing, the cluster's verdicts, then the page: notes, files (written to `out_dir`), findings
    (the buttons that write sit under every page: screens.step_pages)."""
    problems = [Static(f"! {p}", classes="field-error", markup=False) for p in draft.problems]
    page: list[Widget] = []
    noted = notes(draft.plan)
    if noted:
        page += [Static(review.BEFORE_YOU_WRITE, classes="review-heading"),
                 Static(review.NOTES_ABOUT, classes="field-help"),
                 ReviewList(review.note_items(noted, draft), id="notes")]
    page += [Static("The files", classes="review-heading"),
             Static(f"{review.files_summary(draft.plan, out_dir)} Press v, or the button, to read the values files "
                    "as they will be written.", id="files-summary", markup=False),
             Button("View the values files", id="view-files", classes="review-button")]
    groups = review.finding_groups(findings, noted, draft)
    count = sum(len(group.items) for group in groups)
    about = " ".join(filter(None, (review.FINDINGS_ABOUT, review.page_note(findings))))
    page += [Static(f"Findings ({count})", classes="review-heading"), Static(about, classes="field-help")]
    if groups:
        page.append(ReviewList(_entries(groups), id="findings"))
    return [*problems, *admission, ReviewPage(*page, id="review")]


def _entries(groups: list[ReviewGroup]) -> list[Content | ReviewItem]:
    entries: list[Content | ReviewItem] = []
    for group in groups:
        entries += [Content.styled(f"{group.heading} ({len(group.items)})", SEVERITY_STYLE[group.severity]),
                    *group.items]
    return entries
