"""Time how long `driftplane --version` and `driftplane --help` take, against `python -c pass`.

    uv run python benchmarks/startup.py              # 20 runs of each, interleaved
    uv run python benchmarks/startup.py --runs 50

Each command runs in a fresh process, the way a shell starts it, with every installed plugin
(aws, azure, gcp) loaded from its entry point. One unmeasured run of each first leaves
Python's bytecode caches written, as an installed package has them (PYTHONDONTWRITEBYTECODE
is dropped for the commands). Reported: median, minimum and maximum wall time, and the
median CPU time of the process (user + system, from wait4).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

DRIFTPLANE = str(Path(sys.executable).with_name("driftplane"))
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "driftplane --version": [DRIFTPLANE, "--version"],
    "driftplane --help": [DRIFTPLANE, "--help"],
}


def run(command: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run of ``command``."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    errors = process.stderr.read().decode() if process.stderr else ""
    if process.stderr:
        process.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{errors}")
    return wall, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20, help="measured runs of each command (default 20)")
    args = parser.parse_args()
    for command in COMMANDS.values():
        run(command)  # unmeasured: bytecode caches written
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in COMMANDS}
    for _ in range(args.runs):
        for name, command in COMMANDS.items():  # interleaved, so load changes hit all alike
            times[name].append(run(command))
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}; {args.runs} runs each\n")
    header = ("command", "wall median s", "wall min-max s", "cpu median s")
    rows = []
    for name, runs in times.items():
        walls = [wall for wall, _ in runs]
        rows.append(
            (
                name,
                f"{statistics.median(walls):.3f}",
                f"{min(walls):.3f}-{max(walls):.3f}",
                f"{statistics.median(cpu for _, cpu in runs):.3f}",
            )
        )
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("| " + " | ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)) + " |")


if __name__ == "__main__":
    main()
