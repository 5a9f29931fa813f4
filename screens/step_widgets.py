"""What a step shows, built from the state the App holds: a row per field (list items under headings, with Add and
Remove buttons) saying which layer set it (the review has its own module, screens.review). Plain functions of that
state, and FieldOrigins, the one cache: navigation builds a step with them and editing refreshes the rows' origins,
so neither owns them."""

from __future__ import annotations

from collections.abc import Sequence

from textual.widget import Widget

from screens.widgets import FieldRow, ItemHeading, ListButton
from wizard.cluster.choices import choices_for
from wizard.cluster.facts import ClusterFacts
from wizard.frontend.draft import Draft
from wizard.frontend.lists import ListDecision, first_field, lists_in
from wizard.frontend.placeholders import placeholder
from wizard.frontend.provenance import field_origin
from wizard.frontend.steps import Step, fields, relevant
from wizard.planning.declare import declarations
from wizard.planning.layers import Layer
from wizard.planning.plan import Plan

EDITED_HERE = "set here (interactive edit)"


class FieldOrigins:
    """Which layer set each field, or that the operator changed it here (provenance, as `wizard why` says). The
    layers never change during a run: each field's origin is looked up once."""

    def __init__(self, plan: Plan, layers: Sequence[Layer]) -> None:
        self.layers = tuple(layers)
        self._started = Draft.start(plan)
        self._found: dict[str, str] = {}

    def of(self, draft: Draft, path: str) -> str:
        if draft.text(path) != self._started.text(path):
            return EDITED_HERE
        if not self.layers:
            return ""
        if path not in self._found:
            try:
                self._found[path] = f"set by {field_origin(self.layers, path)}"
            except KeyError:  # an item the operator added: no layer knows it
                self._found[path] = EDITED_HERE
        return self._found[path]


def field_rows(step: Step, draft: Draft, cluster: ClusterFacts | None, origins: FieldOrigins) -> list[Widget]:
    """A row per field; the items of a list under a heading with a Remove button, and an Add button after the
    list (shown only while the list matters)."""
    shown, data = draft.shown, draft.data
    lists = {decision.path: decision for decision in lists_in(step.sections)}
    widgets: list[Widget] = []
    for decl in fields(step, shown, all_of_them=True, data=data):
        item = _item_of(decl.path, lists)
        if item is not None and decl.path == f"{item[0].path}[{item[1]}]{item[2]}":  # its first field
            decision, index, _ = item
            heading = f"{decision.item.capitalize()} {index + 1}"
            widgets.append(ItemHeading(heading, decl.path))
            widgets.append(ListButton(f"Remove {heading.lower()}", decision.path, index, decl.path))
        widgets.append(FieldRow(decl, draft.text(decl.path), draft.problem(decl.path),
                                relevant=relevant(decl.path, shown),
                                choices=choices_for(decl.path, shown, cluster),
                                origin=origins.of(draft, decl.path), placeholder=placeholder(decl, draft)))
    for decision in lists.values():
        probe = first_field(decision)
        at = max((i for i, w in enumerate(widgets) if isinstance(w, FieldRow) and
                  w.decl.path.startswith(decision.path + "[")), default=None)
        add = ListButton(f"Add {decision.one_more}", decision.path, None, probe)
        if at is None:  # an empty list: its Add button where the list would be
            at = _position_of_empty_list(widgets, decision.path)
        widgets.insert(at + 1, add)
    for widget in widgets:
        if isinstance(widget, ListButton | ItemHeading):
            widget.display = relevant(widget.probe, shown)
    return widgets


def _item_of(path: str, lists: dict[str, ListDecision]) -> tuple[ListDecision, int, str] | None:
    """(list, item index, the item's first field name) when `path` is a field of a list item."""
    for list_path, decision in lists.items():
        if path.startswith(list_path + "["):
            index = int(path[len(list_path) + 1:].split("]", 1)[0])
            return decision, index, first_field(decision).split("]", 1)[1]
    return None


def _position_of_empty_list(widgets: list[Widget], list_path: str) -> int:
    """Index of the row after which an empty list's Add button goes: the last field declared before the list."""
    order = [d.path for d in declarations()]
    start = next(i for i, path in enumerate(order) if path.startswith(list_path + "[0]"))
    before = set(order[:start])
    return max((i for i, w in enumerate(widgets) if isinstance(w, FieldRow) and w.decl.path in before), default=-1)
