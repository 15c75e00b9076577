"""A HistGradientBoostingRegressor copied to plain numbers predicts what scikit-learn predicts."""

from __future__ import annotations

import json

import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor

from driftplane.engine.performance.trees import TreeEnsemble


def test_copied_trees_predict_like_sklearn_missing_values_included() -> None:
    rng = np.random.default_rng(0)
    features = rng.normal(size=(4000, 4))
    features[rng.random(features.shape) < 0.05] = np.nan
    target = (
        np.nan_to_num(features[:, 0]) ** 2
        + np.where(np.isnan(features[:, 1]), 3.0, features[:, 1])
        + rng.normal(0, 0.1, 4000)
    )
    model = HistGradientBoostingRegressor(max_iter=60, random_state=0).fit(features, target)
    copied = TreeEnsemble.from_dict(
        json.loads(json.dumps(TreeEnsemble.from_sklearn(model).to_dict()))
    )
    fresh = rng.normal(size=(3000, 4)) * 1.5
    fresh[rng.random(fresh.shape) < 0.1] = np.nan
    np.testing.assert_allclose(copied.predict(fresh), model.predict(fresh), rtol=1e-12, atol=1e-12)
    assert len(copied.trees) == model.n_iter_
