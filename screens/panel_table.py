"""A table for the implications panel whose lines are drawn once per panel, not once per frame.

Why not Textual's DataTable: it renders every cell of every visible line through Rich again after any change of
any cell (about 50 ms for the Security table on a small machine, most of the frame that follows a toggle), and
measures its cells again on idle. The panel's cells are short plain strings in one colour each, with widths
already known: each row is made into its lines of segments when the panel changes, and a frame only crops them
(the name columns stay put while the rest scrolls sideways) and lays the row's background, zebra or cursor, under.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

HEADER = 1
"""Lines of the heading row, which stays at the top when the rows scroll."""


@dataclass(frozen=True)
class TableCell:
    """A cell: its text (several lines for a tall row), its colour (None: the row's own) and its alignment."""

    text: str
    style: Style | None = None
    right: bool = False


@dataclass(frozen=True)
class TableRow:
    key: str
    cells: tuple[TableCell, ...]
    height: int = 1


class PanelTable(ScrollView, can_focus=True):
    """Rows with a cursor (Up/Down, Page Up/Down, Home/End, a click), a heading that stays, the first `fixed`
    columns that stay when the others scroll sideways (Left/Right)."""

    COMPONENT_CLASSES = {"panel-table--header", "panel-table--cursor", "panel-table--even", "panel-table--fixed"}
    DEFAULT_CSS = """
    PanelTable {
        background: $surface;
        color: $foreground;
        &:focus { background-tint: $foreground 5%; }
        & > .panel-table--header { text-style: bold; background: $panel; color: $foreground; }
        & > .panel-table--even { background: $surface-lighten-1 50%; }
        &:dark > .panel-table--even { background: $surface-darken-1 40%; }
        & > .panel-table--fixed { background: $secondary-muted; color: $foreground; }
        & > .panel-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .panel-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """
    BINDINGS = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "cursor_to(0)", "First", show=False),
        Binding("end", "cursor_to(-1)", "Last", show=False),
    ]

    class Highlighted(Message):
        """The operator moved the cursor to another row."""

        def __init__(self, table: PanelTable, key: str) -> None:
            super().__init__()
            self.table, self.key = table, key

        @property
        def control(self) -> PanelTable:
            return self.table

    def __init__(self, *, fixed: int = 0, id: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id)
        self.fixed = fixed
        self.cursor_row = 0
        self.columns: tuple[tuple[str, int], ...] = ()
        self.rows: tuple[TableRow, ...] = ()
        self._header = Strip([])
        self._lines: list[Strip] = []
        self._line_row: list[int] = []
        """Per line of the body, the index of its row."""
        self._row_start: list[int] = []
        self._fixed_width = 0
        self._styles: _Styles | None = None
        """The colours of the lines being drawn (render_lines), None between two drawings."""

    # --- what the panel asks of it ----------------------------------------------------------------------------------

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(label for label, _ in self.columns)

    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def selected(self) -> str | None:
        return self.rows[self.cursor_row].key if self.rows else None

    def show_rows(self, columns: Sequence[tuple[str, int]], rows: Sequence[TableRow]) -> None:
        """New headings (label, width) and rows, drawn only if they differ from those shown: the cursor stays on its
        row's key (or as near as the rows allow), the sideways scroll where it was; the screen is laid out again
        only when the table's size changed."""
        if (tuple(columns), tuple(rows)) == (self.columns, self.rows):
            return
        kept = self.selected
        widths = [width for _, width in columns]
        self.columns, self.rows = tuple(columns), tuple(rows)
        self._fixed_width = sum(widths[: self.fixed])
        self._header = _line([TableCell(label) for label in self.labels], widths, 0)
        self._lines, self._line_row, self._row_start = [], [], []
        for index, row in enumerate(self.rows):
            self._row_start.append(len(self._lines))
            for line in range(row.height):
                self._lines.append(_line(row.cells, widths, line))
                self._line_row.append(index)
        keys = [row.key for row in self.rows]
        before, self.cursor_row = self.cursor_row, (
            keys.index(kept) if kept in keys else min(self.cursor_row, max(len(keys) - 1, 0)))
        size = Size(sum(widths), HEADER + len(self._lines))
        if size != self.virtual_size:
            self.virtual_size = size  # lays the screen out again: only when the rows or the widths changed
        if self.cursor_row != before:
            self._into_view()  # its row moved (rows added or removed above it): the cursor stays in view
        self.refresh()

    def cells(self, key: str) -> list[str]:
        """A row's texts, as shown (the tests read them)."""
        return [cell.text for cell in next(row for row in self.rows if row.key == key).cells]

    def move_cursor(self, row: int) -> None:
        """Put the cursor on a row (without saying so: the caller shows what it means) and into view."""
        if self.rows:
            self.cursor_row = max(0, min(row, len(self.rows) - 1))
            self._into_view()
            self.refresh()

    # --- the operator ---------------------------------------------------------------------------------------------

    def action_cursor(self, step: int) -> None:
        self._go(self.cursor_row + step)

    def action_page(self, direction: int) -> None:
        self._go(self.cursor_row + direction * max(self.scrollable_content_region.height - HEADER, 1))

    def action_cursor_to(self, row: int) -> None:
        self._go(row if row >= 0 else len(self.rows) - 1)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < HEADER:
            return
        line = offset.y - HEADER + round(self.scroll_y)
        if 0 <= line < len(self._line_row):
            self._go(self._line_row[line])

    def _go(self, row: int) -> None:
        if not self.rows:
            return
        row = max(0, min(row, len(self.rows) - 1))
        if row != self.cursor_row:
            self.move_cursor(row)
            self.post_message(self.Highlighted(self, self.rows[row].key))

    def on_resize(self) -> None:
        self._into_view()  # a table first laid out, or shown with its tab, opens on its cursor

    def _into_view(self) -> None:
        """Scroll so that the cursor's row is wholly visible under the heading (once the table has a size: a table
        not laid out yet, or in a hidden tab, does it on its first resize)."""
        if not self.rows or self.scrollable_content_region.height <= HEADER:
            return
        visible = self.scrollable_content_region.height - HEADER
        start = self._row_start[self.cursor_row]
        end = start + self.rows[self.cursor_row].height
        top = round(self.scroll_y)
        if start < top:
            self.scroll_to(y=start, animate=False, immediate=True)
        elif end > top + visible:
            self.scroll_to(y=min(start, end - visible), animate=False, immediate=True)

    # --- drawing --------------------------------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        self._styles = _Styles.of(self)  # once for the lines drawn now: the widget's style walks its ancestors
        try:
            return super().render_lines(crop)
        finally:
            self._styles = None

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        styles = self._styles or _Styles.of(self)
        if y < HEADER:
            return Strip.join(self._cropped(self._header, width)).apply_style(styles.header)
        line = y - HEADER + round(self.scroll_y)
        if line >= len(self._lines):
            return Strip.blank(width, styles.base)
        row = self._line_row[line]
        fixed, scrolled = self._cropped(self._lines[line], width)
        if row == self.cursor_row:  # the cursor's colours over the cells' own, as a selection reads
            return Strip(Segment.apply_style(Strip.join([fixed, scrolled]), styles.base, post_style=styles.cursor))
        base = styles.even if row % 2 else styles.base
        return Strip.join([fixed.apply_style(base + styles.fixed), scrolled.apply_style(base)])

    def _cropped(self, strip: Strip, width: int) -> tuple[Strip, Strip]:
        """The fixed columns, and the others from the sideways scroll on, together as wide as the table."""
        fixed = self._fixed_width
        start = fixed + round(self.scroll_x)
        rest = max(width - fixed, 0)
        return strip.crop(0, fixed), strip.crop(start, start + rest).extend_cell_length(rest)


