"""Generate the model-quality example: a churn model's predictions, and labels that arrive late.

    uv run python examples/model-quality/generate.py

A churn model scores customers every day from 2026-02-01 to 2026-02-21. It is a logistic
model of five inputs (tenure, monthly charges, support calls, contract, region), and until
2026-02-12 it is right: each customer churns with the probability the model gives, so its
accuracy is about 0.87. On 2026-02-12 a competitor starts poaching long-standing customers:
tenure, which protected against churn, no longer does. The inputs keep their distributions,
so input drift stays small, but the model's accuracy falls to about 0.70; nobody knows
until the labels land. That is why both are watched.

Files (the seed makes them reproducible; they are committed so the example runs on a fresh
clone):
- data/validation.parquet: 3,000 labelled rows scored by the model (the baseline: the
  model's quality before deployment, and what the estimates are fitted on);
- data/predictions/YYYY/MM/DD/predictions.parquet: each day's scored traffic
  (inference_id, the inputs, churn_score = the probability of churn, churn_pred);
- data/labels/YYYY/MM/DD/labels.jsonl: the true outcomes ({"inference_id", "churned"}),
  filed under the day they ARRIVED: one, two or three days after the prediction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
FIRST_DAY = date(2026, 2, 1)
DAYS = 21
DROP_DAY = date(2026, 2, 12)  # from this day on, the model's view of tenure is wrong
ROWS_PER_DAY = 800
VALIDATION_ROWS = 3000
LABEL_DELAYS = (1, 2, 3)  # days between a prediction and its label's arrival
SEED = 14
CONTRACTS = ["month-to-month", "one-year", "two-year"]
REGIONS = ["north", "south", "east", "west"]


def customers(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """n customers' inputs; the same distribution every day."""
    return {
        "tenure_months": rng.integers(1, 73, n).astype(np.int64),
        "monthly_charges": np.round(rng.normal(70.0, 20.0, n).clip(18.0, 120.0), 2),
        "support_calls": rng.poisson(1.4, n).astype(np.int64),
        "contract": rng.choice(CONTRACTS, n, p=[0.5, 0.3, 0.2]),
        "region": rng.choice(REGIONS, n),
    }


def _logit(inputs: dict[str, np.ndarray], tenure_effect: float) -> np.ndarray:
    tenure = (inputs["tenure_months"] - 36.0) / 20.0
    charges = (inputs["monthly_charges"] - 70.0) / 20.0
    calls = (inputs["support_calls"] - 1.4) / 1.2
    contract = np.select(
        [inputs["contract"] == "month-to-month", inputs["contract"] == "one-year"], [1.3, -0.4], default=-1.6
    )
    return 2.6 * tenure_effect * tenure + 1.8 * charges + 1.2 * calls + 1.5 * contract - 0.2


def model_score(inputs: dict[str, np.ndarray]) -> np.ndarray:
    """The deployed model: the churn probability it learned before the competitor arrived."""
    return 1.0 / (1.0 + np.exp(-_logit(inputs, tenure_effect=-1.0)))


def true_churn_probability(inputs: dict[str, np.ndarray], day: date) -> np.ndarray:
    """What really happens: the model's world before DROP_DAY; from then on tenure no longer protects."""
    return 1.0 / (1.0 + np.exp(-_logit(inputs, tenure_effect=-1.0 if day < DROP_DAY else 0.0)))


@dataclass(frozen=True)
class Scored:
    """One day's (or the validation set's) scored rows with their true outcome."""

    table: pa.Table  # inference_id, inputs, churn_score, churn_pred
    churned: np.ndarray


def scored(rng: np.random.Generator, n: int, day: date, prefix: str) -> Scored:
    inputs = customers(rng, n)
    score = np.round(model_score(inputs), 4)
    churned = (rng.random(n) < true_churn_probability(inputs, day)).astype(np.int64)
    table = pa.table(
        {
            "inference_id": [f"{prefix}-{i:05d}" for i in range(n)],
            **inputs,
            "churn_score": score,
            "churn_pred": (score >= 0.5).astype(np.int64),
        }
    )
    return Scored(table, churned)


def days() -> list[date]:
    return [FIRST_DAY + timedelta(days=i) for i in range(DAYS)]


def generate(root: Path = HERE) -> None:
    """Write the validation set, the daily predictions and the late labels under ``root/data``."""
    rng = np.random.default_rng(SEED)
    data = root / "data"
    validation = scored(rng, VALIDATION_ROWS, FIRST_DAY - timedelta(days=1), "val")
    data.mkdir(parents=True, exist_ok=True)
    pq.write_table(validation.table.append_column("churned", pa.array(validation.churned)), data / "validation.parquet")
    arrivals: dict[date, list[dict[str, object]]] = {}
    for day in days():
        today = scored(rng, ROWS_PER_DAY, day, f"{day:%Y%m%d}")
        folder = data / "predictions" / f"{day:%Y}" / f"{day:%m}" / f"{day:%d}"
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(today.table, folder / "predictions.parquet")
        delays = rng.choice(LABEL_DELAYS, ROWS_PER_DAY)
        for inference_id, churned, delay in zip(
            today.table.column("inference_id").to_pylist(), today.churned.tolist(), delays.tolist(), strict=True
        ):
            record = {"inference_id": inference_id, "churned": churned}
            arrivals.setdefault(day + timedelta(days=delay), []).append(record)
    for arrived, records in sorted(arrivals.items()):
        folder = data / "labels" / f"{arrived:%Y}" / f"{arrived:%m}" / f"{arrived:%d}"
        folder.mkdir(parents=True, exist_ok=True)
        lines = "".join(json.dumps(record, separators=(",", ":")) + "\n" for record in records)
        (folder / "labels.jsonl").write_text(lines, encoding="utf-8")


if __name__ == "__main__":
    generate()
    print(f"wrote {HERE / 'data'}: {DAYS} days of predictions from {FIRST_DAY}, accuracy falls on {DROP_DAY}")
