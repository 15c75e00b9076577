"""Labels land over three days: each window is judged provisional, then final, on the local provider,
and a designed accuracy drop (inputs unchanged) is found in its own window once its labels are in."""

from __future__ import annotations

import json
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from sklearn.metrics import accuracy_score
from tests.core.conftest import HttpReceiver

from driftplane.local.history import HistoryStore
from driftplane.local.runner import LocalRunner
from driftplane.local.settings import LocalSettings
from driftplane.spec import load_spec

DAY0 = datetime(2026, 3, 1, tzinfo=UTC)
DAYS = 5
DROP_DAY = 2  # the model flips 35% of its predictions on this day's traffic; the inputs do not change
ARRIVAL = (0.3, 0.4, 0.3)  # the shares of a day's labels landing 1, 2 and 3 days later


def day_path(root: Path, kind: str, when: datetime) -> Path:
    folder = root / kind / f"{when:%Y}" / f"{when:%m}" / f"{when:%d}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def scored(rng: np.random.Generator, rows: int, first_id: int, flip: float) -> dict[str, np.ndarray]:
    x1 = rng.normal(size=rows)
    score = 1 / (1 + np.exp(-2.5 * x1))
    y = (rng.random(rows) < score).astype(np.int64)
    pred = (score >= 0.5).astype(np.int64)
    if flip:
        wrong = rng.random(rows) < flip
        pred = np.where(wrong, 1 - pred, pred)
        score = np.where(wrong, 1 - score, score)
    return {"rid": np.arange(first_id, first_id + rows), "x1": x1, "x2": rng.normal(size=rows), "pred": pred,
            "score": score, "y": y}


def make_project(root: Path, hook: str) -> tuple[Path, dict[int, dict[str, np.ndarray]], dict[int, list]]:
    rng = np.random.default_rng(3)
    pq.write_table(pa.table(scored(rng, 5000, 0, 0.0)), root / "validation.parquet")
    days: dict[int, dict[str, np.ndarray]] = {}
    arrivals: dict[int, list] = {}  # arrival day -> [(ids, labels)]
    for day in range(DAYS):
        data = scored(rng, 2000, 1_000_000 * (day + 1), 0.35 if day == DROP_DAY else 0.0)
        days[day] = data
        when = DAY0 + timedelta(days=day)
        predictions = pa.table({k: v for k, v in data.items() if k != "y"})
        pq.write_table(predictions, day_path(root, "scored", when) / "p.parquet")
        lag = rng.choice([1, 2, 3], size=2000, p=list(ARRIVAL))
        for delay in (1, 2, 3):
            landed = lag == delay
            arrivals.setdefault(day + delay, []).append((data["rid"][landed], data["y"][landed]))
    spec = root / "monitors.yaml"
    spec.write_text(textwrap.dedent(f"""\
        channels:
          hook: {{type: webhook, url: '{hook}', timeout: 2, retries: 0}}
        monitors:
          churn:
            baseline: {{data: validation.parquet, label: y}}
            target:
              data: "scored/{{timestamp:yyyy}}/{{timestamp:MM}}/{{timestamp:dd}}/*.parquet"
              window: 1d
            schedule: daily
            model: {{problem_type: binary, prediction: pred, probability: score, id: rid}}
            labels:
              data: "labels/{{timestamp:yyyy}}/{{timestamp:MM}}/{{timestamp:dd}}/*.parquet"
              label: y
              wait: 3d
              min_coverage: 0.95
            checks:
              performance:
                metrics:
                  accuracy: {{below_baseline_by: 0.1}}
            alerts:
              - {{name: accuracy fell, when: performance, notify: [hook]}}
        """))
    return spec, days, arrivals


def land_labels(root: Path, arrivals: dict[int, list], day: int) -> None:
    """The labels that arrived during ``day`` (written at its end, before the next tick)."""
    for number, (ids, labels) in enumerate(arrivals.get(day, [])):
        when = DAY0 + timedelta(days=day)
        pq.write_table(pa.table({"rid": ids, "y": labels}), day_path(root, "labels", when) / f"l{number}.parquet")


def judgements(root: Path) -> dict[str, tuple[str, float, float | None, bool]]:
    """Each window's latest judgement: (judged, coverage share, accuracy, failed)."""
    with HistoryStore.open(root / ".driftplane") as store:
        runs = store.list_runs("churn", limit=100)
    out: dict[str, tuple[str, float, float | None, bool]] = {}
    for run in runs:
        assert run.window is not None and run.performance is not None
        key = f"{run.window.start:%m-%d}"
        if key in out:
            continue
        accuracy = next((m for m in run.performance.realised if m.name == "accuracy"), None)
        out[key] = (
            run.performance.judged,
            run.performance.coverage.share or 0.0,
            accuracy.value if accuracy else None,
            bool(accuracy and accuracy.failed),
        )
    return out


