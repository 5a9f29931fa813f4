"""How much YAML a text holds, from parser events and before anything is built: its nodes with aliases expanded, and
what would make loading it slow or unsafe. For YAML from files someone else made that must load within a time
budget (bundles); yamlio loads it afterwards with its own checks."""

from __future__ import annotations

from typing import Any

import yaml
from yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, ScalarEvent

from wizard.core.untrusted import shown
from wizard.yamlkit.helmyaml import safe_loader
from wizard.yamlkit.yamlio import MAX_DEPTH


def count_nodes(text: str, limit: int) -> tuple[int, str | None]:
    """(nodes of `text`, aliases expanded, counted until past `limit`; what makes it unfit to load, or None).

    Events come from libyaml (PyYAML's C parser), some 20 times faster than ruamel's. Unfit: collections nested
    past yamlio.MAX_DEPTH, an anchor defined twice, an alias inside the node it names (a recursive structure). A YAML
    error stops the count silently: loading the text then reports it with its line.
    """
    sizes: dict[str, int] = {}  # anchor -> nodes of what it names, once that is complete
    stack: list[list[Any]] = []  # [nodes so far, anchor] per open collection
    opened: set[str] = set()  # anchors of open collections
    total = 0
    try:
        for event in yaml.parse(text, Loader=safe_loader()):
            size, anchor = 0, None if isinstance(event, AliasEvent) else getattr(event, "anchor", None)
            if anchor and (anchor in sizes or anchor in opened):
                return total, f"the anchor &{shown(anchor, 40)} twice"
            if isinstance(event, CollectionStartEvent):
                stack.append([1, anchor])
                opened.add(anchor)
                total += 1
                if len(stack) > MAX_DEPTH:  # deeper than any values file; stop before it costs anything
                    return total, f"collections nested more than {MAX_DEPTH} deep"
            elif isinstance(event, CollectionEndEvent) and stack:
                size, anchor = stack.pop()
                opened.discard(anchor)
            elif isinstance(event, ScalarEvent):
                size = 1
                total += 1
            elif isinstance(event, AliasEvent):
                if event.anchor in opened:
                    return total, f"a recursive alias (*{shown(event.anchor, 40)} inside the node it names)"
                size, anchor = sizes.get(event.anchor, 1), None
                total += size
            if size and anchor:
                sizes[anchor] = size
            if size and stack:
                stack[-1][0] += size
            if total > limit:
                break
    except (yaml.YAMLError, ValueError):
        pass
    return total, None
