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
        sys.stdout.write(f"{__file__}\n")  # command output of `python -m ...submit --path`
        return
    from driftplane.cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
