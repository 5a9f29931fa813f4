"""The default values of each supported chart, and the rules for which keys a values file may set.

The defaults tree of a chart is what Helm would see with no user overrides: the chart's values.yaml,
with each dependency's values.yaml placed under the dependency's name and the parent's values for that
key coalesced over it. Every dependency is included whatever its `condition` says: the keys of a
disabled subchart are still valid keys to write (an operator may turn the subchart on).
The trees are generated JSON (see scripts/sync_chart_defaults.py), so start-up only needs the stdlib.
"""

from __future__ import annotations

import difflib
import heapq
import json
import marshal
from functools import lru_cache
from pathlib import Path

from wizard.charts import SUPPORTED_VERSIONS

DEFAULTS_DIR = Path(__file__).parent / "defaults"


class _Missing:
    """Type of MISSING: a value that can't be confused with a YAML null (None)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING = _Missing()

# Keys the chart templates read although values.yaml does not declare them (FACTS.md references).
UNDECLARED_KEYS: dict[str, dict[tuple[str, ...], str]] = {
    "substra-backend": {
        ("server", "persistence", "servermedias", "storageClass"): (
            "FACTS §1.3: the servermedias PVC template reads it; the documented"
            " server.persistence.storageClass is ignored"
        ),
        ("redis", "host"): "FACTS §1.3: the external Redis host; the templates read it",
        ("privateCa", "image", "apkAdd"): "FACTS §1.3: the add-cert templates still read it",
        ("docker-registry", "persistence", "storageClass"): (
            "FACTS §1.4: the twuni chart reads it; its values.yaml only mentions it in a comment"
        ),
        ("docker-registry", "persistence", "existingClaim"): (
            "FACTS §1.4: the twuni chart reads it; its values.yaml does not declare it"
        ),
        ("hooks", "deleteWorkerPvc", "image", "registry"): (
            "FACTS_ACCOUNTS_NETWORK_IMAGES §4.2: the hook template reads it; values.yaml does not declare it"
        ),
        ("hooks", "deleteComputePods", "image", "registry"): (
            "FACTS_ACCOUNTS_NETWORK_IMAGES §4.2: the hook template reads it; values.yaml does not declare it"
        ),
    },
    "orchestrator": {},
    "substra-frontend": {},
}

# Maps whose children are arbitrary by design: any key path under these prefixes is accepted.
FREE_FORM: dict[str, tuple[tuple[str, ...], ...]] = {
    "substra-backend": (
        ("config",),  # every key becomes an env var of the settings ConfigMap (FACTS §1.2)
    ),
    "orchestrator": (
        ("orchestrator", "tls", "mtls", "clientCACerts"),  # {caName: [secretName, ...]}: the operator's names
    ),
    "substra-frontend": (),
}

# Key names that are free-form maps wherever they occur in a defaults tree (Kubernetes string maps).
FREE_FORM_KEY_NAMES: dict[str, str] = {
    "annotations": "Kubernetes annotations: any key is valid",
    "podAnnotations": "Kubernetes pod annotations: any key is valid",
    "commonAnnotations": "annotations added to every object: any key is valid",
    "labels": "Kubernetes labels: any key is valid",
    "podLabels": "Kubernetes pod labels: any key is valid",
    "commonLabels": "labels added to every object: any key is valid",
    "nodeSelector": "node labels to match: any key is valid",
}


def _supported_text() -> str:
    """List the supported charts for error messages, so a typo is easy to fix."""
    return ", ".join(f"{chart} {version}" for chart, version in SUPPORTED_VERSIONS.items())


def load_defaults(chart: str, version: str) -> dict:
    """Return the defaults tree of one chart version.

    The result is cached and shared between callers: treat it as read-only (use coalesce() to build a
    new tree from it). Raises ValueError for a chart or version the wizard does not know.
    """
    if SUPPORTED_VERSIONS.get(chart) != version:
        raise ValueError(f"unsupported chart {chart!r} version {version!r}; supported: {_supported_text()}")
    return _load(chart, version)


@lru_cache(maxsize=None)
def _load(chart: str, version: str) -> dict:
    """Read the generated JSON once per process, since the tree never changes at run time."""
    with open(DEFAULTS_DIR / f"{chart}-{version}.json", encoding="utf-8") as handle:
        tree = json.load(handle)
    _SNAPSHOTS[id(tree)] = (tree, marshal.dumps(tree))
    return tree  # type: ignore[no-any-return]


# Each defaults tree with its marshal bytes, taken once (the tree is read-only): coalescing over a chart's defaults
# (every explain) then copies the whole tree with one marshal.loads instead of one dumps and loads per key. Keyed by
# id, holding the tree itself so that the id is never reused.
_SNAPSHOTS: dict[int, tuple[dict, bytes]] = {}


def copy_json(value: object) -> object:
    """Copy JSON-like data, so a coalesced tree never shares containers with its inputs. marshal copies in C, twice as
    fast as walking the tree (the backend's defaults are copied on every explain); anything marshal refuses (a date
    from a YAML file) takes the walk."""
    if isinstance(value, dict | list):
        try:
            return marshal.loads(marshal.dumps(value))
        except ValueError:
            return _walk_copy(value)
    return value


def _walk_copy(value: object) -> object:
    if isinstance(value, dict):
        return {key: _walk_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_walk_copy(item) for item in value]
    return value


def coalesce(base: dict, override: dict) -> dict:
    """Merge override over base the way Helm does, without touching either input.

    A None in override deletes the key (Helm's way to unset a default); two maps merge recursively;
    anything else, lists included, replaces the base value whole. Keys keep base's order, then override's new ones.
    The result shares no container with either input.
    """
    snapshot = _SNAPSHOTS.get(id(base))
    result = marshal.loads(snapshot[1]) if snapshot is not None and snapshot[0] is base else copy_json(base)
    _overlay(result, override)  # type: ignore[arg-type]
    return result  # type: ignore[return-value]


def _overlay(tree: dict, override: dict) -> None:
    """Apply override to a tree the caller owns, in place, with coalesce's rules (copies of override's values)."""
    for key, new in override.items():
        if new is None:
            tree.pop(key, None)
        elif isinstance(new, dict) and isinstance(tree.get(key), dict):
            _overlay(tree[key], new)
        else:
            tree[key] = copy_json(new)


def get_path(tree: object, path: tuple[str, ...]) -> object:
    """Return the value at a key path, or MISSING, so callers can tell 'absent' from a null default."""
    node = tree
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return MISSING
        node = node[key]
    return node


def declared(chart: str, version: str, path: tuple[str, ...]) -> bool:
    """Tell whether a values file may set this key path, to catch typos before Helm silently ignores them.

    True when the path is in the defaults tree, lies under a free-form map (FREE_FORM, FREE_FORM_KEY_NAMES),
    or is a key the templates read without values.yaml declaring it (UNDECLARED_KEYS). List items are one
    value: a path never goes into a list, nor through a scalar. The empty path is not a key.
    """
    tree = load_defaults(chart, version)
    if not path:
        return False
    if path in UNDECLARED_KEYS.get(chart, {}):
        return True
    if any(path[: len(prefix)] == prefix for prefix in FREE_FORM.get(chart, ())):
        return True
    node: object = tree
    for depth, key in enumerate(path, start=1):
        if not isinstance(node, dict) or key not in node:
            return False
        node = node[key]
        if depth < len(path) and key in FREE_FORM_KEY_NAMES and (node is None or isinstance(node, dict)):
            return True
    return True


def _walk_paths(node: dict, prefix: tuple[str, ...]) -> list[tuple[str, ...]]:
    """List every key path (maps and leaves) below node, in file order."""
    paths: list[tuple[str, ...]] = []
    for key, value in node.items():
        path = prefix + (key,)
        paths.append(path)
        if isinstance(value, dict):
            paths.extend(_walk_paths(value, path))
    return paths


@lru_cache(maxsize=None)
def _known_paths(chart: str, version: str) -> tuple[tuple[tuple[str, ...], str], ...]:
    """Key paths worth suggesting (tree plus undeclared keys) with their dotted form, computed once."""
    paths = _walk_paths(load_defaults(chart, version), ())
    paths.extend(p for p in UNDECLARED_KEYS.get(chart, {}) if p not in paths)
    return tuple((path, ".".join(path)) for path in paths)


@lru_cache(maxsize=None)
def _dotted_by_depth(chart: str, version: str) -> dict[int, tuple[str, ...]]:
    """Group the dotted paths by depth: a typo rarely changes the depth, and fewer candidates keep it fast."""
    groups: dict[int, list[str]] = {}
    for path, dotted in _known_paths(chart, version):
        groups.setdefault(len(path), []).append(dotted)
    return {depth: tuple(group) for depth, group in groups.items()}


def _deepest_map_prefix(tree: dict, path: tuple[str, ...]) -> tuple[str, ...]:
    """Find the longest proper prefix of path that names a map, where the typo most likely happened."""
    for length in range(len(path) - 1, 0, -1):
        if isinstance(get_path(tree, path[:length]), dict):
            return path[:length]
    return ()


@lru_cache(maxsize=8192)
def _bigrams(text: str) -> frozenset[str]:
    """Character pairs of a key path, a cheap similarity that can rank thousands of paths quickly."""
    lowered = text.lower()
    return frozenset(lowered[i : i + 2] for i in range(len(lowered) - 1))


def _close_matches(word: str, candidates: list[str], n: int, shortlist: int = 40) -> list[str]:
    """Run difflib on the candidates closest by character pairs: difflib alone is too slow on thousands."""
    if len(candidates) > shortlist:
        grams = _bigrams(word)

        def overlap(candidate: str) -> float:
            other = _bigrams(candidate)
            return len(grams & other) / (len(grams | other) or 1)

        candidates = heapq.nlargest(shortlist, candidates, key=overlap)
    return difflib.get_close_matches(word, candidates, n)


def _same_last_key(inside: list[tuple[tuple[str, ...], str]], last: str, taken: list[str]) -> list[str]:
    """Paths whose last key is close to the typed one, for a typo that skips or adds a level.

    "server.persistence.size" should find "server.persistence.servermedias.size"; the closest names
    come first, then the shallowest paths.
    """
    names = difflib.get_close_matches(last, {p[-1] for p, _ in inside}, 3, 0.8)
    rank = {name: index for index, name in enumerate(names)}
    found = [(rank[p[-1]], len(p), dotted) for p, dotted in inside if p[-1] in rank and dotted not in taken]
    return [dotted for _, _, dotted in sorted(found)]


def nearest_keys(chart: str, version: str, path: tuple[str, ...], n: int = 3) -> list[str]:
    """Suggest up to n dotted key paths close to an unknown one, for 'did you mean' messages.

    Keys under the deepest existing parent map come first (compared on the part after that parent);
    the rest is filled from the whole tree, among paths of about the same depth.
    """
    if n <= 0 or not path:
        return []
    known = _known_paths(chart, version)
    parent = _deepest_map_prefix(load_defaults(chart, version), path)
    suggestions: list[str] = []
    if parent:
        inside = [(p, dotted) for p, dotted in known if len(p) > len(parent) and p[: len(parent)] == parent]
        relative = {".".join(p[len(parent) :]): dotted for p, dotted in inside}
        typed = ".".join(path[len(parent) :])
        suggestions = [relative[match] for match in _close_matches(typed, list(relative), n)]
        suggestions += _same_last_key(inside, path[-1], suggestions)[: n - len(suggestions)]
    if len(suggestions) < n:
        by_depth = _dotted_by_depth(chart, version)
        depths = (len(path), len(path) - 1, len(path) + 1)
        others = [dotted for d in depths for dotted in by_depth.get(d, ()) if dotted not in suggestions]
        suggestions.extend(_close_matches(".".join(path), others, n - len(suggestions)))
    return suggestions
