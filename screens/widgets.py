"""Widgets of the wizard: a field row rendered from a Plan declaration, list buttons, and the keys footer. The
implications panel is screens.panel_view."""

from __future__ import annotations

import re
import typing
from collections.abc import Callable

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.suggester import SuggestFromList
from textual.widget import AwaitMount, Widget
from textual.widgets import Button, Footer, Input, Label, Select, Static, Switch

from screens.text_updates import update_text
from wizard.cluster.choices import FieldChoices, may_offer
from wizard.frontend.steps import fixed
from wizard.planning.declare import Declaration


def field_id(path: str) -> str:
    """A DOM id for a Plan path (`channels[1].name` -> `f-channels-1--name`)."""
    return "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", path)


class FieldRow(Vertical):
    """One decision: its label, the control for its type, its help and values keys, and its problem if any."""

    class Edited(Message):
        """The operator changed the field; `text` is the value as typed (booleans as true/false); `typed` when it
        came from a key typed in a text field (one answer per key, not one per choice)."""

        def __init__(self, path: str, text: str, *, typed: bool = False) -> None:
            super().__init__()
            self.path, self.text, self.typed = path, text, typed

    def __init__(self, decl: Declaration, text: str, problem: str | None, *, relevant: bool = True,
                 choices: FieldChoices | None = None, origin: str = "", placeholder: str = "") -> None:
        super().__init__(id=field_id(decl.path), classes="field -invalid" if problem else "field")
        self.decl, self.text, self.problem, self.choices, self.origin = decl, text, problem, choices, origin
        self.placeholder = placeholder
        """What the field says while empty (wizard.frontend.placeholders): its meaning, or "required"."""
        self.display = relevant
        self.built = relevant
        """Whether its parts exist: a field that does not matter is an empty row until it first does (most never
        do, and every part of every row costs the first screen)."""

    def compose(self) -> ComposeResult:
        if self.built:
            yield from self._parts()

    def _parts(self) -> list[Widget]:
        decl = self.decl
        parts: list[Widget] = [Label(decl.label, classes="field-label")]
        if (only := fixed(decl)) is not None:
            parts.append(Static(f"{only} (the only choice)", classes="field-fixed", markup=False))
        elif decl.annotation is bool:
            parts.append(FieldSwitch(self.text == "true", self._switched, classes="field-control"))
        elif decl.choices:
            optional = type(None) in typing.get_args(decl.annotation)  # blank = empty: the chart's default
            value = self.text or (Select.NULL if optional else decl.choices[0])
            parts.append(Select([(c, c) for c in decl.choices], value=value, allow_blank=optional,
                                prompt="(chart default)", classes="field-control"))
        else:
            parts.append(Input(self.text, placeholder=self.placeholder, select_on_focus=False,
                               classes="field-control", suggester=_suggester(self.choices)))
        keys = ", ".join(key.split(":", 1)[1] for key in decl.values_keys)
        parts.append(Static(decl.help + (f"  [values: {keys}]" if keys else ""), classes="field-help", markup=False))
        origin = Static(self.origin, classes="field-origin", markup=False)
        origin.display = bool(self.origin)
        parts.append(origin)
        if may_offer(decl.path):  # only where a cluster can offer names: fewer widgets, a faster first screen
            cluster = Static(self.choices.note if self.choices else "", classes="field-cluster", markup=False)
            cluster.display = self.choices is not None
            parts.append(cluster)
        parts.append(Static(self.problem or "", classes="field-error", markup=False))
        return parts

    def show(self, wanted: bool) -> AwaitMount | None:
        """Show or hide the field as the answers change what matters; the first time it is shown its parts are
        built (await the result to focus them)."""
        building = None
        if wanted and not self.built:
            self.built = True
            building = self.mount_all(self._parts())
        if self.display != wanted:  # only then: each change makes Textual lay the step out again
            self.display = wanted
        return building

    def show_origin(self, origin: str) -> None:
        if origin != self.origin:  # unchanged: no repaint
            self.origin = origin
            if self.built:
                shown = self.query_one(".field-origin", Static)
                update_text(shown, origin)
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

    def focus_control(self) -> bool:
        """Focus its control without scrolling (the caller decides what must be in view); False when it has none
        (a decision with one choice only is shown, not asked)."""
        for control in self.query(".field-control").results():
            control.focus(scroll_visible=False)
            return True
        return False

    def show_value(self, text: str) -> None:
        """Make the control hold `text` (the answers changed elsewhere: a resume, a quick fix); its change event then
        finds the answers already saying so, and changes nothing."""
        if not self.built:
            self.text = text  # built later, from this
            return
        for control in self.query(".field-control").results():
            if isinstance(control, Input) and control.value != text:
                control.value = text
            elif isinstance(control, Switch) and control.value != (text == "true"):
                control.value = text == "true"
            elif isinstance(control, Select) and control.value != (text or Select.NULL):
                control.value = text or Select.NULL

    def show_placeholder(self, placeholder: str) -> None:
        if placeholder != self.placeholder:  # unchanged: no repaint
            self.placeholder = placeholder
            for control in self.query(Input):
                control.placeholder = placeholder

    def show_problem(self, problem: str | None) -> None:
        if problem == self.problem:
            return  # unchanged: no repaint
        self.problem = problem
        if self.built:
            self.query_one(".field-error", Static).update(problem or "")
        self.set_class(problem is not None, "-invalid")

    def _edited(self, message: FieldRow.Edited) -> None:
        """Straight to the App, which takes every answer: bubbling up through the page, the columns and the screen
        was six trips through message queues, a third of the time from a toggle to its panel."""
        self.app.post_message(message)

    def on_switch_changed(self, event: Switch.Changed) -> None:
        event.stop()  # the switch has told the App already (FieldSwitch)

    def _switched(self, value: bool) -> None:
        self._edited(self.Edited(self.decl.path, "true" if value else "false"))

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self._edited(self.Edited(self.decl.path, "" if event.value is Select.NULL else str(event.value)))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._edited(self.Edited(self.decl.path, event.value, typed=True))


