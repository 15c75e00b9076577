"""Where profiles are computed: this process (``local``) or Apache Spark (``spark``).

A module of its own so that the CLI can offer the choice without loading the spec models.
"""

from __future__ import annotations

from typing import Literal

ENGINES = ("local", "spark")
Engine = Literal["local", "spark"]
