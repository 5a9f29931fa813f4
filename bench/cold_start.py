"""Cold start of `wizard --preset minimal --non-interactive --out DIR`: median wall time over fresh processes, and
which heavy modules got imported (there should be none).

    python bench/cold_start.py [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time

PROBE = (
    "import sys; from wizard.cli import main; code = main(sys.argv[1:]); "
    "print('HEAVY', sorted(m for m in ('textual', 'kubernetes', 'questionary') if m in sys.modules), "
    "file=sys.stderr); raise SystemExit(code)"
)


def _once(out: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "wizard", "--preset", "minimal", "--non-interactive", "--out", out],
                   check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        baseline = statistics.median(
            _time([sys.executable, "-c", "pass"]) for _ in range(runs)
        )
        times = [_once(f"{folder}/out-{i}") for i in range(runs)]
        probe = subprocess.run([sys.executable, "-c", PROBE, "--preset", "minimal", "--non-interactive",
                                "--out", f"{folder}/probe"], capture_output=True, text=True, check=True)
    heavy = [line for line in probe.stderr.splitlines() if line.startswith("HEAVY")][-1]
    print(f"wizard --preset minimal --non-interactive: median {statistics.median(times) * 1000:.0f} ms, "
          f"min {min(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms over {runs} cold runs")
    print(f"python -c pass (interpreter start-up alone): median {baseline * 1000:.0f} ms")
    print(f"heavy modules imported: {heavy.removeprefix('HEAVY ')}")


def _time(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
