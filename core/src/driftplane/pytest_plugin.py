"""driftplane's pytest plugin (``pytest11`` entry point): test monitors in a team's CI.

Heavy modules are imported inside the fixtures so that loading the plugin at pytest start
costs nothing for suites that do not use it.
"""

from __future__ import annotations
