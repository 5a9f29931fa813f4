"""The kill loop: `wizard ... --out DIR` (a preset, --answers F, wizard import with a planted password) killed with
SIGKILL at random moments, many times, on two folders at once. After every kill nothing in the folder is readable by
others; once a reader has settled it, it holds no temporary or staging file and exactly one generation, byte for byte;
a last normal run leaves it whole.

The moments: a third uniform over the whole run (start-up included), the rest within 15 ms after the folder first
changes, while the files are written (a run spends most of its time starting up, and a write takes a few ms). The
seed is in every failure message (KILL_LOOP_SEED=N runs it again)."""

from __future__ import annotations

import os
import random
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

from wizard.planning.layers import plan_layers

RUNS_PER_FOLDER = 32
PASSWORD = "hunter2-planted-secret"
_READING = threading.Lock()


def _commands(base: Path) -> dict[str, list[str]]:
    """Three runs whose files all differ, each naming the folder last (appended per folder)."""
    orchestrator, backend = base / "orchestrator.yaml", base / "backend.yaml"
    orchestrator.write_text("persistence:\n  size: 3Gi\n")
    backend.write_text(f"server:\n  defaultDomain: gen-c.example\ncustomThing:\n  password: {PASSWORD}\n")
    answers = base / "gen-b-answers.yaml"
    python = [sys.executable, "-m", "wizard"]
    sets = ["--set", "target.orchestrator.namespace=gen-b", "--set", "target.backend.namespace=gen-b"]
    subprocess.run([*python, "--preset", "minimal", *sets, "--non-interactive", "--out", str(base / "b")],
                   check=True, capture_output=True)
    (base / "b" / "wizard-answers.yaml").rename(answers)
    return {
        "gen-a": [*python, "--preset", "minimal", "--set", "target.orchestrator.namespace=gen-a",
                  "--set", "target.backend.namespace=gen-a", "--non-interactive", "--out"],
        "gen-b": [*python, "--answers", str(answers), "--non-interactive", "--out"],
        "gen-c": [*python, "import", "--values", f"orchestrator={orchestrator}", "--values",
                  f"substra-backend={backend}", "--out"],
    }


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def _kill(process: subprocess.Popen, folder: Path, rng: random.Random, length: float) -> str:
    """SIGKILL the run at a random moment: a third of the time anywhere in the run, else within 15 ms after the
    folder first changes (the write has begun: that is where a kill can hurt). Says when, for failure messages."""
    if rng.random() < 1 / 3:
        delay = rng.uniform(0, length)
        try:
            process.wait(timeout=delay)
            return "never (it had finished)"
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            process.wait()
            return f"{delay:.3f} s after its start"
    before, deadline = folder.stat().st_mtime_ns, time.monotonic() + 3 * length + 1
    delay = rng.uniform(0, 0.015)
    while process.poll() is None and time.monotonic() < deadline:
        if folder.stat().st_mtime_ns != before:
            time.sleep(delay)
            break
        time.sleep(0.0005)
    if process.poll() is not None:
        return "never (it had finished)"
    process.send_signal(signal.SIGKILL)
    process.wait()
    return f"{delay * 1000:.1f} ms after its write began"


def _loop(folder: Path, commands: dict[str, list[str]], expected: dict[str, dict[str, bytes]],
          durations: dict[str, float], seed: int, counts: dict[str, int]) -> None:
    rng = random.Random(seed)
    names = list(commands)
    for run in range(RUNS_PER_FOLDER):
        name = names[run % len(names)]
        process = subprocess.Popen([*commands[name], str(folder)], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        moment = _kill(process, folder, rng, durations[name])
        where = f"(seed {seed}, run {run}: {name} killed {moment})"
        for path in [folder, *folder.rglob("*")]:  # before any recovery: a copy holding the password included
            assert stat.S_IMODE(path.lstat().st_mode) & 0o077 == 0, f"{path} is readable by others {where}"
        leftovers = sorted(p.name for p in folder.iterdir() if p.name.startswith("."))
        with _READING:  # what `--answers DIR/wizard-answers.yaml` or `wizard diff dir:DIR` does first
            counts["interrupted"] += bool(leftovers)
            plan_layers(None, folder / "wizard-answers.yaml", [])
        left = sorted(p.name for p in folder.iterdir() if p.name.startswith("."))
        assert left == [], f"{left} left in {folder} {where}"
        found = _snapshot(folder)
        matching = [gen for gen, files in expected.items() if files == found]
        assert matching, f"{folder} mixes generations {where}: " + ", ".join(
            f"{file} is {next((g for g, f in expected.items() if f.get(file) == data), 'none')}"
            for file, data in sorted(found.items()))


def test_sigkill_at_random_moments_leaves_one_generation_and_nothing_else(tmp_path: Path) -> None:
    commands = _commands(tmp_path)
    expected, durations = {}, {}
    for name, command in commands.items():
        started = time.monotonic()
        subprocess.run([*command, str(tmp_path / name)], check=True, capture_output=True)
        durations[name] = time.monotonic() - started
        expected[name] = _snapshot(tmp_path / name)
    assert len({frozenset(files.items()) for files in expected.values()}) == 3
    assert expected["gen-a"].keys() == expected["gen-b"].keys() == expected["gen-c"].keys()
    seed = int(os.environ.get("KILL_LOOP_SEED", random.randrange(1 << 30)))
    folders = [tmp_path / "loop-1", tmp_path / "loop-2"]
    counts = {"interrupted": 0}
    failures: list[BaseException] = []

    def run(index: int, folder: Path) -> None:
        try:
            subprocess.run([*commands["gen-a"], str(folder)], check=True, capture_output=True)
            _loop(folder, commands, expected, durations, seed + index, counts)
        except BaseException as error:  # noqa: BLE001 - re-raised in the test's thread
            failures.append(error)

    threads = [threading.Thread(target=run, args=(i, folder)) for i, folder in enumerate(folders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    for folder in folders:  # the last, normal run
        subprocess.run([*commands["gen-c"], str(folder)], check=True, capture_output=True)
        assert sorted(p.name for p in folder.iterdir() if p.name != "secrets") == sorted(expected["gen-c"])
        assert _snapshot(folder) == expected["gen-c"]
        assert sorted(p.name for p in (folder / "secrets").iterdir()) == [  # its own generation, settled too
            "orchestrator-secrets.yaml", "substra-backend-credentials.values", "substra-backend-secrets.yaml"]
    print(f"kill loop seed {seed}: {counts['interrupted']} of {2 * RUNS_PER_FOLDER} runs killed mid-write")
