"""Cost of reading manifests: `wizard explain --manifests` of the largest backend render beside `--preset minimal`.

`wizard explain --manifests FILE` and `wizard explain --preset minimal` as wall time of fresh processes: median, min
and max of each, and the ratio of the medians.

    python bench/explain_manifests.py [--runs 7] [--shared PATH] [--preset minimal] [--json]

FILE is the largest (in bytes) `*.yaml` under every `reference/substra-renders*/substra-backend/` folder of the shared
folder (../shared beside the project unless --shared says otherwise): real Helm renders of the backend chart, so the
bench follows whatever renders the shared folder holds. Both commands run only through the command line
(`python -m wizard`, output to /dev/null) so that the bench does not depend on where wizard's modules live.
Runs alternate (manifests, preset, manifests, preset ...) after one warm-up of each, so that a slower or faster
moment of the host hits both alike. Compiled modules are kept between runs, as an operator's Python keeps them (this
machine sets PYTHONDONTWRITEBYTECODE; the bench unsets it for the children).

Exit codes of `wizard explain`: 0 done (whatever the findings say: DANGER findings do not change it), 2 unreadable or
invalid input, 70 a bug in the wizard, 130 interrupted, 141 output pipe closed. Only 0 is a run that counts; any other
stops the bench with the command, its code and its error output.

Target (issue 15): the manifests run's median at most 1.3x the preset run's. Not a test: it prints the figures
(exit 0 whether or not they meet the target; 1 when a run fails; 2 when the shared folder or its renders are missing).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = ROOT.parent / "shared"
RENDERS = "reference/substra-renders*/substra-backend/*.yaml"
TARGET_RATIO = 1.3
EXIT_MEANINGS = {2: "unreadable or invalid input", 70: "internal error (a bug in the wizard)", 130: "interrupted",
                 141: "output pipe closed"}


class BenchError(Exception):
    """A reason the bench cannot give figures; its exit code and a message for the operator."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Timing:
    """Wall seconds of every counted run of one command."""

    label: str
    times: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    def as_json(self) -> dict[str, object]:
        return {"command": self.label, "median_s": round(self.median, 4), "min_s": round(min(self.times), 4),
                "max_s": round(max(self.times), 4), "times_s": [round(value, 4) for value in self.times]}


def largest_backend_render(shared: Path) -> tuple[Path, int]:
    """The largest substra-backend render under the shared folder, and how many renders were looked at."""
    if not shared.is_dir():
        raise BenchError(2, f"no shared folder at {shared}: the bench reads the backend renders in "
                            f"{RENDERS} there; give its place with --shared PATH")
    renders = [path for path in shared.glob(RENDERS) if path.is_file()]
    if not renders:
        raise BenchError(2, f"no backend render matches {shared}/{RENDERS}: is {shared} the project's shared "
                            "folder? Give another with --shared PATH")
    return max(renders, key=lambda path: (path.stat().st_size, str(path))), len(renders)


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # keep compiled modules, as an operator's Python does
    return env


def _run_once(command: list[str], env: dict[str, str]) -> float:
    """Wall seconds of one fresh process; a BenchError when it does not exit 0."""
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        meaning = EXIT_MEANINGS.get(done.returncode, "not an exit code wizard explain documents")
        tail = "\n".join(done.stderr.strip().splitlines()[-5:]) or "(no error output)"
        raise BenchError(1, f"{' '.join(command)} exited {done.returncode} ({meaning}); only 0 counts:\n{tail}")
    return elapsed


def interleaved(commands: dict[str, list[str]], runs: int) -> list[Timing]:
    """`runs` timed processes of each command, alternating, after one untimed warm-up of each."""
    env = _child_env()
    for command in commands.values():
        _run_once(command, env)  # writes compiled modules, fills the page cache
    times: dict[str, list[float]] = {label: [] for label in commands}
    for _ in range(runs):
        for label, command in commands.items():
            times[label].append(_run_once(command, env))
    return [Timing(label, values) for label, values in times.items()]


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give a whole number of runs, 1 or more")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     epilog="Exit codes: 0 figures printed, 1 a wizard run failed, "
                                            "2 no shared folder or no backend render in it.")
    parser.add_argument("--runs", type=_positive, default=7, help="timed processes of each command (default: 7)")
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED,
                        help=f"the project's shared folder (default: {DEFAULT_SHARED})")
    parser.add_argument("--preset", default="minimal", help="the preset to compare with (default: minimal)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON instead of a table")
    return parser


def _report(render: Path, size: int, looked_at: int, runs: int, manifests: Timing, preset: Timing) -> dict:
    ratio = manifests.median / preset.median
    return {"file": str(render), "bytes": size, "renders_looked_at": looked_at, "runs": runs,
            "manifests": manifests.as_json(), "preset": preset.as_json(), "ratio_of_medians": round(ratio, 3),
            "target_ratio": TARGET_RATIO, "within_target": ratio <= TARGET_RATIO}


def _table(report: dict) -> str:
    rows = [report["manifests"], report["preset"]]
    width = max(len(row["command"]) for row in rows)
    verdict = "within" if report["within_target"] else "OVER"
    lines = [f"largest substra-backend render ({report['renders_looked_at']} looked at): {report['file']} "
             f"({report['bytes'] / 1024:.1f} KiB)",
             f"{report['runs']} fresh processes each, alternating, after one warm-up each (wall time):",
             f"  {'command'.ljust(width)}  median      min      max"]
    lines += [f"  {row['command'].ljust(width)}  {row['median_s'] * 1000:5.0f} ms {row['min_s'] * 1000:5.0f} ms "
              f"{row['max_s'] * 1000:5.0f} ms" for row in rows]
    extra = (report["manifests"]["median_s"] - report["preset"]["median_s"]) * 1000
    lines.append(f"ratio of medians: {report['ratio_of_medians']:.2f}x (manifests {extra:+.0f} ms); "
                 f"target at most {TARGET_RATIO}x: {verdict}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        render, looked_at = largest_backend_render(args.shared.resolve())
        size = render.stat().st_size
        wizard = [sys.executable, "-m", "wizard", "explain"]
        commands = {"wizard explain --manifests FILE": [*wizard, "--manifests", str(render)],
                    f"wizard explain --preset {args.preset}": [*wizard, "--preset", args.preset]}
        manifests, preset = interleaved(commands, args.runs)
    except BenchError as error:
        print(f"explain_manifests: {error}", file=sys.stderr)
        return error.code
    report = _report(render, size, looked_at, args.runs, manifests, preset)
    print(json.dumps(report, indent=2) if args.json else _table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
