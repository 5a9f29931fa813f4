"""Redaction on adversarial strings: `wizard bundle` of a values file holding one long string of each shape that
makes a naive pattern quadratic (many `://`, `:`, `@`, long base64 runs, `password=` chains ...), median wall time
over fresh processes; and the Redactor alone on 2 MB strings (a values file that large is refused by wizard import,
whose cap is 512 KB, but the answers file and free texts go through the same code).

    python bench/hostile_redact.py [--runs 3] [--sizes 200000,440000] [--direct 2000000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHAPES = {
    "many ://": "a://", "many :": "a:", "many @": "a@", "scheme then @": None, "base64 run": "A",
    "base64 words": "QUJD/+", "dotted word": "a.b-", "password= chain": "password=", 'password=" chain': 'password="',
    "eyJ run": "eyJ", "Bearer chain": "Bearer ", "PEM headers": "-----BEGIN ", ".pgpass lines": "a:1:a:a:\n",
    "long key": "k", "quotes": '"',
}
BUNDLE = (  # what `wizard bundle --from SPEC --out FILE` does, timing the part after reading the inputs
    "import sys, time\nfrom pathlib import Path\nfrom wizard.support import bundle, sources\n"
    "from wizard.analysis import pss\n"
    "side = sources.resolve(sys.argv[1])\nstart = time.perf_counter()\n"
    "members = bundle.build(side, version=pss.LATEST)\nbundle.write(Path(sys.argv[2]), bundle.archive(members))\n"
    "print(time.perf_counter() - start)\n"
)
CAP = 500_000
"""Under wizard import's 512 KiB cap on a values file."""
DIRECT = (
    "import json, sys, time\nfrom wizard.support.redact import Redactor\n"
    "text = sys.stdin.read()\nstart = time.perf_counter()\nr = Redactor()\nr.learn_text(text)\n"
    "r.learn_values({'x': text}, 'substra-backend')\n"
    "r.values({'server': {'ingress': {'hostname': text}}, 'x': text}, 'v', 'substra-backend')\n"
    "r.scrub(text, 't', quoted=True)\nprint(time.perf_counter() - start)\n"
)


def text_of(shape: str, size: int) -> str:
    unit = SHAPES[shape]
    if unit is None:
        return "x://" + "a@" * (size // 2)
    return unit * (size // len(unit)) + ("=v" if shape == "long key" else "")


def values_text(shape: str, size: int) -> str:
    """A values file with the string under a declared key (kept: its shapes are looked for) and under an undeclared
    one, within wizard import's cap (JSON escapes can double a string: it is shortened to fit)."""
    while True:
        text = ("server:\n  ingress:\n    hostname: " + json.dumps(text_of(shape, size)) + "\n"
                "customer:\n  note: " + json.dumps(text_of(shape, size // 10)) + "\n")
        if len(text.encode()) <= CAP:
            return text
        size = size * 9 // 10


def bundle_once(values: Path, out: Path) -> tuple[float, float]:
    """(wall time of wizard bundle, of which the redaction and writing: bundle.build + archive + write)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", BUNDLE, f"values:substra-backend={values}", str(out)],
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"wizard bundle failed ({done.returncode}): {done.stderr.strip()[-300:]}")
    return elapsed, float(done.stdout.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="200000,440000", help="string lengths for wizard bundle (comma-separated)")
    parser.add_argument("--direct", type=int, default=2_000_000, help="string length for the Redactor alone")
    args = parser.parse_args()
    worst = 0.0
    with tempfile.TemporaryDirectory() as folder:
        for size in (int(s) for s in args.sizes.split(",")):
            for shape in SHAPES:
                values = Path(folder) / "values.yaml"
                values.write_text(values_text(shape, size))
                runs = [bundle_once(values, Path(folder) / "b.tar.gz") for _ in range(args.runs)]
                median = statistics.median(total for total, _ in runs)
                build = statistics.median(part for _, part in runs)
                worst = max(worst, median)
                kilobytes = values.stat().st_size // 1000
                print(f"wizard bundle, {kilobytes:>4} KB file, {shape:<18} median {median:6.2f} s "
                      f"(redaction and writing {build:5.2f} s; the rest is reading the YAML, twice)")
        for shape in SHAPES:
            times = []
            for _ in range(args.runs):
                done = subprocess.run([sys.executable, "-c", DIRECT], input=text_of(shape, args.direct), text=True,
                                      capture_output=True, check=True)
                times.append(float(done.stdout))
            median = statistics.median(times)
            worst = max(worst, median)
            print(f"Redactor alone, {args.direct // 1000:>5} KB {shape:<18} median {median:6.2f} s")
    print(f"worst median: {worst:.2f} s (limit 5 s)")


if __name__ == "__main__":
    main()
