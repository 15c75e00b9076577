"""examples/model-quality: the generator and its committed data show what the example promises.

The accuracy (scikit-learn's) falls on 2026-02-12 and stays down; labels arrive one to three
days after their predictions, filed by arrival; the inputs (and the model's outputs) do not
drift by driftplane's own compare. The monitor itself runs once the model-quality engine is
wired into the local runner.
"""

from __future__ import annotations

import importlib.util
import json
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sklearn.metrics import accuracy_score, roc_auc_score

import driftplane as dp

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "model-quality"
DATA = EXAMPLE / "data"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("model_quality_generate", EXAMPLE / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generate = _generator()


def _day_folder(root: Path, kind: str, day: date) -> Path:
    return root / kind / f"{day:%Y}" / f"{day:%m}" / f"{day:%d}"


def _labels(root: Path = DATA) -> dict[str, tuple[int, date]]:
    """inference_id -> (churned, the day its label arrived)."""
    found: dict[str, tuple[int, date]] = {}
    for path in sorted((root / "labels").glob("*/*/*/labels.jsonl")):
        arrived = date(int(path.parts[-4]), int(path.parts[-3]), int(path.parts[-2]))
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            assert record["inference_id"] not in found, f"duplicate label for {record['inference_id']}"
            found[record["inference_id"]] = (record["churned"], arrived)
    return found


@pytest.fixture(scope="module")
def labels() -> dict[str, tuple[int, date]]:
    return _labels()


def _predictions(day: date, root: Path = DATA) -> pa.Table:
    return pq.read_table(_day_folder(root, "predictions", day) / "predictions.parquet")


def test_the_committed_data_is_what_the_generator_writes(tmp_path: Path) -> None:
    generate.generate(tmp_path)
    written = sorted(p.relative_to(tmp_path / "data") for p in (tmp_path / "data").rglob("*") if p.is_file())
    committed = sorted(p.relative_to(DATA) for p in DATA.rglob("*") if p.is_file())
    assert written == committed
    for relative in written:
        if relative.suffix == ".parquet":
            assert pq.read_table(tmp_path / "data" / relative).equals(pq.read_table(DATA / relative)), relative
        else:
            assert (tmp_path / "data" / relative).read_bytes() == (DATA / relative).read_bytes(), relative


def test_accuracy_falls_on_the_known_day_and_stays_down(labels: dict[str, tuple[int, date]]) -> None:
    daily = {}
    for day in generate.days():
        predictions = _predictions(day)
        truth = [labels[i][0] for i in predictions.column("inference_id").to_pylist()]
        daily[day] = (
            accuracy_score(truth, predictions.column("churn_pred").to_numpy()),
            roc_auc_score(truth, predictions.column("churn_score").to_numpy()),
        )
    before = [daily[d] for d in daily if d < generate.DROP_DAY]
    after = [daily[d] for d in daily if d >= generate.DROP_DAY]
    assert len(before) == 11 and len(after) == 10
    assert min(a for a, _ in before) >= 0.84  # the monitor's floor of 0.8 holds, with room
    assert max(a for a, _ in after) <= 0.75  # ... and is broken every day from the drop on
    first_below = next(d for d, (a, _) in daily.items() if a < 0.8)
    assert first_below == generate.DROP_DAY == date(2026, 2, 12)
    # auc falls by far more than the monitor's 0.05 below the baseline's.
    validation = pq.read_table(DATA / "validation.parquet")
    baseline_auc = roc_auc_score(validation.column("churned").to_numpy(), validation.column("churn_score").to_numpy())
    assert baseline_auc - max(u for _, u in after) > 0.1
    assert min(u for _, u in before) > baseline_auc - 0.05


def test_every_label_arrives_one_to_three_days_after_its_prediction(labels: dict[str, tuple[int, date]]) -> None:
    delays: dict[int, int] = {}
    predicted = 0
    for day in generate.days():
        ids = _predictions(day).column("inference_id").to_pylist()
        predicted += len(ids)
        for inference_id in ids:
            delay = (labels[inference_id][1] - day).days
            delays[delay] = delays.get(delay, 0) + 1
    assert predicted == len(labels) == 21 * 800  # one label per prediction, none unmatched
    assert sorted(delays) == [1, 2, 3]
    assert all(share > 0.25 for share in (n / predicted for n in delays.values()))
    # So a window is partly labelled the next day and complete three days after it ends.
    last = generate.days()[-1]
    assert sorted({arrived for _, arrived in labels.values()})[-1] == last + timedelta(days=3)


def test_input_drift_stays_small_by_driftplanes_compare(tmp_path: Path) -> None:
    """Every day passes driftplane's drift and quality checks, and the days after the drop look
    like the days before it: the accuracy fell for a reason the inputs do not show."""
    validation = pq.read_table(DATA / "validation.parquet").drop_columns(["churned", "inference_id"])
    baseline = tmp_path / "validation.parquet"
    pq.write_table(validation, baseline)
    before: dict[str, list[float]] = {}
    after: dict[str, list[float]] = {}
    for day in generate.days():
        target = tmp_path / f"{day}.parquet"
        pq.write_table(_predictions(day).drop_columns(["inference_id"]), target)
        result = dp.compare(str(baseline), str(target))
        assert result.status == "ok", f"{day}: {result.status} {[f.name for f in result.drifted_features]}"
        for feature in result.features:
            assert feature.drift is not None and feature.drift.value is not None
            side = after if day >= generate.DROP_DAY else before
            side.setdefault(feature.name, []).append(feature.drift.value)
    inputs = {"tenure_months", "monthly_charges", "support_calls", "contract", "region"}
    assert inputs | {"churn_score", "churn_pred"} <= set(after)
    for name, values in after.items():
        typical = sum(values) / len(values)
        usual = max(before[name])
        assert typical <= usual, f"{name}: {typical:.3f} after the drop, at most {usual:.3f} before"
        assert typical < 0.1, f"{name}: {typical:.3f}"  # under the monitor's threshold on average


def test_the_monitor_declares_the_contracts_model_quality_keys() -> None:
    from ruamel.yaml import YAML

    spec = YAML(typ="safe").load((EXAMPLE / "monitors.yaml").read_text(encoding="utf-8"))
    monitor = spec["monitors"]["churn-quality"]
    assert monitor["model"] == {
        "problem_type": "binary",
        "prediction": "churn_pred",
        "probability": "churn_score",
        "positive_label": 1,
        "id": "inference_id",
    }
    assert monitor["labels"]["label"] == "churned" and monitor["labels"]["wait"] == "3d"
    assert monitor["baseline"]["label"] == "churned"
    assert monitor["checks"]["performance"]["metrics"]["accuracy"] == {"min": 0.8}
    # The paths the spec names are where the generator writes.
    first = generate.FIRST_DAY
    assert _day_folder(DATA, "predictions", first).joinpath("predictions.parquet").is_file()
    assert monitor["target"]["data"].startswith("data/predictions/{timestamp:yyyy}/")
    assert monitor["labels"]["data"].startswith("data/labels/{timestamp:yyyy}/")
    assert {a["when"] for a in monitor["alerts"]} == {"performance", "prediction_drift", "drift"}


def test_the_backfill_finds_the_drop_once_labels_have_landed_and_says_so(tmp_path: Path) -> None:
    """The README's backfill: no input drift, and the ten windows from the drop day on fail their
    accuracy floor on a final judgement; the summary counts them instead of calling them ok."""
    import shutil

    from click.testing import CliRunner

    from driftplane.cli import cli

    example = tmp_path / "model-quality"
    shutil.copytree(EXAMPLE, example, ignore=shutil.ignore_patterns(".driftplane", "reports"))
    args = ["run", str(example / "monitors.yaml"), "--from", "2026-02-01", "--to", "2026-02-22"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output
    assert (
        "Backfill of 21 windows: 11 ok, 0 with drift, 0 with violations, "
        "10 below a performance check (final), 0 failed." in result.stdout
    )
    assert "[2026-02-12 00:00 to 2026-02-13 00:00 UTC]: no drift, no violations" in result.stdout
    assert "PERFORMANCE accuracy 0.704 < 0.8" in result.stdout
