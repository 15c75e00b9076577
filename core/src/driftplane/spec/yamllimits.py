"""Bounds on what a YAML file can make driftplane build, checked before anything is built.

A YAML alias (``*name``) repeats a whole subtree without repeating its text: nine levels of
nine aliases in a 1 KB file stand for 9^9 values ("billion laughs"), and deep nesting
exhausts the stack of any recursive reader. So the composer here keeps every alias as an
``AliasUse`` (a reference, never a copy), counts what the file itself holds, and refuses
nesting past ``MAX_DEPTH``; ``check_expansion`` then adds up what each alias stands for, in
document order, and refuses the first alias that takes the total past a bound, by its line
and column. Specs that share settings through a few anchors (``<<: *defaults``) are far
below every bound.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ruamel.yaml.composer import Composer
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

# A spec of a thousand monitors is about 1 MB.
MAX_SPEC_BYTES = 8 * 1024 * 1024
# A spec nests about 8 levels (monitors.churn.checks.drift.features.age.metric).
MAX_DEPTH = 64
# Values (scalars, lists, mappings; keys count) written in the file.
MAX_VALUES = 200_000
# What aliases may repeat, in all: values, and characters of text.
MAX_ALIAS_VALUES = 100_000
MAX_ALIAS_CHARACTERS = 10_000_000


@dataclass(frozen=True, slots=True)
class AliasUse:
    """One ``*name`` in the file: where it is written and the node its anchor names."""

    name: str
    target: Node
    start_mark: Any


class LimitExceeded(Exception):
    """The file goes past a bound; ``mark`` is where (ruamel's 0-based mark)."""

    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


def real(node: Node | AliasUse) -> Node:
    """The node itself, or the node an alias repeats."""
    return node.target if isinstance(node, AliasUse) else node


class BoundedComposer(Composer):
    """ruamel's composer, keeping aliases as references and counting what the file holds.

    Anchors defined twice are allowed by YAML (an alias names the latest); they are listed
    in ``duplicate_anchors`` as (name, first mark, second mark) for the reader to report.
    """

    def __init__(self, loader: Any = None) -> None:
        super().__init__(loader)
        self.warn_double_anchors = False
        self.values = 0
        self.duplicate_anchors: list[tuple[str, Any, Any]] = []

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.parser.peek_event()
        if isinstance(event, AliasEvent) and event.anchor in self.anchors:
            self.parser.get_event()
            return AliasUse(event.anchor, self.anchors[event.anchor], event.start_mark)
        if isinstance(event, AliasEvent):
            return super().compose_node(parent, index)  # ruamel reports the undefined alias
        self.values += 1
        if self.values > MAX_VALUES:
            raise LimitExceeded(
                f"the spec holds more than {MAX_VALUES:,} values (keys, texts, numbers, lists and "
                "mappings); split the monitors over several spec files",
                event.start_mark,
            )
        if self.depth >= MAX_DEPTH:
            raise LimitExceeded(
                f"lists and mappings nest more than {MAX_DEPTH} levels deep here, and a spec needs "
                "fewer than 10; is a closing bracket missing, or is this file not a spec?",
                event.start_mark,
            )
        if event.anchor is not None and event.anchor in self.anchors:
            first = self.anchors[event.anchor].start_mark
            self.duplicate_anchors.append((event.anchor, first, event.start_mark))
        return super().compose_node(parent, index)


def _children(node: Node) -> list[Node | AliasUse]:
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


@dataclass(frozen=True, slots=True)
class _Size:
    values: int
    characters: int
    depth: int


def _sizes(root: Node) -> dict[int, _Size]:
    """What every node stands for once its aliases are expanded, by ``id``; never expands them.

    Each node is measured once (aliases share their target's size), without recursion. An
    alias inside the node its anchor names would repeat forever: LimitExceeded at the alias.
    """
    sizes: dict[int, _Size] = {}
    open_nodes: set[int] = set()  # the nodes on the path from the root to the current one
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        if finished:
            values, characters, depth = 1, len(node.value) if isinstance(node, ScalarNode) else 0, 0
            for child in _children(node):
                size = sizes[id(real(child))]
                values, characters = values + size.values, characters + size.characters
                depth = max(depth, size.depth)
            sizes[id(node)] = _Size(values, characters, depth + 1)
            open_nodes.discard(id(node))
            continue
        if id(node) in sizes:
            continue
        open_nodes.add(id(node))
        stack.append((node, True))
        for child in _children(node):
            target = real(child)
            if id(target) in open_nodes:
                assert isinstance(child, AliasUse)  # only an alias can point back up
                line = target.start_mark.line + 1
                raise LimitExceeded(
                    f"the alias *{child.name} is inside what its anchor &{child.name} (line {line}) names, "
                    "so it would repeat itself forever; point it at something outside, or write the content out",
                    child.start_mark,
                )
            if id(target) not in sizes:
                stack.append((target, False))
    return sizes


def check_expansion(root: Node) -> None:
    """LimitExceeded at the first alias that takes what aliases repeat past a bound.

    Walks the document as written (each alias once, in order), adding up what every alias
    stands for, so the alias named is the one a reader can look at and remove.
    """
    sizes = _sizes(root)
    repeated_values = repeated_characters = 0
    stack: list[tuple[Node | AliasUse, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if not isinstance(node, AliasUse):
            stack.extend((child, depth + 1) for child in reversed(_children(node)))
            continue
        size = sizes[id(node.target)]
        repeated_values += size.values
        repeated_characters += size.characters
        advice = (
            "nested aliases multiply; share settings through a few anchors (<<: *defaults), or "
            "write the repeated part out"
        )
        if repeated_values > MAX_ALIAS_VALUES:
            raise LimitExceeded(
                f"the alias *{node.name} repeats {size.values:,} values, which takes what aliases repeat "
                f"in this spec past {MAX_ALIAS_VALUES:,} values; {advice}",
                node.start_mark,
            )
        if repeated_characters > MAX_ALIAS_CHARACTERS:
            raise LimitExceeded(
                f"the alias *{node.name} repeats {size.characters:,} characters of text, which takes what "
                f"aliases repeat in this spec past {MAX_ALIAS_CHARACTERS:,} characters; {advice}",
                node.start_mark,
            )
        if depth - 1 + size.depth > MAX_DEPTH:
            raise LimitExceeded(
                f"the alias *{node.name} nests what it repeats {depth - 1 + size.depth} levels deep, past "
                f"the {MAX_DEPTH} levels a spec may have; a spec needs fewer than 10",
                node.start_mark,
            )
