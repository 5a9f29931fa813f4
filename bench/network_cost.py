"""The cost of a network (issue 17): median wall time, over fresh processes, of `wizard network write` (the first
write, and a second that reads every pair's secrets back and changes nothing), `wizard network check` on what it
wrote, and `wizard network explain` (every member explained, every path judged), for the starter's three
organisations and for a network of N organisations (N*(N-1) pairs).

    python bench/network_cost.py [--runs 7] [--organisations 10]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

WIZARD = [sys.executable, "-m", "wizard", "network"]


def _timed(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run([*WIZARD, *args], check=True, capture_output=True)
    return time.perf_counter() - start


def _median(times: list[float]) -> str:
    return f"median {statistics.median(times) * 1000:6.0f} ms (min {min(times) * 1000:.0f}, max " \
           f"{max(times) * 1000:.0f})"


def larger(starter: str, count: int) -> str:
    """The starter with `count` organisations, every one in the research channel, alternating two clusters."""
    data = yaml.safe_load(starter)
    data["network"]["organisations"] = [
        {"name": f"org-{i}", "msp_id": f"Org{i}MSP", "context": f"cluster-{1 + i % 2}",
         "host": f"api.org-{i}.example.com", "preset": "minimal"} for i in range(1, count + 1)]
    data["network"]["channels"] = [{"name": "research", "members": [f"org-{i}" for i in range(1, count + 1)]}]
    return yaml.safe_dump(data, sort_keys=False)


def measure(text: str, runs: int) -> dict[str, list[float]]:
    found: dict[str, list[float]] = {"write (first)": [], "write (again, unchanged)": [], "check": [],
                                     "explain": []}
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            path, out = Path(folder) / "network.yaml", Path(folder) / "out"
            path.write_text(text)
            found["write (first)"].append(_timed("write", str(path), "--out", str(out)))
            found["write (again, unchanged)"].append(_timed("write", str(path), "--out", str(out)))
            found["check"].append(_timed("check", str(out)))
            found["explain"].append(_timed("explain", str(path), "--out", str(out)))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--organisations", type=int, default=10)
    args = parser.parse_args()
    from wizard.network.starter import STARTER

    for title, text in (("starter (3 organisations)", STARTER),
                        (f"{args.organisations} organisations", larger(STARTER, args.organisations))):
        print(title)
        for name, times in measure(text, args.runs).items():
            print(f"  {name:<26} {_median(times)}")


if __name__ == "__main__":
    main()
