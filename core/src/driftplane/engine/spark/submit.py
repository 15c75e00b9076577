"""The application file for spark-submit, which wants a ``.py`` file rather than a console script.

    spark-submit --master yarn "$(python -m driftplane.engine.spark.submit --path)" \\
        run monitors.yaml --engine spark

Everything after the file is driftplane's own command line; the session spark-submit starts
is the one the Spark engine uses.
"""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--path"]:
        print(__file__)
        return
    from driftplane.cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
