"""A text widget given new content is laid out again only when its height changes.

Why: Textual's Static.update lays the whole screen out again (in this wizard some 40 ms after a toggle, plus as much
for the second layout its resize events bring), in case the text now takes more or fewer lines; most new texts (a
field's "set here" in place of "set by preset minimal", a panel line with other pod names) take the lines the old one
took, and repainting the text alone takes about a millisecond.
"""

from __future__ import annotations

from textual.visual import VisualType
from textual.widget import Widget
from textual.widgets import Static


def update_text(text: Static, content: VisualType) -> None:
    """Show `content` in `text`: a repaint where its height at its width stays, else a layout as Static.update does.
    A text not on the screen (in a tab or a page not shown) is laid out as before: its container keeps where its
    children were placed until one of them asks for a layout."""
    text.update(content, layout=False)
    if not _keeps_its_lines(text):
        text.refresh(layout=True)


def _keeps_its_lines(text: Static) -> bool:
    if not all(node.display for node in text.ancestors_with_self if isinstance(node, Widget)):
        return False
    size = text.size
    return bool(size) and text.get_content_height(size, size, size.width) == size.height
