"""Read a YAML file into plain Python data plus the line and column of every key and value.

The file is composed into nodes and built by hand rather than constructed by a YAML
loader, for three reasons: every value keeps its position for error messages, a key
written twice is reported with both places, and no tag can ever construct an object
(``!!python/object:...`` is an error, never run).
"""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from driftplane.errors import Problem, SpecError
from driftplane.spec.interpolate import interpolate
from driftplane.spec.problems import Path, SourceMap

_STANDARD = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_STANDARD}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}
_MERGE = f"{_STANDARD}merge"
_CONTEXT_BEFORE, _CONTEXT_AFTER = 3, 3


def _position(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _excerpt(text: str, line: int) -> str:
    """The lines around ``line`` (1-based), numbered, with a marker on the culprit."""
    lines = text.splitlines()
    start = max(1, line - _CONTEXT_BEFORE)
    end = min(len(lines), line + _CONTEXT_AFTER)
    width = len(str(end))
    out = []
    for number in range(start, end + 1):
        marker = ">" if number == line else " "
        out.append(f"  {marker} {number:>{width}} | {lines[number - 1]}")
    return "\n".join(out)


class _Builder:
    """Turns composed nodes into dicts, lists and scalars while recording positions."""

    def __init__(self, file: str, env: dict[str, str] | None) -> None:
        self.source = SourceMap(file=file)
        self.problems: list[Problem] = []
        self.env = env
        self.constructor: SafeConstructor = YAML(typ="safe", pure=True).constructor

    def build(self, node: Node, path: Path) -> Any:
        self.source.values[path] = _position(node)
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            self._check_tag(node, f"{_STANDARD}seq", path)
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        return self._scalar(node, path)

    def _check_tag(self, node: Node, expected: str, path: Path) -> bool:
        if node.tag == expected or (isinstance(node, ScalarNode) and node.tag in _SCALAR_TAGS):
            return True
        self.source.replaced.add(path)
        self.problems.append(
            self.source.problem(
                path,
                f"the tag '{str(node.tag).replace(_STANDARD, '!!')}' is not allowed; a spec holds plain "
                "data only (strings, numbers, booleans, lists and mappings)",
            )
        )
        return False

    def _scalar(self, node: ScalarNode, path: Path) -> Any:
        if not self._check_tag(node, f"{_STANDARD}str", path):
            return None
        value = self.constructor.construct_object(node, deep=True)
        if isinstance(value, str) and "$" in value:
            value, problems = interpolate(value, self.env)
            if problems:
                self.source.replaced.add(path)
            for message in problems:
                self.problems.append(self.source.problem(path, message))
        return value

    def _mapping(self, node: MappingNode, path: Path) -> dict[Any, Any]:
        if not self._check_tag(node, f"{_STANDARD}map", path):
            return {}
        result: dict[Any, Any] = {}
        seen: dict[Any, tuple[int, int]] = {}
        merged: list[MappingNode] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
                merged.extend(s for s in sources if isinstance(s, MappingNode))
                continue
            if not isinstance(key_node, ScalarNode):
                self.problems.append(
                    self.source.problem(path, "a key must be a plain word, not a list or mapping")
                )
                continue
            key = self.constructor.construct_object(key_node, deep=True)
            key = key if isinstance(key, str | int) else str(key)
            key_pos = _position(key_node)
            if key in seen:
                line, col = key_pos
                first_line = seen[key][0]
                self.problems.append(
                    Problem(
                        path=path + (key,),
                        message=f"'{key}' is defined twice (first on line {first_line}); "
                        "keys must be unique, so one of them would be silently lost",
                        file=self.source.file,
                        line=line,
                        column=col,
                    )
                )
                continue
            seen[key] = key_pos
            self.source.keys[path + (key,)] = key_pos
            result[key] = self.build(value_node, path + (key,))
        for source_node in merged:  # YAML merge keys: explicit keys win
            for key_node, value_node in source_node.value:
                key = self.constructor.construct_object(key_node, deep=True)
                if key not in result:
                    self.source.keys.setdefault(path + (key,), _position(key_node))
                    result[key] = self.build(value_node, path + (key,))
        return result


def read_yaml(
    file: str | FilePath, *, text: str | None = None, env: dict[str, str] | None = None
) -> tuple[Any, SourceMap, list[Problem]]:
    """Plain data, its SourceMap and the problems found while reading it.

    Unreadable files and YAML syntax errors raise SpecError at once; problems with single
    values (an unset ``${VAR}``, a forbidden tag, a duplicate key) are returned so that
    validation can report them together with everything else. ``env`` defaults to
    ``os.environ`` for interpolation.
    """
    name = str(file)
    if text is None:
        path = FilePath(file)
        if not path.exists():
            raise SpecError(
                [Problem((), f"spec file not found: {name}. Pass a path, or run from the directory that holds monitors.yaml", file=None)]
            )
        if path.is_dir():
            raise SpecError([Problem((), f"{name} is a directory; pass the spec file inside it (e.g. {name}/monitors.yaml)")])
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise SpecError([Problem((), f"not UTF-8 text (byte {exc.start}); save the spec as UTF-8", file=name)]) from None
        except OSError as exc:
            raise SpecError([Problem((), f"cannot read the spec: {exc.strerror}", file=name)]) from None
    yaml = YAML(typ="safe", pure=True)
    try:
        nodes = list(yaml.compose_all(text))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        column = mark.column + 1 if mark else 1
        reason = exc.problem or exc.context or "invalid YAML"
        context = f" ({exc.context})" if exc.context and exc.problem else ""
        message = f"YAML syntax error: {reason}{context}\n{_excerpt(text, line)}"
        raise SpecError([Problem((), message, file=name, line=line, column=column)]) from None
    nodes = [n for n in nodes if n is not None]
    if not nodes:
        raise SpecError(
            [Problem((), "the spec is empty; it needs at least a 'monitors:' section (see `driftplane schema` or docs/yaml-reference.md)", file=name, line=1, column=1)]
        )
    if len(nodes) > 1:
        second = nodes[1]
        line, column = _position(second)
        raise SpecError([Problem((), "holds more than one YAML document ('---'); put all monitors in one document", file=name, line=line, column=column)])
    builder = _Builder(name, env)
    data = builder.build(nodes[0], ())
    if not isinstance(data, dict):
        line, column = _position(nodes[0])
        raise SpecError([Problem((), f"the spec must be a mapping with a 'monitors:' section, not {type(data).__name__}", file=name, line=line, column=column)])
    return data, builder.source, builder.problems
