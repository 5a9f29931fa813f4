"""Worst cases under the documented caps of every YAML input, end to end through the CLI: median wall time of several
runs of each command on files built just under the caps (answers 1 MB / 12,000 nodes, values files 512 KB / 10,000
nodes, manifests 1 MB / 200,000 nodes / 5,000 documents), and the time to refuse files just over them or hostile.

    python bench/hostile_yaml.py [--runs 3] [--only answers|values|manifests|refused]

Target: every command under 5 s (README: "Nothing under the documented caps takes more than 5 s"). Not measured
here: `wizard explain --manifests` on thousands of pods, whose report is quadratic in pods (1,000 bare pods: 10 s).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from wizard.planning import answers
from wizard.support.importing import reading
from wizard.yamlkit import yamlio
from wizard.yamlkit.yamlguard import MAX_DOCUMENTS

ROOT = Path(__file__).resolve().parent.parent
RENDERS = ROOT.parent / "shared" / "reference" / "substra-renders"
HEAD = "schema: substra-wizard/answers@1\nextras:\n  substra-backend:\n"


def _lines_until(prefix: str, line: Callable[[int], str], *, size: int, nodes: int, per_line: int) -> str:
    """prefix + line(0), line(1), ... while both the byte size and the node count stay under the caps."""
    parts, total, count = [prefix], len(prefix), 0
    while True:
        text = line(count)
        if total + len(text) >= size or (count + 1) * per_line + 8 >= nodes:
            return "".join(parts)
        parts.append(text)
        total += len(text)
        count += 1


def _aliases(indent: str, nodes: int) -> str:
    """Anchors of 10 items, each list of 10 aliases expanding to about `nodes` nodes in a few hundred bytes."""
    text = f"{indent}a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
    size, level = 11, 0
    while size * 10 + 1 < nodes // 2:
        level += 1
        text += f"{indent}a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * 10)}]\n"
        size = size * 10 + 1
    copies = max(1, (nodes - 2 * size) // size)
    text += f"{indent}uses: [{', '.join([f'*a{level}'] * copies)}]\n"
    return text


def _deep(indent: str, nodes: int) -> str:
    """Chains nested 95 levels deep (the limit is 100), as many as the node cap allows."""
    chains, text = max(1, nodes // 200), ""
    for index in range(chains):
        text += f"{indent}c{index}: " + "{k: " * 95 + "v" + "}" * 95 + "\n"
    return text


def answers_cases() -> dict[str, str]:
    size, nodes = answers.MAX_BYTES, answers.MAX_NODES
    return {
        "answers: flat extras keys": _lines_until(HEAD + "    server:\n", lambda i: f"      key{i}: value {i}\n",
                                                  size=size, nodes=nodes, per_line=2),
        "answers: list items": _lines_until(HEAD + "    items:\n", lambda i: f"      - item-{i}\n",
                                            size=size, nodes=nodes, per_line=1),
        "answers: one long string": HEAD + "    server:\n      long: \"" + "x" * (size - 200) + "\"\n",
        "answers: aliases to the node cap": HEAD + "    server:\n" + _aliases("      ", nodes - 100),
        "answers: nesting 95 deep": HEAD + "    server:\n" + _deep("      ", nodes - 100),
        "answers: unknown plan fields": _lines_until("schema: substra-wizard/answers@1\nplan:\n",
                                                     lambda i: f"  field{i}: {i}\n", size=size, nodes=nodes,
                                                     per_line=2),
    }


def values_cases() -> dict[str, str]:
    size, nodes = reading.MAX_BYTES, reading.MAX_NODES
    return {
        "values: flat keys": _lines_until("server:\n", lambda i: f"  key{i}: value {i}\n", size=size, nodes=nodes,
                                          per_line=2),
        "values: one long string": "server:\n  long: \"" + "x" * (size - 100) + "\"\n",
        "values: aliases to the node cap": "server:\n" + _aliases("  ", nodes - 100),
        "values: merge keys": "base: &base {" + ", ".join(f"k{i}: {i}" for i in range(50)) + "}\n"
                              + "".join(f"s{i}: {{<<: *base, own: {i}}}\n" for i in range(nodes // 110)),
        "values: nesting 95 deep": "server:\n" + _deep("  ", nodes - 100),
    }


def _renders(size: int) -> str:
    texts = [path.read_text() for path in sorted(RENDERS.glob("*/*.yaml"))]
    if not texts:
        return ""
    parts, total, index = [], 0, 0
    while True:
        text = "---\n" + texts[index % len(texts)]
        if total + len(text) >= size:
            return "".join(parts)
        parts.append(text)
        total += len(text)
        index += 1


def manifests_cases() -> dict[str, str]:
    size, nodes = yamlio.MAX_MANIFEST_BYTES, yamlio.MAX_MANIFEST_NODES
    pod = "kind: Pod\nmetadata: {name: p%d}\nspec: {containers: [{name: c, image: i}]}\n"
    cases = {
        "manifests: 5,000 documents": "".join("---\n" + pod % i for i in range(MAX_DOCUMENTS)),
        "manifests: one object, many labels": _lines_until(
            "kind: ConfigMap\nmetadata: {name: big}\ndata:\n", lambda i: f"  key{i}: value {i}\n", size=size,
            nodes=nodes, per_line=2),
        "manifests: aliases to the node cap": "kind: ConfigMap\nmetadata: {name: a}\ndata:\n"
                                              + _aliases("  ", nodes - 100),
    }
    renders = _renders(size)
    if renders:
        cases["manifests: rendered charts"] = renders
    return cases


def refused_cases() -> dict[str, tuple[str, str]]:
    """(kind, text) just over a cap, or hostile: must end in one exit-2 line, fast."""
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8))
    deep = "".join(f"a{i}: &a{i} " + "[" * 90 + f"*a{i - 1}" + "]" * 90 + "\n" for i in range(1, 13))
    return {
        "refused: answers over the byte cap": ("answers", HEAD + "    s: \"" + "x" * answers.MAX_BYTES + "\"\n"),
        "refused: answers of 100,000 keys": ("answers", HEAD + "".join(f"    k{i}: {i}\n" for i in range(100_000))),
        "refused: values alias bomb": ("values", bomb),
        "refused: values nested by aliases": ("values", "a0: &a0 [x]\n" + deep),
        "refused: manifests over the byte cap": ("manifests", "kind: ConfigMap\ndata:\n" + "  k: v\n" * 200_000),
    }


def _command(kind: str, path: Path, out: Path) -> list[str]:
    wizard = [sys.executable, "-m", "wizard"]
    if kind == "answers":
        return [*wizard, "--answers", str(path), "--non-interactive", "--out", str(out)]
    if kind == "values":
        return [*wizard, "import", "--values", f"substra-backend={path}", "--out", str(out)]
    return [*wizard, "pss", str(path)]


def _time(argv: list[str], out: Path, runs: int) -> tuple[float, int]:
    times, code = [], 0
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        start = time.perf_counter()
        code = subprocess.run(argv, capture_output=True, cwd=ROOT).returncode
        times.append(time.perf_counter() - start)
    return statistics.median(times), code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=("answers", "values", "manifests", "refused"))
    args = parser.parse_args()
    groups = {"answers": answers_cases, "values": values_cases, "manifests": manifests_cases}
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        for kind, make in groups.items():
            if args.only not in (None, kind):
                continue
            for name, text in make().items():
                path = base / "input.yaml"
                path.write_text(text)
                commands = [_command(kind, path, base / "out")]
                if kind == "manifests":
                    commands.append([sys.executable, "-m", "wizard", "netpol", str(path)])
                    if "documents" not in name:  # explain's report is quadratic in pods (report.py): not YAML
                        commands.append([sys.executable, "-m", "wizard", "explain", "--manifests", str(path)])
                for argv in commands:
                    median, code = _time(argv, base / "out", args.runs)
                    label = f"{name} ({argv[3] if kind == 'manifests' else kind}, {len(text) // 1024} KB)"
                    print(f"{label:<72} median {median:5.2f} s  exit {code}", flush=True)
        if args.only in (None, "refused"):
            for name, (kind, text) in refused_cases().items():
                path = base / "input.yaml"
                path.write_text(text)
                median, code = _time(_command(kind, path, base / "out"), base / "out", args.runs)
                print(f"{name + f' ({len(text) // 1024} KB)':<72} median {median:5.2f} s  exit {code}", flush=True)


if __name__ == "__main__":
    main()