def test_labels_landing_over_three_days(tmp_path: Path, http_receiver: HttpReceiver) -> None:
    spec_path, days, arrivals = make_project(tmp_path, http_receiver.url())
    spec = load_spec(spec_path)
    now = [DAY0]
    runner = LocalRunner(spec, LocalSettings(), clock=lambda: now[0])
    seen: dict[int, dict[str, tuple[str, float, float | None, bool]]] = {}
    fired_at: list[int] = []
    for tick in range(1, DAYS + 4):
        land_labels(tmp_path, arrivals, tick - 1)
        now[0] = DAY0 + timedelta(days=tick)
        if tick <= DAYS:
            result = runner.run_window("churn", now[0])
            assert result.status != "failed", result.error
            assert not result.drifted_features  # the inputs never drift: only the model does
            assert result.performance is not None and result.performance.judged == "provisional"  # no label yet
            assert result.performance.coverage.labelled == 0
        else:
            runner.rejudge("churn")
        seen[tick] = judgements(tmp_path)
        if http_receiver.requests and not fired_at:
            fired_at.append(tick)
    drop = f"{DAY0 + timedelta(days=DROP_DAY):%m-%d}"
    # The drop day's window: provisional while its labels land, then final once all have.
    assert seen[DROP_DAY + 2][drop][0] == "provisional"
    assert 0.2 < seen[DROP_DAY + 2][drop][1] < 0.4
    assert seen[DROP_DAY + 3][drop][0] == "provisional"
    assert seen[DROP_DAY + 4][drop][:2] == ("final", 1.0)
    # A provisional judgement is computed on the labels landed so far, as scikit-learn does.
    data = days[DROP_DAY]
    landed = np.isin(data["rid"], np.concatenate([ids for ids, _ in arrivals[DROP_DAY + 1]]))
    assert seen[DROP_DAY + 2][drop][2] == accuracy_score(data["y"][landed], data["pred"][landed])
    # Every window ends final; only the drop day's fails its check.
    final = seen[DAYS + 3]
    assert {judged for judged, *_ in final.values()} == {"final"}
    assert [key for key, (_, _, _, failed) in sorted(final.items()) if failed] == [drop]
    assert final[drop][2] == accuracy_score(data["y"], data["pred"])
    # The alert (judged: final) fired once the drop day was final, not on its provisional judgements.
    assert fired_at == [DROP_DAY + 4]
    first = json.loads(http_receiver.requests[0].body)
    text = json.dumps(first)
    assert "accuracy" in text and "firing" in text.lower()
    assert f"{DAY0 + timedelta(days=DROP_DAY):%Y-%m-%d}" in text


def test_run_prints_the_judgement_and_a_failed_final_check_exits_1(tmp_path: Path, http_receiver: HttpReceiver) -> None:
    from click.testing import CliRunner

    from driftplane.cli import cli

    spec_path, _, arrivals = make_project(tmp_path, http_receiver.url())
    for day in range(DAYS + 3):
        land_labels(tmp_path, arrivals, day)
    good = CliRunner().invoke(cli, ["run", str(spec_path), "--at", "2026-03-02T00:00:00Z"])
    assert good.exit_code == 0, good.stderr
    assert "churn [2026-03-01 00:00 to 2026-03-02 00:00 UTC]: no drift, no violations" in good.stdout
    assert "; accuracy 0." in good.stdout and "(final, 100% labelled)" in good.stdout
    bad = CliRunner().invoke(cli, ["run", str(spec_path), "--at", "2026-03-04T00:00:00Z", "--json"])
    assert bad.exit_code == 1, bad.stderr  # the drop day's check failed on a final judgement
    result = json.loads(bad.stdout.splitlines()[0])
    assert result["status"] == "ok"  # no input drift, no violations: the model alone went wrong
    assert result["performance"]["judged"] == "final"
    accuracy = next(m for m in result["performance"]["metrics"] if m["name"] == "accuracy")
    assert accuracy["failed"] and accuracy["direction"] == "min"
    assert {f["name"] for f in result["prediction_drift"]} == {"pred", "score"}


def test_serve_metrics_follow_each_judgement_as_labels_land(tmp_path: Path, http_receiver: HttpReceiver) -> None:
    """What serve's /metrics shows: the provisional accuracy of a window, then its final one once re-judged."""
    from driftplane.local.prometheus import PrometheusMetrics

    spec_path, _days, arrivals = make_project(tmp_path, http_receiver.url())
    metrics = PrometheusMetrics()
    now = [DAY0 + timedelta(days=1)]
    runner = LocalRunner(load_spec(spec_path), LocalSettings(), clock=lambda: now[0], metrics=metrics)
    runner.run_window("churn", now[0])

    def accuracy(judged: str) -> float | None:
        return metrics.registry.get_sample_value(
            "driftplane_performance_metric", {"monitor": "churn", "metric": "accuracy", "judged": judged}
        )

    assert accuracy("final") is None  # no label has landed: nothing final to show
    for day in range(0, 4):
        land_labels(tmp_path, arrivals, day)
    now[0] = DAY0 + timedelta(days=5)
    runner.rejudge("churn")
    assert accuracy("final") is not None and 0.0 < accuracy("final") <= 1.0
