"""Generate the quickstart's data: a churn-like training set and 14 days of scoring traffic.

    uv run python examples/quickstart/generate.py

Features follow the call-center churn data SageMaker's examples use (account length, day
and evening minutes and calls, international plan, voicemail plan, customer-service calls,
state, area code). Days 2026-01-01 to 2026-01-09 come from the training distribution; from
2026-01-10 three things drift, the way real traffic does:
- day_mins rises by about half a standard deviation (a pricing change: people talk more),
- custserv_calls doubles in variance (an outage drives some customers to call a lot),
- intl_plan "yes" triples its share (a marketing campaign),
and on 2026-01-13 a new state code "ZZ" appears (an upstream bug). The files are committed,
so the quickstart runs on a fresh clone; the seed makes them reproducible.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

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


def main() -> None:
    rng = np.random.default_rng(20260101)
    data = HERE / "data"
    data.mkdir(exist_ok=True)
    pq.write_table(churn_rows(rng, 20_000), data / "train.parquet")
    for offset in range(DAYS):
        day = FIRST_DAY + timedelta(days=offset)
        folder = data / "daily" / f"{day:%Y}" / f"{day:%m}" / f"{day:%d}"
        folder.mkdir(parents=True, exist_ok=True)
        table = churn_rows(rng, 2_000, drift=day >= DRIFT_FROM, new_state=day >= NEW_STATE_FROM)
        pq.write_table(table, folder / "scores.parquet")
    print(f"wrote {data}")


if __name__ == "__main__":
    main()
