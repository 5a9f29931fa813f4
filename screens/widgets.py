"""Widgets of the wizard: a field row rendered from a Plan declaration, and the implications panel."""

from __future__ import annotations

import re
import typing

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widgets import Button, DataTable, Input, Label, Select, Static, Switch, TabbedContent, TabPane

from wizard.cluster.choices import FieldChoices, may_offer
from wizard.declare import Declaration
from wizard.panel import Changes, Panel, Row


def field_id(path: str) -> str:
    """A DOM id for a Plan path (`channels[1].name` -> `f-channels-1--name`)."""
    return "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", path)


class FieldRow(Vertical):
    """One decision: its label, the control for its type, its help and values keys, and its problem if any."""

    class Edited(Message):
        """The operator changed the field; `text` is the value as typed (booleans as true/false)."""

        def __init__(self, path: str, text: str) -> None:
            super().__init__()
            self.path, self.text = path, text

    def __init__(self, decl: Declaration, text: str, problem: str | None, *, relevant: bool = True,
                 choices: FieldChoices | None = None, origin: str = "") -> None:
        super().__init__(id=field_id(decl.path), classes="field -invalid" if problem else "field")
        self.decl, self.text, self.problem, self.choices, self.origin = decl, text, problem, choices, origin
        self.display = relevant

    def compose(self) -> ComposeResult:
        decl = self.decl
        yield Label(decl.label, classes="field-label")
        if decl.annotation is bool:
            yield Switch(self.text == "true", animate=False, classes="field-control")
        elif decl.choices:
            optional = type(None) in typing.get_args(decl.annotation)  # blank = empty: the chart's default
            value = self.text or (Select.NULL if optional else decl.choices[0])
            yield Select([(c, c) for c in decl.choices], value=value, allow_blank=optional, prompt="(chart default)",
                         classes="field-control")
        else:
            yield Input(self.text, placeholder=_placeholder(decl.annotation), select_on_focus=False,
                        classes="field-control", suggester=_suggester(self.choices))
        keys = ", ".join(key.split(":", 1)[1] for key in decl.values_keys)
        yield Static(decl.help + (f"  [values: {keys}]" if keys else ""), classes="field-help", markup=False)
        origin = Static(self.origin, classes="field-origin", markup=False)
        origin.display = bool(self.origin)
        yield origin
        if may_offer(decl.path):  # only where a cluster can offer names: fewer widgets, a faster first screen
            cluster = Static(self.choices.note if self.choices else "", classes="field-cluster", markup=False)
            cluster.display = self.choices is not None
            yield cluster
        yield Static(self.problem or "", classes="field-error", markup=False)

    def show_origin(self, origin: str) -> None:
        if origin != self.origin:  # unchanged: no repaint
            self.origin = origin
            shown = self.query_one(".field-origin", Static)
            shown.update(origin)
            shown.display = bool(origin)

    def offer(self, choices: FieldChoices | None) -> None:
        """What the cluster has for this field: typed names complete from it (Right arrow accepts), and a line
        says what there is."""
        if choices == self.choices:
            return
        self.choices = choices
        for control in self.query(Input):
            control.suggester = _suggester(choices)
        for cluster in self.query(".field-cluster").results(Static):
            cluster.update(choices.note if choices else "")
            cluster.display = choices is not None

    def focus_control(self) -> None:
        self.query(".field-control").first().focus()

    def show_problem(self, problem: str | None) -> None:
        if problem == self.problem:
            return  # unchanged: no repaint
        self.problem = problem
        self.query_one(".field-error", Static).update(problem or "")
        self.set_class(problem is not None, "-invalid")

    def on_switch_changed(self, event: Switch.Changed) -> None:
        event.stop()
        self.post_message(self.Edited(self.decl.path, "true" if event.value else "false"))

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.post_message(self.Edited(self.decl.path, "" if event.value is Select.NULL else str(event.value)))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Edited(self.decl.path, event.value))


class ItemHeading(Static):
    """Where one item of a list starts ("Channel 2"); `probe` as for ListButton."""

    def __init__(self, text: str, probe: str) -> None:
        super().__init__(text, classes="item-heading", markup=False)
        self.probe = probe


class ListButton(Button):
    """Adds an item to a list decision (`index` None) or removes item `index`; `probe` is a field path whose
    relevance decides whether the button is shown (no image list without the bundled registry)."""

    def __init__(self, label: str, list_path: str, index: int | None, probe: str) -> None:
        kind = "add" if index is None else f"remove-{index}"
        super().__init__(label, id=f"{kind}-{field_id(list_path)}", classes="list-button")
        self.list_path, self.index, self.probe = list_path, index, probe


def _suggester(choices: FieldChoices | None) -> SuggestFromList | None:
    return SuggestFromList(choices.values) if choices and choices.values else None


def _placeholder(annotation: object) -> str:
    """What an empty text field means: a required one says so instead of promising a default."""
    if typing.get_origin(annotation) is tuple:
        return "(empty: none; items separated by commas)"
    if type(None) in typing.get_args(annotation):
        return "(empty: automatic or the chart's default)"
    return "(required)"


_SECTIONS = (("security", "Security", ("", "Pod", "Level", "Root")),
             ("network", "Network", ("", "Pod", "Incoming", "Outgoing")),
             ("volumes", "Volumes", ("", "Claim", "Component", "", "Size", "Class", "Access")))


class ImplicationsPanel(Vertical):
    """What the current decisions do: Security, Network and Volumes tabs; rows the last change touched are marked
    + (added) or ~ (changed), and rows worth attention are flagged !."""

    def compose(self) -> ComposeResult:
        yield Static("", id="namespace-levels", markup=False)
        with TabbedContent():
            for key, title, _ in _SECTIONS:
                with TabPane(title, id=f"tab-{key}"):
                    yield DataTable(id=f"table-{key}", cursor_type="row", zebra_stripes=True)
        yield Static("", id="removed", markup=False)

    def show(self, panel: Panel, changes: Changes) -> None:
        levels = ", ".join(f"{ns}: {level}" for ns, level in panel.namespace_levels)
        self.query_one("#namespace-levels", Static).update(f"Namespaces can enforce Pod Security {levels}")
        for key, _, labels in _SECTIONS:
            table = self.query_one(f"#table-{key}", DataTable)
            rows = [(_mark(row, changes.marks(key, row.key)), *row.cells) for row in getattr(panel, key)]
            table.clear(columns=True)
            for index, label in enumerate(labels):  # widths measured here, not on idle: drawn once, at once
                table.add_column(label, width=max([len(label), *(len(cells[index]) for cells in rows)]))
            for row, cells in zip(getattr(panel, key), rows, strict=True):
                table.add_row(*cells, key=row.key)
        removed = sorted({key for _, key in changes.removed})  # a pod leaves several sections: named once
        self.query_one("#removed", Static).update(f"- removed: {', '.join(removed)}" if removed else "")


def _mark(row: Row, change: str) -> str:
    return change + ("!" if row.alert else "")
