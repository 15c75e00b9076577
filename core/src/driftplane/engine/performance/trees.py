"""A fitted gradient-boosted regressor as plain numbers, predicted with numpy.

Direct loss estimation fits scikit-learn's ``HistGradientBoostingRegressor`` once, on the
labelled baseline. Its trees are copied out here (per node: the feature, the threshold,
where missing values go, the children, the leaf value) so the fitted model is JSON a baseline
cache can keep, and estimating a window needs only numpy: no scikit-learn, no pickle. The
walk below is scikit-learn's ``_predict_one_from_raw_data`` for numerical splits (NaN goes
where the tree sent missing values, else left when value <= threshold), and trees are added
to the baseline prediction in scikit-learn's order, so predictions equal its ``predict``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class Tree:
    feature: np.ndarray
    threshold: np.ndarray
    missing_left: np.ndarray
    left: np.ndarray
    right: np.ndarray
    leaf: np.ndarray
    value: np.ndarray

    def predict(self, features: np.ndarray) -> np.ndarray:
        rows = np.arange(features.shape[0])
        node = np.zeros(features.shape[0], dtype=np.int64)
        active = ~self.leaf[node]
        while active.any():
            at = node[active]
            values = features[rows[active], self.feature[at]]
            missing = np.isnan(values)
            with np.errstate(invalid="ignore"):
                go_left = np.where(missing, self.missing_left[at], values <= self.threshold[at])
            node[active] = np.where(go_left, self.left[at], self.right[at])
            active = ~self.leaf[node]
        return self.value[node]

    def to_dict(self) -> dict[str, Any]:
        return {
            "feature": self.feature.tolist(),
            "threshold": self.threshold.tolist(),
            "missing_left": self.missing_left.astype(int).tolist(),
            "left": self.left.tolist(),
            "right": self.right.tolist(),
            "leaf": self.leaf.astype(int).tolist(),
            "value": self.value.tolist(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Tree:
        return cls(
            feature=np.asarray(data["feature"], dtype=np.int64),
            threshold=np.asarray(data["threshold"], dtype=np.float64),
            missing_left=np.asarray(data["missing_left"], dtype=bool),
            left=np.asarray(data["left"], dtype=np.int64),
            right=np.asarray(data["right"], dtype=np.int64),
            leaf=np.asarray(data["leaf"], dtype=bool),
            value=np.asarray(data["value"], dtype=np.float64),
        )


@dataclass
class TreeEnsemble:
    """The baseline prediction plus the sum of the trees' leaves (a regressor's raw prediction)."""

    baseline: float = 0.0
    trees: list[Tree] = field(default_factory=list)

    def predict(self, features: np.ndarray) -> np.ndarray:
        features = np.asarray(features, dtype=np.float64)
        total = np.full(features.shape[0], self.baseline)
        for tree in self.trees:
            total += tree.predict(features)
        return total

    def to_dict(self) -> dict[str, Any]:
        return {"baseline": self.baseline, "trees": [tree.to_dict() for tree in self.trees]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TreeEnsemble:
        return cls(
            baseline=float(data["baseline"]), trees=[Tree.from_dict(t) for t in data["trees"]]
        )

    @classmethod
    def from_sklearn(cls, model: Any) -> TreeEnsemble:
        """Copy a fitted ``HistGradientBoostingRegressor`` (numerical features only)."""
        trees = []
        for iteration in model._predictors:
            (predictor,) = iteration
            nodes = predictor.nodes
            if np.any(nodes["is_categorical"]):
                raise ValueError(
                    "categorical splits are not copied; encode categories as numbers before fitting"
                )
            trees.append(
                Tree(
                    feature=nodes["feature_idx"].astype(np.int64),
                    threshold=nodes["num_threshold"].astype(np.float64),
                    missing_left=nodes["missing_go_to_left"].astype(bool),
                    left=nodes["left"].astype(np.int64),
                    right=nodes["right"].astype(np.int64),
                    leaf=nodes["is_leaf"].astype(bool),
                    value=nodes["value"].astype(np.float64),
                )
            )
        return cls(baseline=float(np.ravel(model._baseline_prediction)[0]), trees=trees)
