"""Model quality: realised metrics from labels, estimates before labels, SageMaker's model-quality files.

- accumulators.py: streaming, mergeable metrics per problem type (scikit-learn's definitions)
- estimate.py: CBPE (classification) and DLE (regression), fitted on the labelled baseline
- sagemaker_quality.py: statistics.json, constraints.json, constraint_violations.json
- partials.py: the accumulators on Spark (one partial per partition, merged on the driver)

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
