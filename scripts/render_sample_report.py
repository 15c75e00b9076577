"""Write sample HTML reports to look at.

    uv run python scripts/render_sample_report.py [OUT_DIR] [--screenshot]

OUT_DIR defaults to driftplane-sample-reports in the system's temporary directory.

Builds realistic RunResults from generated data (the same helper the report tests use) and
writes a drift report with history, a clean report, a failed run and a 500-feature report,
printing each file's size. ``--screenshot`` also saves a PNG of the top of each report,
taken with the headless Chromium the browser tests use.
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "core" / "local" / "report"))

from report_samples import START, make_history, make_result

from driftplane.local.report import write_report
from driftplane.result import Rows, RunResult
from driftplane.spec.models import Baseline, Monitor, Target


@dataclass(frozen=True)
class Sample:
    name: str
    result: RunResult
    history: list[RunResult]


def samples() -> list[Sample]:
    history = make_history(14)
    return [
        Sample("drift", make_result(), history),
        Sample("clean", make_result(shift=0.0, violations=False), history),
        Sample(
            "failed",
            RunResult(
                monitor="churn-model",
                rows=Rows(baseline=5000, target=0),
                status="failed",
                started_at=START,
                error="DataError: no target data in window 2024-05-01 00:00 to 2024-05-02 00:00: "
                "capture/2024/05/01/*.jsonl matched no files.\nCheck target.data and target.latency.",
            ),
            history,
        ),
        Sample("500-features", make_result(extra_features=492, extra_drifted=40), []),
    ]


def screenshot(report: Path) -> Path:
    from report_browser import Browser, missing_browser

    problem = missing_browser()
    if problem is not None:
        raise SystemExit(problem)
    browser = Browser(1280, 1800)
    try:
        errors = browser.open(report.as_uri())
        if errors:
            print(f"  console errors in {report.name}: {errors}")
        png = report.with_suffix(".png")
        browser.driver.save_screenshot(str(png))
        return png
    finally:
        browser.close()


def main() -> None:
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    out = Path(arguments[0]) if arguments else Path(tempfile.gettempdir()) / "driftplane-sample-reports"
    monitor = Monitor(
        description="Churn model inputs, daily against the training set",
        baseline=Baseline(data="data/train.parquet"),
        target=Target(data="capture/{timestamp:yyyy}/{timestamp:MM}/{timestamp:dd}/*.jsonl", window="1d"),
    )
    for sample in samples():
        path = write_report(out / f"{sample.name}.html", sample.result, history=sample.history, monitor=monitor)
        print(f"{path}  {path.stat().st_size / 1024:.0f} KB")
        if "--screenshot" in sys.argv:
            print(f"{screenshot(path)}")


if __name__ == "__main__":
    main()
