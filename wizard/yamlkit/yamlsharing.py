"""Values an operator's document shares (anchors, aliases, merge keys `<<`) and making one place of it safe to edit,
for yamledit: an edit through an alias or a merge must never reach the anchor's other uses, and a key set where a
merge sets it must be written after the `<<` so that Helm (go-yaml v2) reads the wizard's value there.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq, merge_attrib

from wizard.yamlkit.yamlio import assign, helm_items


def is_container(value: Any) -> bool:
    return isinstance(value, (CommentedMap, CommentedSeq))


def own(m: CommentedMap, key: Any) -> bool:
    """`key` is written in `m` (not only merged into it with `<<`)."""
    return bool(m._unmerged_contains(key))


class Sharing:
    """Where each anchored map or list of an operator's document is written (its first place, in the order
    written), and per map with a merge key the keys whose value Helm takes from the merge; built once per edit.

    An edit through an alias (`b: *a`) or a merge (`<<: *a`) must not reach the anchor's other uses: such a value is
    replaced at that place by a copy before it is edited (see _settle). At the place where it is written, it is
    edited in place, as an operator editing that line would.
    """

    def __init__(self, doc: Any) -> None:
        self.sites: dict[int, tuple[int, Any]] = {}
        self.wins: dict[int, set[Any]] = {}
        if doc is not None:
            self._visit(doc)

    def _visit(self, c: Any) -> None:
        for key, value in _written_items(c):
            if is_container(value) and id(value) not in self.sites:
                self.sites[id(value)] = (id(c), key)
                self._visit(value)

    def shared_here(self, c: Any, key: Any) -> bool:
        """c[key] is a map or list written elsewhere (an alias of an anchor), so editing it in place is wrong."""
        value = c[key]
        return is_container(value) and value.yaml_anchor() is not None and self.sites.get(id(value)) != (id(c), key)

    def merge_wins(self, m: CommentedMap) -> set[Any]:
        """Keys of `m` whose value Helm takes from its `<<` (not set in m after the merge key)."""
        if id(m) not in self.wins:
            merge = getattr(m, merge_attrib, None)
            found: set[Any] = set()
            if merge:
                written = [key for key, _ in m.non_merged_items()]
                at = merge.merge_pos if isinstance(getattr(merge, "merge_pos", None), int) else len(written)
                for source in merge:
                    found.update(key for key, _ in helm_items(source))
                found -= set(written[at:])
            self.wins[id(m)] = found
        return self.wins[id(m)]


_MERGE = object()
"""The place of the maps a `<<` merges (they may be written there, `<<: &a {...}`)."""


def _written_items(c: Any) -> list[tuple[Any, Any]]:
    """The entries written in a container, in order; for a map, its merge sources where its `<<` is."""
    if isinstance(c, CommentedSeq):
        return list(enumerate(c))
    items = list(c.non_merged_items())
    merge = getattr(c, merge_attrib, None)
    if merge:
        at = merge.merge_pos if isinstance(getattr(merge, "merge_pos", None), int) else len(items)
        items[at:at] = [(_MERGE, source) for source in merge]
    return items


def detached(value: Any) -> Any:
    """A copy of a map or list as Helm reads it (merges applied, aliases expanded), with no anchor to share."""
    if isinstance(value, CommentedMap):
        return CommentedMap((key, detached(item)) for key, item in helm_items(value))
    if isinstance(value, CommentedSeq):
        return CommentedSeq(detached(item) for item in value)
    return value


def delete_own(m: CommentedMap, keys: Iterable[Any]) -> None:
    """Delete keys written in `m`, keeping its `<<` in place; plain dict operations, because ruamel's own delete
    calls back the maps that merge `m` and fails there (ruamel 0.19)."""
    doomed = set(keys)
    merge = getattr(m, merge_attrib, None)
    if merge and isinstance(getattr(merge, "merge_pos", None), int):
        before = [key for key, _ in m.non_merged_items()][: merge.merge_pos]
        merge.merge_pos -= sum(1 for key in before if key in doomed)
    for key in doomed:
        m._ok.discard(key)
        OrderedDict.__delitem__(m, key)
        m.ca.items.pop(key, None)


def settle(m: CommentedMap, key: Any, sharing: Sharing) -> None:
    """Make m[key] safe to edit, as Helm reads it: a value that `<<` sets becomes m's own key, written after the
    merge so that it wins, holding a copy of the merged value; a map or list reached through an alias is replaced
    here by a copy."""
    wins = sharing.merge_wins(m)
    if key in wins:
        value = detached(dict(helm_items(m))[key])
        if own(m, key):
            delete_own(m, [key])
        m[key] = value
        wins.discard(key)
    elif own(m, key) and sharing.shared_here(m, key):
        assign(m, key, detached(m[key]))


