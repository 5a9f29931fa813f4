"""Refusing hostile YAML while it is parsed: yamlio's loaders see every parser event through `Guard` before ruamel
builds anything from it, so a bad file costs one pass over its text and never reaches a recursive walker.

What is refused, each with the line and column (limits are the constants below):
- nesting deeper than MAX_DEPTH, counted after aliases are expanded (an alias stands for its anchor's whole depth),
  because every reader of the data (ruamel's composer, the walkers, json.dumps, deepcopy) recurses once per level;
- more nodes than the reader's limit once aliases are expanded (a "billion laughs" bomb when aliases made most of
  them), counted in one pass;
- an alias to an anchor whose node is still open (`b: &b {c: *b}`): the data would contain itself, which Helm refuses
  too ("anchor 'b' value contains itself") and no walker could finish;
- explicit tags other than the core ones (CORE_TAGS: `!!str 5432` is fine): `!!binary`, `!!python/object`, `!!set`,
  `!!omap`, `!foo` ..., and %YAML/%TAG directives: Helm reads them differently from a YAML 1.2 reader, or not at all;
- strings holding a lone UTF-16 surrogate (`"\\ud800"`): they are not characters, so no UTF-8 file can hold them;
- more documents than allowed (one, or MAX_DOCUMENTS for manifest streams).
"""

from __future__ import annotations

import re
from typing import Any

from wizard.core.errors import OutputError

MAX_EXPANDED_NODES = 1_000_000
"""Nodes (keys, values, list items, maps and lists) a stream may hold once aliases are expanded, unless the reader
sets a lower limit (values and answers files do: what the wizard writes back costs time per node); past it, when
aliases made most of it, it is a "billion laughs" bomb."""
MAX_DEPTH = 100
"""Nesting levels after alias expansion. Real values files and manifests stay under 30; every walker of the data
recurses once (or a few times) per level, far from Python's limit of 1,000 frames."""
MAX_DOCUMENTS = 5_000
"""Documents in one manifest stream (`helm template` of the three charts writes about 100)."""


CORE_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "map", "seq"))
"""Explicit tags read as written (`!!str 5432` is text; charts render such values): Helm and YAML 1.2 agree on them."""
_STARTS = frozenset({"MappingStartEvent", "SequenceStartEvent"})
_ENDS = frozenset({"MappingEndEvent", "SequenceEndEvent"})


