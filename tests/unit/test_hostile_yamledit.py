"""Merging the wizard's keys into an operator's values file that uses anchors, aliases and merge keys (`<<`): the
file Helm reads afterwards has the wizard's values where they are set and the operator's everywhere else; the anchor
is never edited through one of its uses."""

from __future__ import annotations

from pathlib import Path

from wizard.yamlkit.helmyaml import compose
from wizard.yamlkit.yamledit import Entry, merge_entries
from wizard.yamlkit.yamlio import dumps, load_roundtrip

OPERATOR = """\
# shared settings
base: &base
  replicaCount: 2
  image: {tag: "1.0"}
both: &both {a: 1}
server:
  replicaCount: 1
  <<: [*base, *both]
  podLabels: {team: a}
worker: *both
other:
  image: *both
"""


def helm(text: str) -> object:
    """What Helm reads from `text` (go-yaml v2's rules, merge keys applied)."""
    roots, reader = compose(text, "v.yaml")
    return reader.plain(roots[0], (), {})


def test_keys_set_through_merges_and_aliases_never_reach_the_anchor() -> None:
    doc = load_roundtrip(OPERATOR, "v.yaml")
    assert doc is not None
    before = helm(OPERATOR)
    merge_entries(doc, [Entry(("server", "image", "tag"), "2.0", "wizard: tag"),
                        Entry(("server", "replicaCount"), 5, "wizard: replicas"),
                        Entry(("worker", "a"), 7), Entry(("other", "image", "b"), 3)])
    after = helm(dumps(doc))
    assert after["server"] == {**before["server"], "image": {"tag": "2.0"}, "replicaCount": 5}  # type: ignore[index]
    assert after["worker"] == {"a": 7} and after["other"] == {"image": {"a": 1, "b": 3}}  # type: ignore[index]
    assert after["base"] == before["base"] and after["both"] == before["both"]  # type: ignore[index]


def test_a_key_written_before_the_merge_is_set_where_helm_reads_it() -> None:
    text = "base: &base {replicaCount: 2}\nserver:\n  replicaCount: 1\n  <<: *base\n"
    assert helm(text)["server"] == {"replicaCount": 2}  # type: ignore[index]  # Helm: the merge wins
    doc = load_roundtrip(text, "v.yaml")
    assert doc is not None
    merge_entries(doc, [Entry(("server", "replicaCount"), 3, "wizard: replicas")])
    assert helm(dumps(doc)) == {"base": {"replicaCount": 2}, "server": {"replicaCount": 3}}


def test_keys_removed_from_a_map_used_in_a_merge(tmp_path: Path) -> None:
    text = "base: &base\n  a: 1  # wizard: a\n  b: 2\nserver: {<<: *base, c: 3}\n"
    doc = load_roundtrip(text, "v.yaml")
    assert doc is not None
    merge_entries(doc, [], remove=[("base", "a")])
    assert helm(dumps(doc)) == {"base": {"b": 2}, "server": {"b": 2, "c": 3}}


def test_a_merge_list_whose_maps_have_keys_to_quote_loads_and_dumps_unchanged() -> None:
    text = "base: &base {yes: 1, '0777': 2, plain: 3}\nmore: &more {on: 5}\nserver: {<<: [*base, *more], own: 4}\n"
    doc = load_roundtrip(text, "v.yaml")  # ruamel's insert/delete failed here (KeyError) on maps used in a merge
    assert doc is not None
    assert dumps(doc) == text
    assert helm(dumps(doc)) == helm(text)


def test_many_removals_in_one_map_keep_the_comments_in_order() -> None:
    keys = "".join(f"k{i}: {i}  # wizard: k{i}\n" + ("# about the next key\n" if i % 100 == 0 else "")
                   for i in range(3000))
    doc = load_roundtrip(keys + "kept: 1\n", "v.yaml")
    assert doc is not None
    merge_entries(doc, [], remove=[(f"k{i}",) for i in range(0, 3000, 2)])
    text = dumps(doc)
    assert helm(text) == {**{f"k{i}": i for i in range(1, 3000, 2)}, "kept": 1}
    assert text.count("# about the next key") == 30
