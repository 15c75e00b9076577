"""What a violation found, in a few words: "completeness_check on age (12% missing)".

A violation's description is SageMaker's sentence ("Data completeness requirement is not met.
Expected completeness: 100.0%. Observed: Only 88.0% of data is complete ..."), kept as it is in
constraint_violations.json. An alert's reason lists several violations on one line, so it
takes the finding out of that sentence; a description it does not recognise (a plugin's
check, a SageMaker job's wording) is shown whole, without its closing full stop.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from driftplane.result import Violation

_NUMBER = r"(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)"
_COMPLETE = re.compile(rf"Only {_NUMBER}% of data is complete(?: \(([\d,]+) of ([\d,]+) values missing\))?")
_TYPE = re.compile(rf"Expected data type: (\w+).*?Only {_NUMBER}% of data is \w+")
_DOMAIN = re.compile(rf"Only {_NUMBER}% of data is within the domain\.(?: Values not in the baseline: (.*?))?\.?$")
_DISTANCE = re.compile(rf"distance: {_NUMBER} exceeds threshold: {_NUMBER}")
_P_VALUE = re.compile(rf"distance: {_NUMBER} \(chi-squared p-value\) is below threshold: {_NUMBER}")


def _share(text: str) -> str:
    """A percentage as people write it: 12, 5.3, 0.01."""
    value = float(text)
    return f"{value:.3g}" if abs(value) >= 0.01 or value == 0 else f"{value:.1g}"


def _completeness(description: str) -> str | None:
    found = _COMPLETE.search(description)
    if found is None:
        return None
    missing = _share(str(100 - float(found.group(1))))
    counted = f": {found.group(2)} of {found.group(3)} values" if found.group(2) else ""
    return f"{missing}% missing{counted}"


def _data_type(description: str) -> str | None:
    found = _TYPE.search(description)
    if found is None:
        return None
    return f"only {_share(found.group(2))}% {found.group(1)}"


def _domain(description: str) -> str | None:
    found = _DOMAIN.search(description)
    if found is None:
        return None
    outside = f"{_share(str(100 - float(found.group(1))))}% outside the baseline's values"
    return f"{outside}: {found.group(2)}" if found.group(2) else outside


def _baseline_drift(description: str) -> str | None:
    if (found := _DISTANCE.search(description)) is not None:
        return f"distance {float(found.group(1)):.3g} > {float(found.group(2)):.3g}"
    if (found := _P_VALUE.search(description)) is not None:
        return f"chi-squared p-value {float(found.group(1)):.3g} < {float(found.group(2)):.3g}"
    return None


_FINDINGS: dict[str, Callable[[str], str | None]] = {
    "completeness_check": _completeness,
    "data_type_check": _data_type,
    "categorical_values_check": _domain,
    "baseline_drift_check": _baseline_drift,
    "missing_column_check": lambda _description: "not in the data",
    "extra_column_check": lambda _description: "not in the baseline",
}


def violation_finding(violation: Violation) -> str:
    """'completeness_check on age (12% missing: 240 of 2,000 values)'."""
    read = _FINDINGS.get(violation.constraint_check_type)
    finding = read(violation.description) if read is not None else None
    if finding is None:
        finding = violation.readable_description.strip().rstrip(".")
    return f"{violation.constraint_check_type} on {violation.feature_name} ({finding})"
