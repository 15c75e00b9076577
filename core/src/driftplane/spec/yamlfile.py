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
_CONTEXT_BEFORE, _CONTEXT_AFTER = 3, 2
# Two marked lines further apart than this get one excerpt each instead of one long one.
_MAX_GAP = 8
# What probably went wrong, by ruamel's context or problem, for the commonest mistakes.
_HINTS = {
    "while scanning a quoted scalar": "is a closing quote missing?",
    "while parsing a flow mapping": "is a closing '}' missing, or a ',' between entries?",
    "while parsing a flow sequence": "is a closing ']' missing, or a ',' between items?",
}
_TAB_HINT = "YAML indents with spaces, never tabs: replace the tab with spaces"


def _position(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _shown(line: str) -> str:
    """A line as the excerpt shows it: tabs made visible, since they are often the mistake."""
    return line.replace("\t", "\\t")


def _excerpt(text: str, line: int, column: int | None = None, also: tuple[int, int] | None = None) -> str:
    """The lines around ``line`` (1-based, and around ``also``), numbered, the culprits marked.

    A caret under the column points at the exact place; lines after the culprit are shown
    too, since the mistake is often just below where YAML noticed it.
    """
    lines = text.splitlines() or [""]
    marks: dict[int, int | None] = {}
    if line > len(lines):  # the end of the file: mark its last line, no column
        line, column = len(lines), None
    marks[max(1, line)] = column
    if also is not None and also[0] <= len(lines):  # the end of the file is named, not marked
        marks.setdefault(also[0], also[1])
    windows: list[list[int]] = []
    for number in sorted(marks):
        first, last = max(1, number - _CONTEXT_BEFORE), min(len(lines), number + _CONTEXT_AFTER)
        if windows and first - windows[-1][1] <= _MAX_GAP:
            windows[-1][1] = max(windows[-1][1], last)
        else:
            windows.append([first, last])
    width = len(str(windows[-1][1]))
    out: list[str] = []
    for index, (first, last) in enumerate(windows):
        if index:
            out.append(f"    {'':>{width}} ...")
        for number in range(first, last + 1):
            source = lines[number - 1]
            marker = ">" if number in marks else " "
            out.append(f"  {marker} {number:>{width}} | {_shown(source)}")
            caret_column = marks.get(number)
            if caret_column is not None:
                offset = len(_shown(source[: caret_column - 1]))
                out.append(f"    {'':>{width}} | {' ' * offset}^")
    return "\n".join(out)


def _syntax_problem(name: str, text: str, exc: MarkedYAMLError) -> Problem:
    """A YAML syntax error located where the mistake most likely is, both marks shown.

    ruamel reports an unclosed quote or bracket at the end of the file, where nothing can
    be fixed; then the place where the quote or bracket opens (its context mark) leads.
    """
    problem_mark, context_mark = exc.problem_mark, exc.context_mark
    problem = exc.problem or exc.context or "invalid YAML"
    context = exc.context if exc.problem else None
    at_end = problem_mark is not None and problem_mark.index >= len(text.rstrip())
    lead_is_context = context_mark is not None and (problem_mark is None or at_end)
    lead = context_mark if lead_is_context else (problem_mark or context_mark)
    line, column = (lead.line + 1, lead.column + 1) if lead is not None else (1, 1)
    other = problem_mark if lead_is_context else context_mark
    other_at: tuple[int, int] | None = None
    if other is not None and (lead is None or (other.line, other.column) != (lead.line, lead.column)):
        other_at = (other.line + 1, other.column + 1)
    message = f"YAML syntax error: {problem}"
    if lead_is_context:
        if other_at is not None:
            message += f" at line {other_at[0]}, column {other_at[1]}"
        if context:
            message += f" ({context} that starts here)"
    elif context and other_at is not None:
        message += f" ({context} that starts at line {other_at[0]}, column {other_at[1]})"
    elif context:
        message += f" ({context})"
    hints = [_TAB_HINT] if "'\\t'" in problem else []
    if context in _HINTS:
        hints.append(_HINTS[context])
    if hints:
        message += "; " + "; ".join(hints)
    message += "\n" + _excerpt(text, line, column, other_at)
    return Problem((), message, file=name, line=line, column=column)


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
                self.source.unset.add(path)
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
        raise SpecError([_syntax_problem(name, text, exc)]) from None
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