class Guard:
    """Sees each parser event once, in order (yamlio wraps the parser's get_event); raises OutputError to stop.

    Per open collection it keeps [expanded size, height below it, anchor]; per anchor the (size, height) of its
    node, or the open entry itself while the node is being read (an alias to it would be recursive).
    """

    def __init__(self, source: str, *, documents: int = 1, nodes: int = MAX_EXPANDED_NODES,
                 what: str = "this file") -> None:
        self.source = source
        self.max_documents = documents
        self.max_nodes = nodes
        self.what = what
        self.documents = 0
        self.total = 0
        self.aliased = 0
        self.stack: list[list[Any]] = []
        self.anchors: dict[str, Any] = {}
        self.tagged: dict[tuple[int, int], str] = {}
        """(line, column) -> explicit core tag, for readers that take nodes without knowing which tags were written."""

    def __call__(self, event: Any) -> None:
        kind = type(event).__name__  # ruamel's and PyYAML's events have the same names and fields
        if kind == "ScalarEvent":
            self._tag(event)
            if event.value and _has_surrogate(event.value):
                self._refuse(event, "a string holds a lone surrogate (an escape such as \\ud800 that is not a "
                                    "character); no UTF-8 file can carry it: remove that escape")
            self._add(event, 1, 0, event.anchor)
        elif kind == "AliasEvent":
            self._alias(event)
        elif kind in _STARTS:
            self._tag(event)
            entry = [1, 0, event.anchor]
            self.stack.append(entry)
            if len(self.stack) > MAX_DEPTH:
                self._refuse(event, f"nested more than {MAX_DEPTH} levels deep")
            if event.anchor:
                self.anchors[event.anchor] = entry
        elif kind in _ENDS:
            entry = self.stack.pop()
            size, height, anchor = entry
            if anchor and self.anchors.get(anchor) is entry:
                self.anchors[anchor] = (size, height + 1)
            self._add(event, size, height + 1, None, counted=1)
        elif kind == "DocumentStartEvent":
            self._document(event)

    def _document(self, event: Any) -> None:
        self.documents += 1
        self.anchors.clear()  # anchors belong to one document
        if self.documents > self.max_documents:
            what = "a second YAML document starts here; keep only one" if self.max_documents == 1 else \
                f"more than {self.max_documents:,} YAML documents; split the stream"
            self._refuse(event, what)
        if getattr(event, "version", None) or getattr(event, "tags", None):
            self._refuse(event, "a %YAML or %TAG directive: remove it (Helm reads only YAML 1.1 and this wizard "
                                "reads the file as written, without directives)")

    def _alias(self, event: Any) -> None:
        known = self.anchors.get(event.anchor)
        if known is None:
            self._refuse(event, f"the alias *{event.anchor} names no anchor (&{event.anchor}) defined before it")
        if isinstance(known, list):
            self._refuse(event, f"the alias *{event.anchor} is inside the node anchored &{event.anchor}, so the data "
                                "would contain itself (Helm refuses it too): repeat the values instead")
        size, height = known
        if len(self.stack) + height > MAX_DEPTH:
            self._refuse(event, f"the alias *{event.anchor} makes the data nested more than {MAX_DEPTH} levels deep "
                                "once it is expanded")
        self.aliased += size
        self._add(event, size, height, None)

    def _add(self, event: Any, size: int, height: int, anchor: str | None, counted: int | None = None) -> None:
        """A finished node: into its parent's size and height; `counted` nodes are new to the stream's total."""
        if anchor:
            self.anchors[anchor] = (size, height)
        if self.stack:
            parent = self.stack[-1]
            parent[0] += size
            parent[1] = max(parent[1], height)
        self.total += size if counted is None else counted
        if self.total <= self.max_nodes:
            return
        if self.aliased * 2 > self.total:
            raise OutputError(
                f"{_where(self.source, event)}: aliases expand to more than {self.max_nodes:,} nodes; this looks "
                f"like a 'billion laughs' attack, so {self.source} was not read.",
                title="Unsafe YAML",
            )
        raise OutputError(f"{_where(self.source, event)}: more than {self.max_nodes:,} keys, values and list items "
                          f"(aliases expanded); the wizard reads {self.what} up to that size, so it was not read.",
                          title="File too large")

    def _tag(self, event: Any) -> None:
        tag = getattr(event, "tag", None)
        if tag is None:
            return
        if str(tag) in CORE_TAGS:
            mark = event.start_mark
            self.tagged[(mark.line, mark.column)] = str(tag)
            return
        shown = str(tag).replace("tag:yaml.org,2002:", "!!")
        self._refuse(event, f"the tag {shown} is not read by this wizard: remove it (quote the value to keep it "
                            "text, e.g. \"123\")")

    def _refuse(self, event: Any, what: str) -> None:
        raise invalid(self.source, f"{_where(self.source, event)}: {what}.")


SURROGATE = re.compile("[\ud800-\udfff]")
"""Code points that are not characters: Python strings can hold them (YAML escapes, undecodable bytes in argv), UTF-8
cannot."""


def _has_surrogate(text: str) -> bool:
    return SURROGATE.search(text) is not None


def _where(source: str, event: Any) -> str:
    mark = getattr(event, "start_mark", None)
    return f"{source} line {mark.line + 1}, column {mark.column + 1}" if mark is not None else source


def invalid(source: str, msg: str) -> OutputError:
    """The error for a file that is not YAML the wizard reads: what and where, then what to do."""
    return OutputError(f"{msg}\nFix {source} and run the wizard again.", title="Invalid YAML")
