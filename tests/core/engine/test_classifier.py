"""The domain classifier (scikit-learn, for real) measures dataset-level drift."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import driftplane as dp
from driftplane.errors import UsageError
from driftplane.spec.models import Checks, DriftChecks


def write(path: Path, rng: np.random.Generator, correlated: bool, rows: int = 4000) -> Path:
    x = rng.normal(size=rows)
    noise = rng.normal(size=rows)
    # the marginals are the same either way; only the relation between x and y changes
    y = x if correlated else noise
    pq.write_table(pa.table({"x": x, "y": y, "c": rng.choice(["a", "b"], rows)}), path)
    return path


CLASSIFIER = Checks(drift=DriftChecks(classifier=True))


def test_classifier_sees_drift_that_per_feature_metrics_cannot(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    base, target = write(tmp_path / "b.parquet", rng, False), write(tmp_path / "t.parquet", rng, True)
    result = dp.compare(base, target, checks=CLASSIFIER)
    assert result.drifted_features == []  # the marginals did not move
    found = result.dataset_drift["classifier"]
    assert found["metric"] == "matthews_correlation" and found["drifted"] and found["value"] > 0.5


def test_classifier_finds_nothing_between_samples_of_one_distribution(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    result = dp.compare(
        write(tmp_path / "b.parquet", rng, False), write(tmp_path / "t.parquet", rng, False), checks=CLASSIFIER
    )
    found = result.dataset_drift["classifier"]
    assert abs(found["value"]) < 0.1 and not found["drifted"]


def test_missing_scikit_learn_gives_the_install_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(2)
    base = write(tmp_path / "b.parquet", rng, False, rows=100)
    for module in ("sklearn", "sklearn.ensemble", "sklearn.metrics", "sklearn.model_selection"):
        monkeypatch.setitem(sys.modules, module, None)  # as if scikit-learn were not installed
    with pytest.raises(UsageError, match=r"pip install 'driftplane\[classifier\]'"):
        dp.compare(base, base, checks=CLASSIFIER)
