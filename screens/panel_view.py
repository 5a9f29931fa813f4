"""The implications panel as drawn: the Security, Network and Volumes tabs of what the current decisions do.

Tables, in a panel 42 columns wide at 80x24: the name column stays put (fixed) while the others scroll; a name never
shares a column with anything that can cut it; what does not fit a table (container names, reasons, ports) is
wrapped text about the selected row. Every repaint updates the widgets in place (a table's rows, a text's content):
the panel is repainted after every answer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.console import RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Static, TabbedContent, TabPane

from screens.panel_table import PanelTable, TableCell, TableRow
from screens.text_updates import update_text
from wizard.frontend.panel import Changes, Panel, changes
from wizard.frontend.panel_network import BOTH, IN, INTERNET, LEGEND, NONE, OUT, exposure, ways_in
from wizard.frontend.panel_rows import PodDetail, Row

TABS = (("security", "Security", "f5"), ("network", "Network", "f6"), ("volumes", "Volumes", "f7"))
"""(tab, title, key): the keys are bound in screens/keys.py; the tab titles name them, and the footer when it has
room (screens.widgets.KeysFooter)."""
_LABELS = {"security": ("", "Pod", "Level", "Root"),
           "volumes": ("", "Claim", "Size", "Class", "Access", "Created", "Pod")}
_RIGHT = {"Root"}
"""Columns whose cells are right-aligned: a short count under its heading needs no gap before it."""
MATRIX_HEADING = f"Pod   {IN}in {OUT}out {BOTH}both {NONE}no"
"""The matrix's name column says how to read its cells (the full legend ends the pod's lists)."""
CLAIM_WIDTH = 24
"""A claim name longer than this is folded at its hyphens (names run to 46 characters)."""
SECTIONS = ("security", "network", "volumes")
_TEXTS = ("namespace-levels", "root-summary", "security-detail", "exposure", "ways-in", "network-detail", "removed")
_NOTHING = object()

class ImplicationsPanel(Vertical):
    """What the current decisions do: Security, Network and Volumes tabs; rows the last change touched are marked
    + (added) or ~ (changed), cells it changed are highlighted, and what is worth attention is in colour."""

    def __init__(self, first: Panel, *, id: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id)
        self.shown = first
        """The panel on the screen (the first one from the first frame on)."""
        self.last_change = changes(None, first)
        self._stale: str | None = None
        self._palette: dict[str, Style] | None = None
        self._texts = {name: Static("", id=name, markup=False) for name in _TEXTS}
        self._tables = {section: _table(section) for section in SECTIONS}
        self._waiting: list[str] = []
        """The sections show_first left to show_rest."""
        self._contents: dict[str, object] = {}
        """Per text, what it shows."""
        self._touched: dict[str, bool] = {}
        """Per tab, whether its title says that the last change touched it."""
        self._focus_back: Widget | None = None
        """Where the focus was before a tab key moved it into the panel (the field being edited)."""

    def compose(self) -> ComposeResult:
        """Everything filled before the first frame: the screen is laid out once, with its implications."""
        self.show(self.shown, self.last_change)
        texts, tables = self._texts, self._tables
        stale = Static("", id="stale", markup=False)
        stale.display = False
        yield stale
        with TabbedContent(id="panel-tabs"):
            with TabPane(_title("security"), id="tab-security"):
                yield from (texts["namespace-levels"], texts["root-summary"], tables["security"])
                yield VerticalScroll(texts["security-detail"], classes="pod-detail")
            with TabPane(_title("network"), id="tab-network"):
                yield from (texts["exposure"], texts["ways-in"], tables["network"])
                yield VerticalScroll(texts["network-detail"], classes="pod-detail")
            with TabPane(_title("volumes"), id="tab-volumes"):
                yield tables["volumes"]
        yield texts["removed"]

    def on_mount(self) -> None:
        """Each table opens on the first pod worth a look, so that the text under it says something at once."""
        for section in ("security", "network"):
            alerts = [index for index, row in enumerate(getattr(self.shown, section)) if row.alert]
            if alerts:
                self._tables[section].move_cursor(alerts[0])
        self._show_detail("security")
        self._show_detail("network")

    # --- what the App asks of it ------------------------------------------------------------------------------------

    def show(self, panel: Panel, last_change: Changes) -> None:
        """Repaint for a new panel: each table changes only the cells that differ (all its rows when its rows or
        columns differ), each text only if it differs."""
        self.show_first(panel, last_change)
        self.show_rest()

    def show_first(self, panel: Panel, last_change: Changes) -> None:
        """The part of `show` on the screen: the texts, the tab titles and the table of the tab shown (the others are
        two thirds of the time; show_rest fills them, once what is seen has been drawn)."""
        self.shown, self.last_change = panel, last_change
        self._update_texts(panel, last_change)
        active = self.query_one(TabbedContent).active.removeprefix("tab-") if self.is_mounted else None
        self._waiting = [section for section in SECTIONS if section != active]
        if active in SECTIONS:
            self._show_section(active)
        if self.is_mounted:  # the tab titles exist
            self._mark_tabs(last_change)

    def show_rest(self) -> None:
        """The tables of the tabs not shown, after show_first."""
        waiting, self._waiting = self._waiting, []
        for section in waiting:
            self._show_section(section)

    def _show_section(self, section: str) -> None:
        self._fill(section)
        if section != "volumes":
            self._show_detail(section)

    def mark_stale(self, note: str | None) -> None:
        """Say that the panel shows the last valid answers, not the last ones (None: it shows the last ones)."""
        if note != self._stale:  # unchanged: no repaint
            self._stale = note
            stale = self.query_one("#stale", Static)
            stale.update(note or "")
            stale.display = note is not None

    def show_tab(self, tab: str) -> None:
        """Bring a tab forward without taking the focus (the operator may be typing in a field). Asked for the tab
        already shown, move the focus into its table (to pick a pod with the arrows), or back to where it was."""
        tabs = self.query_one(TabbedContent)
        inside = self._has_focus()
        if tabs.active != f"tab-{tab}":
            tabs.active = f"tab-{tab}"
            if inside:  # browsing the panel: the focus follows to the tab shown
                self._tables[tab].focus()
        elif inside:
            back, self._focus_back = self._focus_back, None
            if back is not None and back.is_attached:
                back.focus()
            else:
                self.screen.focus_next()
        else:
            self._focus_back = self.app.focused
            self._tables[tab].focus()

    def next_tab(self) -> None:
        """The next tab, the focus left where it is (in the next tab's table if it was in the panel)."""
        tabs = [tab for tab, _, _ in TABS]
        current = self.query_one(TabbedContent).active.removeprefix("tab-")
        wanted = tabs[(tabs.index(current) + 1) % len(tabs)] if current in tabs else tabs[0]
        self.query_one(TabbedContent).active = f"tab-{wanted}"
        if self._has_focus():
            self._tables[wanted].focus()

    def _has_focus(self) -> bool:
        focused = self.app.focused
        return focused is not None and self in focused.ancestors_with_self

    def selected(self, section: str) -> str | None:
        """The row key under a table's cursor (None: an empty table)."""
        return self._tables[section].selected

    def on_panel_table_highlighted(self, event: PanelTable.Highlighted) -> None:
        """Moving the cursor in the Security or Network table says more about that pod at once."""
        section = (event.table.id or "").removeprefix("table-")
        if section in ("security", "network"):
            self._show_detail(section)

    # --- drawing ----------------------------------------------------------------------------------------------------

    def _update_texts(self, panel: Panel, last_change: Changes) -> None:
        self._set("namespace-levels", _levels(panel))
        self._set("root-summary", panel.roots)
        self._set("exposure", exposure(panel.internet, _marker(last_change, "internet")))
        self._set("ways-in", ways_in(panel.entries, _marker(last_change, "entries")))
        self._show_removed()

    def on_resize(self) -> None:
        """The names of the removed line broken again for the new width (laid out first at 0 columns: whole)."""
        self._show_removed()

    def _show_removed(self) -> None:
        removed = sorted({key for section, key in self.last_change.removed if section != "internet"})
        self._set("removed", _removed_line(removed, self.scrollable_content_region.width))
        if self._texts["removed"].display != bool(removed):  # each change of display lays the panel out again
            self._texts["removed"].display = bool(removed)

    def _set(self, name: str, content: object, shown: RenderableType | None = None) -> None:
        """A text's new content (`content` what it says, `shown` how, when not the content itself), only if it
        differs; the screen is laid out again only if the text's height changed."""
        if self._contents.get(name, _NOTHING) != content:
            self._contents[name] = content
            update_text(self._texts[name], content if shown is None else shown)  # type: ignore[arg-type]

    def _mark_tabs(self, last_change: Changes) -> None:
        """A tab's title says when the last change touched it: the operator may be looking at another tab."""
        for tab, _, _ in TABS:
            touched = last_change.touched(tab) or (tab == "network" and (last_change.touched("entries") or
                                                                         last_change.touched("internet")))
            if touched != self._touched.get(tab, False):  # a new title lays the tabs out again: only when it changes
                self._touched[tab] = touched
                self.query_one(TabbedContent).get_tab(f"tab-{tab}").label = _title(tab, touched)

    def _fill(self, section: str) -> None:
        """One table: columns as wide as their widest cell plus a gap (the table draws itself again only when what it
        shows differs; the cursor stays on its pod, the table where it was scrolled)."""
        panel, last_change = self.shown, self.last_change
        rows: Sequence[Row] = getattr(panel, section)
        labels = _LABELS.get(section) or ("", MATRIX_HEADING, *(heading for _, heading in panel.peers))
        peers = [key for key, _ in panel.peers]
        cells = {row.key: tuple(self._cell(section, row, index, text, peers, last_change) for index, text in
                                enumerate([last_change.marks(section, row.key), *_texts(section, row)]))
                 for row in rows}
        widths = [max([len(label), *(_width(row[index].text) for row in cells.values())]) for index, label in
                  enumerate(labels)]
        self._tables[section].show_rows(
            [(label, width + (index < len(labels) - 1)) for index, (label, width) in
             enumerate(zip(labels, widths, strict=True))],
            [TableRow(key, row, max(_width(cell.text, lines=True) for cell in row)) for key, row in cells.items()])

    def _cell(self, section: str, row: Row, index: int, text: str, peers: list[str],
              last_change: Changes) -> TableCell:
        """A level below restricted, root, a peer on the internet in colour; a cell the last change altered
        highlighted; counts right-aligned."""
        style = _style(section, row, index, text, peers, last_change)
        label = _LABELS.get(section, ())
        return TableCell(text, self._theme_styles()[style] if style else None,
                         index < len(label) and label[index] in _RIGHT)

    def _show_detail(self, section: str) -> None:
        key = self.selected(section)
        detail = self.shown.detail(key) if key else None
        self._set(f"{section}-detail", detail, _detail(section, detail))

    def _theme_styles(self) -> dict[str, Style]:
        """Colours from the theme's variables (no colour of our own), read once."""
        if self._palette is None:
            colours = self.app.get_css_variables()
            self._palette = {"warning": Style(color=colours.get("text-warning") or colours.get("warning")),
                            "error": Style(color=colours.get("text-error") or colours.get("error"), bold=True),
                            "changed": Style(color=colours.get("text-accent") or colours.get("accent"), bold=True,
                                             underline=True)}
        return self._palette


def _table(section: str) -> PanelTable:
    """A table whose first two columns (the mark and the name) stay put when it scrolls sideways."""
    return PanelTable(fixed=2, id=f"table-{section}")


def _title(tab: str, touched: bool = False) -> str:
    _, title, key = next(t for t in TABS if t[0] == tab)
    return f"{key} {title}{' ~' if touched else ''}"


def _levels(panel: Panel) -> str:
    return "Pod Security each namespace can enforce: " + ", ".join(f"{ns}: {level}" for ns, level in
                                                                   panel.namespace_levels)


def _marker(last_change: Changes, section: str) -> Callable[[str], str]:
    """A row's change mark with its space, as the texts put it before a name."""
    return lambda key: (mark + " ") if (mark := last_change.marks(section, key)) else ""


def _texts(section: str, row: Row) -> list[str]:
    if section == "volumes":
        return [_fold(row.cells[0], CLAIM_WIDTH), *row.cells[1:]]
    return list(row.cells)


def _removed_line(names: list[str], width: int) -> str:
    """'- removed: a, b' with every name whole: one longer than a line (claims run to 46 characters, the panel is 42
    wide at 80x24) is broken after its hyphens; the text wraps the rest at its spaces. Width 0: not laid out yet."""
    if not names:
        return ""
    last = len(names) - 1
    return "- removed: " + ", ".join(_whole(name, width - (index < last)) for index, name in enumerate(names))


def _whole(name: str, room: int) -> str:
    """A name as it is when it fits `room` columns (its comma counted out), else broken after its hyphens."""
    return _fold(name, room) if 1 < room < len(name) else name


def _fold(name: str, width: int) -> str:
    """A long name on several lines, broken after its hyphens (never cut: every character is shown)."""
    lines, current = [], ""
    for part in name.split("-"):
        piece = part if not current else "-" + part
        if current and len(current) + len(piece) > width:
            lines.append(current + "-")
            current = part
        else:
            current += piece
    return "\n".join([*lines, current])


def _width(text: str, lines: bool = False) -> int:
    """Its widest line, or how many lines it has."""
    if "\n" not in text:
        return 1 if lines else len(text)
    parts = text.split("\n")
    return len(parts) if lines else max(len(part) for part in parts)


def _style(section: str, row: Row, index: int, text: str, peers: list[str], last_change: Changes) -> str:
    """A cell's colour by name ('' for none)."""
    if section == "security" and index == 2 and text != "restricted":
        return "error" if text == "privileged" else "warning"
    if section == "security" and index == 3 and text != "no":
        return "error"
    if section == "network" and index >= 2:
        peer = peers[index - 2]
        if (row.key, peer) in last_change.cells:
            return "changed"
        if peer == INTERNET and text in (IN, BOTH):
            return "error"
    return ""


def _detail(section: str, detail: PodDetail | None) -> RenderableType:
    """The selected pod's lines under a heading, each wrapped to the panel's width (continuations indented)."""
    if detail is None:
        return ""
    grid = Table.grid(padding=0, expand=True)
    grid.add_column(width=2, no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")
    if section == "security":
        grid.add_row("", Text(detail.security[0], style="bold"))  # the pod and its level
        for line in detail.security[1:]:
            grid.add_row("", line)
        return grid
    grid.add_row(IN, Text(f"who may connect to {detail.key}:", style="bold"))
    for line in detail.reached_from:
        grid.add_row("", line)
    grid.add_row(OUT, Text(f"whom {detail.key} may connect to:", style="bold"))
    for line in detail.reaches:
        grid.add_row("", line)
    grid.add_row("", Text(LEGEND, style="dim"))
    return grid
