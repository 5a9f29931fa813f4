"""Time to refuse or open worst-case bundles under the documented caps (support/bundle_reading.py MAX_*), median of
several runs of the whole command as a user runs it (`python -m wizard explain --bundle FILE`, start-up included), in s.

Each case is the worst of its kind that the caps let through, or the cheapest input that makes the reader work up
to a cap before refusing: a gzip bomb, a 300 MB GNU long name or pax path in a 300 KB file, tar data at the size
cap, 64 members, YAML members at the byte and node caps (flow lists, maps, long strings, aliases expanding to the
cap, nesting at the depth cap and a burst past it), a manifest at its size cap or nested past its depth cap, and a
tampered member at the member cap. The corpus comes from the generator in tests/unit/test_hostile_bundle.py.

    python bench/hostile_bundle.py [--runs 5] [--only NAME]

Target: every case under 5 s. Not a test.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "unit"))

import test_hostile_bundle as corpus  # noqa: E402

from wizard.support import bundle_layout, bundle_reading  # noqa: E402

TARGET_S = 5.0


def _values_bundle(values: str, **fields: object) -> bytes:
    files = corpus.values_files(values)
    return corpus.gz(corpus.pack(files, corpus.manifest_of(files, **fields)))


def _text(size: int, seed: int = 0) -> bytes:
    """Incompressible printable text (hex of a hash chain): gzip cannot make it smaller than half."""
    out, block = [], hashlib.sha256(str(seed).encode()).digest()
    for _ in range(-(-size // 128)):
        block = hashlib.sha512(block).digest()
        out.append(block.hex().encode())
    return b"".join(out)[:size]


def _max_tar() -> bytes:
    """Members filling the tar cap, as incompressible as text gets: read, inflated, hashed and decoded in full."""
    room = bundle_reading.MAX_TAR_BYTES - 16 * 1024 - 10240
    files = {**corpus.values_files(), "explain.md": _text(bundle_reading.MAX_MEMBER_BYTES, 1),
             "explain.json": _text(room - bundle_reading.MAX_MEMBER_BYTES, 2)}
    return corpus.gz(corpus.pack(files))


def _long_name(kind: bytes) -> bytes:
    size, chunk = 300 << 20, b"A" * (1 << 20)
    start = bundle_layout.ROOT.encode() if kind == b"L" else b"%d path=" % size
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [compressor.compress(corpus.header("././@LongLink", len(start) + size, kind) + start)]
    parts += [compressor.compress(chunk) for _ in range(300)]
    parts += [compressor.compress(bytes(-(size + len(start)) % 512) + corpus.end(corpus.entry(
        bundle_layout.ROOT + "explain.md", b"x"))), compressor.flush()]
    return b"".join(parts)


def _gzip_bomb() -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(1 << 20)
    return b"".join([*(compressor.compress(zeros) for _ in range(1024)), compressor.flush()])


def _many_members() -> bytes:
    return corpus.gz(corpus.end(b"".join(corpus.entry(f"{bundle_layout.ROOT}x{i}", b"y" * 100_000)
                                         for i in range(bundle_reading.MAX_MEMBERS + 1))))


def _tampered() -> bytes:
    files = {**corpus.values_files(), "explain.md": _text(bundle_reading.MAX_MEMBER_BYTES, 3)}
    manifest = corpus.manifest_of(files)
    files["explain.md"] = files["explain.md"][:-1] + b"!"
    return corpus.gz(corpus.pack(files, manifest))


def _manifest(text: bytes) -> bytes:
    return corpus.gz(corpus.pack(corpus.values_files(), text))


def _big_manifest() -> bytes:
    files = corpus.values_files()
    manifest = corpus.manifest_of(files, notes=["n" * 1000] * 1000)
    while len(json.dumps(manifest)) > bundle_manifest_max() - 100:
        manifest["notes"].pop()
    return corpus.gz(corpus.pack(files, manifest))


def bundle_manifest_max() -> int:
    from wizard.support import bundle_manifest

    return bundle_manifest.MAX_BYTES


def _flow_list(nodes: int) -> str:
    return "x: [" + "1," * (nodes - 3) + "1]\n"


def _keys(nodes: int) -> str:
    return "".join(f"k{i}: v\n" for i in range(nodes // 2 - 1))


def _aliases(nodes: int) -> str:
    """One list of 99 scalars, aliased until the expanded count nears `nodes`."""
    head = "base: &b [" + ", ".join(["x"] * 99) + "]\n"
    return head + "uses: [" + ", ".join(["*b"] * (nodes // 100 - 2)) + "]\n"


def _nested(depth: int) -> str:
    return "x: " + "[" * depth + "]" * depth + "\n"


CASES: dict[str, tuple[str, Callable[[], bytes]]] = {
    "real-plan": ("opens", lambda: _real("production")),
    "gzip-bomb-1GB": ("refused", _gzip_bomb),
    "gnu-long-name-300MB": ("refused", lambda: _long_name(b"L")),
    "pax-path-300MB": ("refused", lambda: _long_name(b"x")),
    "tar-at-size-cap": ("opens", _max_tar),
    "members-past-cap": ("refused", _many_members),
    "tampered-16MB-member": ("refused", _tampered),
    "manifest-at-size-cap": ("opens", _big_manifest),
    "manifest-nested-1MB": ("refused", lambda: _manifest(b"[" * (1 << 20))),
    "manifest-pairs-1MB": ("refused", lambda: _manifest(b"[" + b"[]," * 349_000 + b"[]]")),
    "yaml-flow-list-at-node-cap": ("opens", lambda: _values_bundle(_flow_list(bundle_reading.MAX_YAML_NODES - 10))),
    "yaml-keys-at-node-cap": ("opens", lambda: _values_bundle(_keys(bundle_reading.MAX_YAML_NODES - 10))),
    "yaml-string-at-byte-cap": ("opens", lambda: _values_bundle(
        "x: " + "a" * (bundle_reading.MAX_YAML_BYTES - 200) + "\n")),
    "yaml-aliases-at-node-cap": ("opens", lambda: _values_bundle(_aliases(bundle_reading.MAX_YAML_NODES))),
    "yaml-nested-at-depth-cap": ("opens", lambda: _values_bundle(_nested(98))),
    "yaml-nested-burst-1000": ("refused", lambda: _values_bundle(_nested(1000))),
    "yaml-alias-bomb": ("refused", lambda: _values_bundle(corpus.alias_bomb())),
}


def _real(preset: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "b.tar.gz"
        subprocess.run([sys.executable, "-m", "wizard", "bundle", "--preset", preset, "--out", str(out)], check=True,
                       capture_output=True)
        return out.read_bytes()


def _run(path: Path) -> tuple[float, int, str]:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "wizard", "explain", "--bundle", str(path)], capture_output=True,
                            text=True, cwd=path.parent, timeout=120)
    return time.perf_counter() - start, result.returncode, result.stderr.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", help="run only the cases whose name contains this")
    args = parser.parse_args()
    worst = 0.0
    with tempfile.TemporaryDirectory() as folder:
        print(f"{'case':30} {'expected':8} {'exit':>4} {'size':>10} {'median s':>9}  message")
        for name, (expected, make) in CASES.items():
            if args.only and args.only not in name:
                continue
            path = Path(folder) / f"{name}.tar.gz"
            path.write_bytes(make())
            runs = [_run(path) for _ in range(args.runs)]
            median = statistics.median(t for t, _, _ in runs)
            code, err = runs[0][1], runs[0][2]
            ok = (code == 0) == (expected == "opens") and code in (0, 2)
            worst = max(worst, median)
            print(f"{name:30} {expected:8} {code:>4} {os.path.getsize(path):>10,} {median:>9.2f}  "
                  f"{'' if ok else 'UNEXPECTED '}{err.rpartition('open: ')[2][:90]}")
    print(f"worst median {worst:.2f} s (target under {TARGET_S:.0f} s)")
    return 0 if worst < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
