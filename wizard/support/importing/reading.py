"""Reading a customer's values file the way Helm reads it, with the line of every key.

Helm reads values with go-yaml v2 (YAML 1.1 rules) and sigs.k8s.io/yaml: `enabled: yes` is true, `0777` is 511, a
date stays text, merge keys (`<<`) apply in the order written, and keys become JSON text (`1:` is "1"). The file is
parsed by libyaml (through PyYAML), which go-yaml v2 is a port of, under yamlguard's Guard (alias bombs, nesting
after expansion, recursive aliases, tags, surrogates) and read by helmyaml with go-yaml v2's rules; this module adds
the size limit and the "top level is a map" rule, and keeps the line of every key for the notes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode, ScalarNode

from wizard.core import files
from wizard.core.errors import OutputError
from wizard.yamlkit import helmyaml
from wizard.yamlkit.helmyaml import KeyPath, go_float_key, resolve_plain

__all__ = ["MAX_BYTES", "ValuesFile", "go_float_key", "read_values_file", "resolve_plain"]

MAX_BYTES = 512 * 1024
"""Real values files are a few KB (a copy of a chart's commented values.yaml, 50 to 100 KB). libyaml reads this
size in a fraction of a second; what costs time is writing every key back (MAX_NODES)."""
MAX_NODES = 10_000
"""Keys, values and list items in the values files of one import (each file, and all together), aliases expanded: an
import writes each back twice (values file and answers file) through ruamel's pure-Python emitter, and at this size
`wizard import --out` takes about 2 s. substra-backend's
whole values.yaml with all its subcharts' holds about 4,500."""


@dataclass
class ValuesFile:
    """One customer file as Helm sees it: plain data, and the 1-based line of each key path in it."""

    path: Path
    data: dict[str, Any] | None
    """None when the file holds no document at all (an empty file: no overrides)."""
    lines: dict[KeyPath, int] = field(default_factory=dict)
    nodes: int = 0
    """Keys, values and list items, aliases expanded: an import takes at most MAX_NODES over all its files."""


def read_values_file(path: Path) -> ValuesFile:
    """Read one values file.

    Raises:
        OutputError: missing, unreadable, not UTF-8 (with the byte offset), larger than MAX_BYTES, invalid YAML
            (with line and column), an alias bomb, duplicate keys, or a top level that is not a map.
    """
    text = files.read_text(path, limit=MAX_BYTES, what="a values file (the output of helm get values RELEASE)")
    roots, reader = helmyaml.compose(text, str(path), nodes=MAX_NODES, what="a values file")
    root = roots[0] if roots else None
    if root is None or (isinstance(root, ScalarNode) and reader.scalar(root) is None):  # Helm: `null` is no values
        return ValuesFile(path, None)
    if not isinstance(root, MappingNode):
        raise OutputError(f"{path}: the top level is not a map of keys (key: value), so it is not a values file; "
                          "give the file you pass to helm -f, or the output of helm get values RELEASE.",
                          title="Not a values file")
    lines: dict[KeyPath, int] = {}
    data = reader.plain(root, (), lines)
    return ValuesFile(path, data, lines, reader.nodes)
