"""Writes data/churn_scored.parquet: the quickstart's training set with the model's output first.

SageMaker matches captured traffic to the baseline BY POSITION, with the endpoint's output
first and then the request's fields in the order the endpoint receives them. A baseline for
an endpoint monitor is therefore laid out the same way: here the churn model's score (a
stand-in formula; use your model's real predictions on the training set), then every column
the endpoint receives, customer_id included.

    uv run python examples/aws/score_baseline.py
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

HERE = Path(__file__).parent
ROWS = 5000  # enough for stable sketches, small enough to keep in the repository


def main() -> None:
    train = pq.read_table(HERE.parent / "quickstart" / "data" / "train.parquet").slice(0, ROWS)
    calls = pc.cast(train["custserv_calls"], pa.float64())
    minutes = pc.divide(train["day_mins"], 400.0)
    plan = pc.cast(pc.equal(train["intl_plan"], "yes"), pa.float64())
    raw = pc.add(pc.add(pc.multiply(calls, 0.08), minutes), pc.multiply(plan, 0.2))
    score = pc.round(pc.min_element_wise(raw, pa.scalar(1.0)), 4)
    out = HERE / "data" / "churn_scored.parquet"
    out.parent.mkdir(exist_ok=True)
    pq.write_table(train.add_column(0, "churn_score", score), out)
    print(f"wrote {out} ({train.num_rows} rows, columns: {', '.join(['churn_score', *train.column_names])})")


if __name__ == "__main__":
    main()
