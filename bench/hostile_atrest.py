"""What one generation per folder costs (wizard.core.journal): medians over repeated runs, in milliseconds.

    python bench/hostile_atrest.py [--runs 15]

- write: plan_files + write_files of the minimal preset into a fresh folder, then again over it (a rewrite);
- settle, clean: what a reader pays before reading a folder with nothing to recover (one listing);
- settle, big folder: the same listing in a folder of 20,000 other files (`--out .` in a crowded folder);
- recover: rolling a committed, unfinished write forward; removing an uncommitted one with its staged files;
- cold start: `wizard --preset minimal --non-interactive --out DIR` as a fresh process, end to end.
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

from wizard.core import journal
from wizard.planning.layers import build_plan, plan_layers
from wizard.writing import output


def _median_ms(runs: int, prepare: Callable[[int], object], measure: Callable[[object], object]) -> float:
    times = []
    for index in range(runs):
        state = prepare(index)
        start = time.perf_counter()
        measure(state)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _staged(folder: Path, *, committed: bool) -> Path:
    """`folder` as a run killed after (or before) its commit leaves it."""
    plan = build_plan(plan_layers("minimal", None, ["target.backend.namespace=other"]))
    planned = output.plan_files(plan, folder)
    staging = folder / journal.STAGING
    staging.mkdir(mode=0o700)
    names = []
    for item in planned:
        (staging / item.path.name).write_text(item.text)
        names.append(item.path.name)
    if committed:
        (staging / journal.COMMITTED).write_text(repr(names).replace("'", '"'))
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    plan = build_plan(plan_layers("minimal", None, []))
    quiet: Callable[[str], None] = lambda note: None  # noqa: E731
    with tempfile.TemporaryDirectory() as name:
        root = Path(name)

        def write(folder: object) -> None:
            output.write_files(output.plan_files(plan, Path(str(folder))))

        fresh = _median_ms(runs, lambda i: root / f"fresh-{i}", write)
        rewrite = _median_ms(runs, lambda i: root / f"fresh-{i}", write)
        clean = _median_ms(runs, lambda i: root / f"fresh-{i}", lambda f: journal.settle(Path(str(f)), quiet))
        crowded = root / "crowded"
        crowded.mkdir()
        for index in range(20000):
            (crowded / f"file-{index}.txt").touch()
        big = _median_ms(runs, lambda i: crowded, lambda f: journal.settle(Path(str(f)), quiet))

        def prepared(committed: bool) -> Callable[[int], object]:
            def prepare(index: int) -> object:
                folder = root / f"{'c' if committed else 'u'}-{index}"
                shutil.copytree(root / "fresh-0", folder)
                return _staged(folder, committed=committed)
            return prepare

        forward = _median_ms(runs, prepared(True), lambda f: journal.settle(Path(str(f)), quiet))
        undo = _median_ms(runs, prepared(False), lambda f: journal.settle(Path(str(f)), quiet))
        cold = []
        for index in range(runs):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "wizard", "--preset", "minimal", "--non-interactive", "--out",
                            str(root / f"cold-{index}")], check=True, capture_output=True)
            cold.append((time.perf_counter() - start) * 1000)
    print(f"write, fresh folder      {fresh:8.1f} ms")
    print(f"write, rewrite           {rewrite:8.1f} ms")
    print(f"settle, clean folder     {clean:8.3f} ms")
    print(f"settle, 20,000 files     {big:8.1f} ms")
    print(f"recover, roll forward    {forward:8.1f} ms")
    print(f"recover, undo            {undo:8.1f} ms")
    print(f"cold start, whole run    {statistics.median(cold):8.0f} ms")


if __name__ == "__main__":
    main()
