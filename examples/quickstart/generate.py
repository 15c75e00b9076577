"""Generate the quickstart's data: a churn-like training set and scoring traffic, fixed or live.

    uv run python examples/quickstart/generate.py           # the committed January 2026 data
    uv run python examples/quickstart/generate.py --live    # today's traffic, until Ctrl-C

Features follow the call-center churn data SageMaker's examples use (account length, day
and evening minutes and calls, international plan, voicemail plan, customer-service calls,
state, area code). Days 2026-01-01 to 2026-01-09 come from the training distribution; from
2026-01-10 three things drift, the way real traffic does:
- day_mins rises by about half a standard deviation (a pricing change: people talk more),
- custserv_calls doubles in variance (an outage drives some customers to call a lot),
- intl_plan "yes" triples its share (a marketing campaign),
and on 2026-01-13 a new state code "ZZ" appears (an upstream bug). The files are committed,
so the quickstart runs on a fresh clone; the seed makes them reproducible.

``--live`` makes the quickstart work on any day: it writes yesterday's partition (a whole day
of traffic, UTC) and today's, then keeps adding a batch to the current day's partition every
minute (``--every``), rolling over to a new partition at midnight UTC, as scoring traffic arrives. Its
traffic has the drift and the new state code above, so `driftplane serve monitors.yaml` in
another terminal catches up yesterday's window at once, finds the drift and fires the alerts,
and runs again at each midnight on the day just written. Its files are named ``live-*.parquet``
(git ignores them) and written under a temporary name, then renamed, so a run never reads half a
file. It needs no driftplane, only numpy and pyarrow.
"""

from __future__ import annotations

import argparse
import os
import signal
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import FrameType

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
STATES = ["CA", "NY", "TX", "FL", "WA", "IL", "OH", "GA", "NC", "MI", "NJ", "VA", "AZ", "MA", "OR"]
STATE_WEIGHTS = np.array([12, 10, 9, 8, 5, 6, 5, 5, 5, 4, 4, 4, 4, 3, 3], dtype=float)
AREA_CODES = ["408", "415", "510"]
FIRST_DAY = date(2026, 1, 1)
DAYS = 14
DRIFT_FROM = date(2026, 1, 10)
NEW_STATE_FROM = date(2026, 1, 13)


def churn_rows(rng: np.random.Generator, n: int, *, drift: bool = False, new_state: bool = False) -> pa.Table:
    """n customers; with drift, the three shifts described in the module docstring."""
    day_mins = rng.normal(180.0, 54.0, n) + (27.0 if drift else 0.0)
    custserv = rng.poisson(1.5, n).astype(np.int64)
    if drift:  # double the variance around the same mean
        custserv = np.clip(np.round(1.5 + (custserv - 1.5) * np.sqrt(2)), 0, None).astype(np.int64)
    intl_share = 0.3 if drift else 0.1
    states = rng.choice(STATES, n, p=STATE_WEIGHTS / STATE_WEIGHTS.sum())
    if new_state:
        states[rng.random(n) < 0.05] = "ZZ"
    return pa.table(
        {
            "customer_id": pa.array([f"C{v:07d}" for v in rng.integers(0, 10_000_000, n)]),
            "account_length": rng.integers(1, 240, n),
            "day_mins": np.round(np.clip(day_mins, 0, None), 1),
            "day_calls": rng.poisson(100, n).astype(np.int64),
            "eve_mins": np.round(np.clip(rng.normal(200.0, 50.0, n), 0, None), 1),
            "night_mins": np.round(np.clip(rng.normal(200.0, 50.0, n), 0, None), 1),
            "intl_mins": np.round(np.clip(rng.normal(10.0, 2.8, n), 0, None), 1),
            "custserv_calls": custserv,
            "intl_plan": np.where(rng.random(n) < intl_share, "yes", "no"),
            "vmail_plan": np.where(rng.random(n) < 0.27, "yes", "no"),
            "state": states,
            "area_code": rng.choice(AREA_CODES, n, p=[0.25, 0.5, 0.25]),
        }
    )


def day_folder(data: Path, day: date) -> Path:
    """The partition of one day, as the monitor's target path spells it: daily/yyyy/MM/dd."""
    return data / "daily" / f"{day:%Y}" / f"{day:%m}" / f"{day:%d}"


def write_fixed(data: Path) -> None:
    """The committed data: the training set and 14 days of January 2026, reproducibly."""
    rng = np.random.default_rng(20260101)
    data.mkdir(exist_ok=True)
    pq.write_table(churn_rows(rng, 20_000), data / "train.parquet")
    for offset in range(DAYS):
        day = FIRST_DAY + timedelta(days=offset)
        folder = day_folder(data, day)
        folder.mkdir(parents=True, exist_ok=True)
        table = churn_rows(rng, 2_000, drift=day >= DRIFT_FROM, new_state=day >= NEW_STATE_FROM)
        pq.write_table(table, folder / "scores.parquet")
    print(f"wrote {data}")


def write_atomically(table: pa.Table, path: Path) -> None:
    """Write under a hidden temporary name, then rename: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, temporary)
    os.replace(temporary, path)


def write_batch(data: Path, rng: np.random.Generator, now: datetime, rows: int) -> Path:
    """One batch of drifted traffic into the partition of ``now``'s day (UTC)."""
    path = day_folder(data, now.date()) / f"live-{now:%H%M%S-%f}.parquet"
    write_atomically(churn_rows(rng, rows, drift=True, new_state=True), path)
    return path


def write_yesterday(data: Path, rng: np.random.Generator, now: datetime, rows: int) -> Path | None:
    """A whole day of traffic for yesterday (UTC), unless its partition already has data."""
    folder = day_folder(data, now.date() - timedelta(days=1))
    if folder.is_dir() and any(folder.glob("*.parquet")):
        return None
    path = folder / "live-day.parquet"
    write_atomically(churn_rows(rng, rows, drift=True, new_state=True), path)
    return path


def shown(path: Path) -> str:
    """The path as the user would type it from here: relative when under the working directory."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class Stop(Exception):
    """SIGTERM: stop between batches, as Ctrl-C does."""


def _stop(signum: int, frame: FrameType | None) -> None:
    raise Stop


def live(data: Path, *, every: float, rows: int, once: bool) -> None:
    """Yesterday's and today's partitions now, then a batch every ``every`` seconds until stopped."""
    rng = np.random.default_rng()
    now = datetime.now(UTC)
    written = write_yesterday(data, rng, now, 2_000)
    if written is not None:
        print(f"wrote 2,000 rows to {shown(written)} (yesterday, UTC)", flush=True)
    signal.signal(signal.SIGTERM, _stop)
    try:
        while True:
            path = write_batch(data, rng, datetime.now(UTC), rows)
            print(f"wrote {rows:,} rows to {shown(path)}", flush=True)
            if once:
                return
            time.sleep(every)
    except (KeyboardInterrupt, Stop):
        print("stopped; every file written is complete", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--live", action="store_true", help="write today's traffic and keep writing it")
    parser.add_argument("--every", type=float, default=60.0, help="seconds between live batches (default 60)")
    parser.add_argument("--rows", type=int, default=200, help="rows per live batch (default 200)")
    parser.add_argument("--once", action="store_true", help="with --live: write yesterday and one batch, then stop")
    args = parser.parse_args(argv)
    if args.every <= 0 or args.rows <= 0:
        parser.error("--every and --rows must be more than 0")
    if args.live:
        live(HERE / "data", every=args.every, rows=args.rows, once=args.once)
    else:
        write_fixed(HERE / "data")


if __name__ == "__main__":
    main()
