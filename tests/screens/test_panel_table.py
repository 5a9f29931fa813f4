"""The panel's own table (screens/panel_table.py): a cursor the operator moves and that follows its row when the
rows change, a heading and name columns that stay put while the rest scrolls, tall rows, and no layout of the
whole screen when only cells change."""

from __future__ import annotations

from textual.app import App, ComposeResult

from screens.panel_table import PanelTable, TableCell, TableRow

COLUMNS = (("", 1), ("Pod", 12), ("Level", 11), ("Root", 4))


def _rows(*keys: str, level: str = "restricted") -> list[TableRow]:
    return [TableRow(key, (TableCell(""), TableCell(key), TableCell(level), TableCell("no", right=True)))
            for key in keys]


class _Holder(App[None]):
    def __init__(self, width: int = 20) -> None:
        super().__init__()
        self.moves: list[str] = []
        self.width = width

    def on_mount(self) -> None:
        self.query_one(PanelTable).styles.width, self.query_one(PanelTable).styles.height = self.width, 6

    def compose(self) -> ComposeResult:
        table = PanelTable(fixed=2, id="t")
        table.show_rows(COLUMNS, _rows(*(f"pod-{n}" for n in range(10))))
        yield table

    def on_panel_table_highlighted(self, event: PanelTable.Highlighted) -> None:
        self.moves.append(event.key)


def _screen_lines(app: App[None]) -> list[str]:
    table = app.query_one(PanelTable)
    return [table.render_line(y).text for y in range(table.size.height)]


async def test_keys_move_the_cursor_say_so_and_keep_it_in_view() -> None:
    app = _Holder()
    async with app.run_test(size=(30, 10)) as pilot:
        table = app.query_one(PanelTable)
        table.focus()
        await pilot.press("down", "down")
        assert table.selected == "pod-2" and app.moves == ["pod-1", "pod-2"]
        await pilot.press("end")
        await pilot.pause()
        lines = _screen_lines(app)
        assert lines[0].startswith(" Pod") and any("pod-9" in line for line in lines[1:])  # heading kept, row shown
        await pilot.press("home", "up")  # already first: nothing more said
        assert table.selected == "pod-0" and app.moves[-1] == "pod-0" and app.moves.count("pod-0") == 1


async def test_a_click_on_a_row_selects_it_and_the_heading_selects_nothing() -> None:
    app = _Holder()
    async with app.run_test(size=(30, 10)) as pilot:
        table = app.query_one(PanelTable)
        await pilot.click(PanelTable, offset=(3, 3))  # heading, pod-0, pod-1, pod-2
        assert table.selected == "pod-2"
        await pilot.click(PanelTable, offset=(3, 0))
        assert table.selected == "pod-2"


async def test_new_rows_keep_the_cursor_on_its_row_and_only_a_new_size_lays_the_screen_out() -> None:
    app = _Holder()
    async with app.run_test(size=(30, 10)) as pilot:
        table = app.query_one(PanelTable)
        table.move_cursor(3)
        await pilot.pause()
        size, layouts = table.virtual_size, table._layout_updates
        table.show_rows(COLUMNS, _rows(*(f"pod-{n}" for n in range(10)), level="baseline"))  # cells only
        assert table.virtual_size == size and table._layout_updates == layouts
        assert table.cells("pod-3") == ["", "pod-3", "baseline", "no"]
        table.show_rows(COLUMNS, _rows("pod-0", "pod-3", "pod-7"))  # rows gone: the cursor follows its pod
        assert table.selected == "pod-3" and table.virtual_size.height == 1 + 3
        assert table._layout_updates > layouts
        table.show_rows(COLUMNS, _rows("pod-0"))  # its pod gone: the nearest row
        assert table.selected == "pod-0"
        await pilot.pause()


async def test_a_cursor_whose_row_moves_down_stays_in_view() -> None:
    app = _Holder()
    async with app.run_test(size=(30, 10)) as pilot:
        table = app.query_one(PanelTable)
        table.move_cursor(2)
        await pilot.pause()
        assert table.scroll_y == 0
        table.show_rows(COLUMNS, _rows(*(f"new-{n}" for n in range(6)), *(f"pod-{n}" for n in range(10))))
        await pilot.pause()
        assert table.selected == "pod-2" and any("pod-2" in line for line in _screen_lines(app)[1:])


async def test_the_name_columns_stay_while_the_others_scroll_sideways() -> None:
    app = _Holder()
    async with app.run_test(size=(30, 10)) as pilot:
        table = app.query_one(PanelTable)
        await pilot.pause()
        table.scroll_to(x=5, animate=False, immediate=True)
        await pilot.pause()
        line = _screen_lines(app)[1]
        assert line.startswith(" pod-0       icted")  # 5 columns of "restricted" scrolled out


async def test_a_tall_row_shows_every_line_and_right_aligned_cells_end_at_their_column() -> None:
    app = _Holder(width=40)
    async with app.run_test(size=(50, 10)) as pilot:
        table = app.query_one(PanelTable)
        cells = (TableCell(""), TableCell("data-\npostgres"), TableCell("8Gi"), TableCell("1", right=True))
        tall = TableRow("claim", cells, height=2)
        table.show_rows(COLUMNS, [tall])
        await pilot.pause()
        lines = _screen_lines(app)
        assert lines[1].rstrip().startswith(" data-") and lines[1][1 + 12 + 11:][:4] == "   1"
        assert lines[2].startswith(" postgres") and table.virtual_size.height == 1 + 2
