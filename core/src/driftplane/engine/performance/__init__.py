"""Model quality: realised metrics from labels, estimates before labels, SageMaker's model-quality files.

- accumulators.py: streaming, mergeable metrics per problem type (scikit-learn's definitions)
- estimate.py: CBPE (classification) and DLE (regression), fitted on the labelled baseline
- sagemaker_quality.py: statistics.json, constraints.json, constraint_violations.json
- partials.py: the accumulators on Spark (one partial per partition, merged on the driver)
- join.py: a window's predictions joined to the labels landed so far (pyarrow's hash join)
- baseline.py: the labelled baseline's metrics, classes and fitted estimator (cached)
- judge.py: one window's judgement (final, provisional, estimated, none), metrics, checks, estimates
- monitor_quality.py: what a monitor run adds: prediction drift apart, the judged window

docs/model-quality.md explains the definitions, the AUC histogram's error bound and the
estimation methods' assumptions.
"""

from driftplane.engine.performance.accumulators import (
    Accumulator,
    BinaryAccumulator,
    MulticlassAccumulator,
    RegressionAccumulator,
    new_accumulator,
)
from driftplane.engine.performance.definitions import LOWER_IS_BETTER, METRIC_NAMES
from driftplane.engine.performance.estimate import (
    CbpeEstimator,
    CbpeModel,
    DleEstimator,
    DleModel,
    Estimate,
    fit_cbpe_binary,
    fit_cbpe_multiclass,
    fit_dle,
    model_from_dict,
)

__all__ = [
    "LOWER_IS_BETTER",
    "METRIC_NAMES",
    "Accumulator",
    "BinaryAccumulator",
    "CbpeEstimator",
    "CbpeModel",
    "DleEstimator",
    "DleModel",
    "Estimate",
    "MulticlassAccumulator",
    "RegressionAccumulator",
    "fit_cbpe_binary",
    "fit_cbpe_multiclass",
    "fit_dle",
    "model_from_dict",
    "new_accumulator",
]
