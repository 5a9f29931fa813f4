"""The cost of the credentials: median wall time, over fresh processes, of a fresh write, a re-run (which reads the
secrets back), a rotation, and `wizard secrets` listing and revealing; and whether `wizard --help` imports Django or
zxcvbn (it must not: the backend's validators cost some 0.3 s and only a typed admin password needs them).

    python bench/credentials_cost.py [--runs 11] [--preset production]

Not named secrets.py: a script's folder comes first on sys.path, and that name hid the standard library's secrets
module from the other benches.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

WIZARD = [sys.executable, "-m", "wizard"]
HEAVY = ("django", "zxcvbn", "textual", "kubernetes")


def _timed(command: list[str], stdin: bytes | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, input=stdin)
    return time.perf_counter() - start


def _median_ms(runs: int, once: Callable[[int], float]) -> str:
    times = [once(index) for index in range(runs)]
    return f"median {statistics.median(times) * 1000:5.0f} ms (min {min(times) * 1000:.0f}, max " \
           f"{max(times) * 1000:.0f})"


def _imported_at_help() -> list[str]:
    """The heavy top-level modules `python -X importtime -m wizard --help` imports."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "wizard", "--help"], capture_output=True,
                          text=True, check=True)
    names = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in done.stderr.splitlines() if "|" in line}
    return sorted(names & set(HEAVY))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--preset", default="production")
    args = parser.parse_args()
    runs, preset = args.runs, args.preset
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)

        def fresh(index: int) -> float:
            return _timed([*WIZARD, "--preset", preset, "--non-interactive", "--out", str(root / f"fresh-{index}")])

        out = root / "deploy"
        subprocess.run([*WIZARD, "--preset", preset, "--non-interactive", "--out", str(out)], check=True,
                       capture_output=True)
        again = [*WIZARD, "--answers", str(out / "wizard-answers.yaml"), "--non-interactive", "--out", str(out)]
        results = {
            "fresh write": _median_ms(runs, fresh),
            "re-run (secrets read back)": _median_ms(runs, lambda _: _timed(again)),
            "--rotate-secrets": _median_ms(runs, lambda _: _timed([*again, "--rotate-secrets"])),
            "wizard secrets (listing)": _median_ms(runs, lambda _: _timed([*WIZARD, "secrets", "--out", str(out)])),
            "wizard secrets reveal": _median_ms(runs, lambda _: _timed(
                [*WIZARD, "secrets", "reveal", "substra-backend/redis", "--out", str(out)])),
            "wizard secrets set (admin, validators)": _median_ms(runs, lambda i: _timed(
                [*WIZARD, "secrets", "set", "substra-backend/admin/admin", "--out", str(out)],
                stdin=f"Correct-Horse-Battery-Staple-{40 + i}\n".encode())),
            "python -c pass": _median_ms(runs, lambda _: _timed([sys.executable, "-c", "pass"])),
        }
    print(f"preset {preset}, {runs} fresh processes each:")
    for name, result in results.items():
        print(f"  {name:<40} {result}")
    print(f"heavy modules imported by wizard --help: {_imported_at_help() or 'none'}")


if __name__ == "__main__":
    main()
