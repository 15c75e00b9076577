"""``python -m driftplane``: the same as the ``driftplane`` command."""

from driftplane.cli import main

main()