class FieldSwitch(Switch):
    """A field's switch, which tells the App as it changes rather than by its Changed message: the message went
    through the switch's queue and its row's before the App's, and a frame that drew the switch alone came first
    (3 ms, a fifth of the 16 a toggle has until its panel is drawn). The App then draws the switch with the panel."""

    def __init__(self, value: bool, changed: Callable[[bool], None], *, classes: str) -> None:
        super().__init__(value, animate=False, classes=classes)
        self._changed = changed

    def watch_value(self, value: bool) -> None:
        super().watch_value(value)  # restyled (and its Changed message posted, which its row only stops)
        self._changed(value)


class KeysFooter(Footer):
    """Textual's footer, compact, rebuilt only when the keys it shows change. Textual rebuilds it whenever the focus
    moves, though moving between fields keeps the same keys: that rebuild cost every step change 40 to 100 ms.

    Below ROOMY columns it leaves out the panel's tab keys (F5-F7: the tab titles name them too), so that the other
    keys fit in 80 columns, the Accounts step's F3 included."""

    ROOMY = 110
    TAB_KEYS = ("f5", "f6", "f7")
    _keys: tuple[object, ...] | None = None

    def __init__(self) -> None:
        super().__init__(compact=True)

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if getattr(widget, "key", None) in self.TAB_KEYS:  # a FooterKey (not public in Textual)
                widget.add_class("-tab-key")
            yield widget

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < self.ROOMY, "-short")

    def bindings_changed(self, screen: Screen) -> None:
        palette = self.app.COMMAND_PALETTE_BINDING
        keys = tuple((key, binding.description, enabled, tooltip) for key, (_, binding, enabled, tooltip)
                     in screen.active_bindings.items() if binding.show or key == palette)
        if keys != self._keys:
            self._keys = keys
            super().bindings_changed(screen)


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