@dataclass(frozen=True)
class _Styles:
    """A table's colours as the CSS gives them now: the base, and each component over it."""

    base: Style
    header: Style
    even: Style
    fixed: Style
    cursor: Style

    @classmethod
    def of(cls, table: PanelTable) -> _Styles:
        base = table.rich_style
        component = table.get_component_rich_style
        return cls(base, base + component("panel-table--header"), base + component("panel-table--even"),
                   component("panel-table--fixed"), component("panel-table--cursor"))


@cache
def _column_style(column: int) -> Style:
    """A column's mark (made once: a style with meta pickles it, for every cell of every row of every panel)."""
    return Style.from_meta({"column": column})


def _line(cells: Sequence[TableCell], widths: Sequence[int], line: int) -> Strip:
    """One line of a row: each cell's line `line` (blank when it has fewer), padded or cut to its column. Each cell
    carries its column in its style, which keeps it a run of its own in a screenshot (an SVG viewer's font then
    cannot shift the columns after a wide glyph)."""
    segments = []
    for column, (cell, width) in enumerate(zip(cells, widths, strict=True)):
        lines = cell.text.split("\n")
        text = lines[line] if line < len(lines) else ""
        if cell.right and cell_len(text) < width:
            text = " " * (width - cell_len(text)) + text
        own = _column_style(column)
        segments.append(Segment(set_cell_size(text, width), own if cell.style is None else cell.style + own))
    return Strip(segments, sum(widths))
