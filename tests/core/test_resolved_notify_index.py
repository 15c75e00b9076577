"""An alert's resolved channels say which ``notify`` entry each came from, so refusals are located."""

from __future__ import annotations

from driftplane.resolved import resolve_monitor
from driftplane.spec import Spec


def test_each_channel_points_at_the_first_entry_that_names_it() -> None:
    spec = Spec.model_validate(
        {
            "channels": {"team": {"type": "webhook", "url": "https://example.com/hook"}},
            "monitors": {
                "m": {
                    "baseline": {"data": "a.csv"},
                    "target": {"data": "b.csv"},
                    "alerts": [
                        {
                            "when": "drift",
                            "notify": ["email:a@example.com", "team", "email:a@example.com", "log", {"type": "log"}],
                        }
                    ],
                }
            },
        }
    )
    (alert,) = resolve_monitor(spec, "m").alerts
    assert [c.type for c in alert.channels] == ["email", "webhook", "log", "log"]
    assert alert.notify_index == (0, 1, 3, 4), "a repeated entry keeps the position of its first mention"
