"""Read a YAML file into plain Python data plus the line and column of every key and value.

The file is composed into nodes and built by hand rather than constructed by a YAML
loader, for four reasons: every value keeps its position for error messages, a key
written twice is reported with both places, no tag can ever construct an object
(``!!python/object:...`` is an error, never run), and nothing is built before the file is
known to stay within the bounds of spec.yamllimits (a "billion laughs" file of nested
aliases is refused at the alias that goes too far, not expanded until memory runs out).

Every key is a name, so a key YAML reads as something else (``1:``, ``true:``, ``null:``,
``2024-01-01:``, ``? [a, b]``) is refused with the advice to quote it rather than turned
into text silently. Top-level keys starting with ``x-`` are left out of the data: they hold
anchors that monitors share (``x-defaults: &defaults``), as in docker-compose files.
"""

from __future__ import annotations

import re
from pathlib import Path as FilePath
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import ConstructorError, SafeConstructor
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError

from driftplane.errors import Problem, SpecError
from driftplane.spec.interpolate import MAX_INTERPOLATED_CHARACTERS, interpolate
from driftplane.spec.names import NAME_RULE, shown
from driftplane.spec.problems import Path, SourceMap
from driftplane.spec.yamlerrors import (
    decode_problem,
    located_problem,
    reader_problem,
    syntax_problem,
)
from driftplane.spec.yamllimits import (
    MAX_SPEC_BYTES,
    AliasUse,
    BoundedComposer,
    LimitExceeded,
    check_expansion,
    real,
)

_STANDARD = "tag:yaml.org,2002:"
_STR = f"{_STANDARD}str"
# What YAML reads a plain scalar as, in words for messages; only these tags are allowed.
_SCALAR_KINDS = {
    _STR: "text",
    f"{_STANDARD}int": "a whole number",
    f"{_STANDARD}float": "a number",
    f"{_STANDARD}bool": "a boolean",
    f"{_STANDARD}null": "nothing (null)",
    f"{_STANDARD}timestamp": "a date",
}
_MERGE = f"{_STANDARD}merge"
_EXTENSION_PREFIX = "x-"
# The mappings whose keys are names that follow spec.names' rule.
_NAMED: dict[Path, str] = {("monitors",): "monitor", ("channels",): "channel"}
_SURROGATES = re.compile("[\ud800-\udfff]+")
# What the Python value of a root that is not a mapping is, in words.
_ROOT_KINDS = {list: "a list", str: "text", int: "a number", float: "a number", bool: "a boolean"}


def _tag(node: Node) -> str:
    """The node's tag as text (ruamel keeps explicit tags as Tag objects)."""
    return str(node.tag)


def _is_merge(key_node: Node | AliasUse) -> bool:
    node = real(key_node)
    return isinstance(node, ScalarNode) and _tag(node) == _MERGE


def _position(node: Node | AliasUse) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _surrogates(text: str) -> tuple[str, str] | None:
    """What halves of UTF-16 surrogate pairs ``text`` holds and what to write instead, or None.

    YAML's ``\ud83d\udcc9`` escapes (JSON's way of writing one emoji) read as two halves,
    neither a character: nothing downstream can encode them (files, SQLite, HTTP).
    """
    found = _SURROGATES.search(text)
    if found is None:
        return None
    run = found.group(0)
    escapes = "".join(repr(ch)[1:-1] for ch in run[:2])
    if len(run) >= 2 and "\ud800" <= run[0] <= "\udbff" and "\udc00" <= run[1] <= "\udfff":
        code = 0x10000 + ((ord(run[0]) - 0xD800) << 10) + (ord(run[1]) - 0xDC00)
        return (
            f"holds {escapes}, a UTF-16 surrogate pair, which YAML reads as two halves of a character rather than one",
            f"write the character itself or \\U{code:08X}",
        )
    return (
        f"holds {escapes}, half of a UTF-16 surrogate pair, which is not a character",
        "remove it, or write the whole character",
    )


def _escape_surrogates(text: str) -> str:
    return _SURROGATES.sub(lambda m: "".join(repr(ch)[1:-1] for ch in m.group(0)), text)


class _Builder:
    """Turns composed nodes into dicts, lists and scalars while recording positions."""

    def __init__(self, file: str, env: dict[str, str] | None) -> None:
        self.source = SourceMap(file=file)
        self.problems: list[Problem] = []
        self.env = env
        reader = YAML(typ="safe", pure=True)
        self.constructor: SafeConstructor = reader.constructor
        self.resolver = reader.resolver
        # A scalar is read once however many aliases repeat it: (value, problems, from ${VAR}).
        self.scalars: dict[int, tuple[Any, list[str], bool]] = {}
        self.interpolated = 0
        # Problems with a key or a merge are reported once, not at every alias that repeats them.
        self.reported: set[tuple[tuple[int, int], str]] = set()

    def _once(self, node: Node | AliasUse, path: Path, message: str) -> None:
        where = _position(node)
        if (where, message) not in self.reported:
            self.reported.add((where, message))
            line, column = where
            self.problems.append(Problem(path, message, file=self.source.file, line=line, column=column))

    def build(self, node: Node | AliasUse, path: Path) -> Any:
        # An alias is located where it is written; what it repeats, where that is written.
        self.source.values[path] = _position(node)
        target = real(node)
        if isinstance(target, MappingNode):
            return self._mapping(target, path)
        if isinstance(target, SequenceNode):
            self._check_tag(target, f"{_STANDARD}seq", path)
            return [self.build(item, path + (i,)) for i, item in enumerate(target.value)]
        assert isinstance(target, ScalarNode)
        return self._scalar(target, path)

    def _check_tag(self, node: Node, expected: str, path: Path) -> bool:
        if _tag(node) == expected or (isinstance(node, ScalarNode) and _tag(node) in _SCALAR_KINDS):
            return True
        self.source.replaced.add(path)
        self.problems.append(
            self.source.problem(
                path,
                f"the tag '{_cut_tag(node.tag)}' is not allowed; a spec holds plain "
                "data only (strings, numbers, booleans, lists and mappings)",
            )
        )
        return False

    def _scalar(self, node: ScalarNode, path: Path) -> Any:
        if not self._check_tag(node, _STR, path):
            return None
        if id(node) not in self.scalars:
            self.scalars[id(node)] = self._read_scalar(node)
        value, problems, from_variable = self.scalars[id(node)]
        if problems:
            self.source.replaced.add(path)
            if from_variable:
                self.source.unset.add(path)
        for message in problems:
            self.problems.append(self.source.problem(path, message))
        return value

    def _read_scalar(self, node: ScalarNode) -> tuple[Any, list[str], bool]:
        """The value of a scalar, the problems with it, and whether they come from ``${VAR}``."""
        tag = _tag(node)
        if tag != _STR:
            try:
                return self.constructor.construct_object(node, deep=True), [], False
            except (ValueError, OverflowError, KeyError, ConstructorError) as exc:
                return node.value, [self._unreadable(node, tag, exc)], False
        text: str = node.value
        surrogates = _surrogates(text)
        if surrogates:
            return _escape_surrogates(text), [f"the text {surrogates[0]}; {surrogates[1]}"], False
        if "$" not in text:
            return text, [], False
        value, problems = interpolate(text, self.env, limit=MAX_INTERPOLATED_CHARACTERS - self.interpolated)
        self.interpolated += max(0, len(value) - len(text))
        return value, problems, bool(problems)

    def _unreadable(self, node: ScalarNode, tag: str, exc: Exception) -> str:
        """Why a scalar cannot be the number, date or boolean YAML (or its tag) says it is."""
        implicit = node.style is None and self.resolver.resolve(ScalarNode, node.value, (True, False)) == tag
        reason = ""
        if isinstance(exc, ValueError | OverflowError):
            text = str(exc)
            if "Exceeds the limit" in text:
                reason = " (it has too many digits)"
            elif implicit:  # why a date YAML recognised is not one: "month must be in 1..12"
                reason = f" ({text.splitlines()[0]})"
        advice = "put it in quotes if it is text" if implicit else f"remove the tag {_cut_tag(tag)} or change the value"
        return f"{shown(node.value)} cannot be read as {_SCALAR_KINDS[tag]}{reason}; {advice}"

    def _key(self, key_node: Node | AliasUse, path: Path) -> str:
        """The key as text; a key that is not plain text is reported, and kept as written."""
        node = real(key_node)
        if not isinstance(node, ScalarNode):
            written = "[...]" if isinstance(node, SequenceNode) else "{...}"
            self.source.replaced.add(path + (written,))
            self._once(
                key_node,
                path + (written,),
                "a key must be a name (a word or a quoted string), "
                f"not a {'list' if written == '[...]' else 'mapping'}",
            )
            return written
        text: str = node.value
        tag = _tag(node)
        if tag != _STR:
            self.source.replaced.add(path + (text,))
            if tag not in _SCALAR_KINDS:
                message = f"the tag '{_cut_tag(tag)}' is not allowed on a key; a key is a name"
            elif tag == f"{_STANDARD}null" and text == "" and node.style is None:
                message = "a key is missing before the ':'; write the name there"
            else:
                example = f': "{text}"' if len(text) <= 80 else ""
                message = (
                    f"the key {shown(text)} is read by YAML as {_SCALAR_KINDS[tag]}, but a key is a name; "
                    f"put it in quotes{example}"
                )
            self._once(key_node, path + (text,), message)
            return text
        surrogates = _surrogates(text)
        if surrogates:
            escaped = _escape_surrogates(text)
            self.source.replaced.add(path + (escaped,))
            what = _NAMED.get(path)
            if what:  # a monitor or channel name: the advice is the name rule, not another character
                message = f"{shown(text)} cannot be a {what} name: it {surrogates[0]}; a name is {NAME_RULE}"
            else:
                message = f"the key {surrogates[0]}; {surrogates[1]}"
            self._once(key_node, path + (escaped,), message)
            return escaped
        return text

    def _merge_sources(self, value_node: Node | AliasUse, path: Path) -> list[MappingNode]:
        """The mappings a ``<<`` key merges: one mapping, or a list of them."""
        value = real(value_node)
        items = value.value if isinstance(value, SequenceNode) else [value_node]
        sources: list[MappingNode] = []
        for item in items:
            if isinstance(real(item), MappingNode):
                sources.append(real(item))  # type: ignore[arg-type]
                continue
            self._once(
                item,
                path,
                "'<<' merges mappings into this one: write '<<: *name' with the anchor &name on a mapping, "
                "or a list of such aliases",
            )
        return sources

    def _merged(self, sources: list[MappingNode], path: Path) -> list[tuple[str, Node | AliasUse, Node | AliasUse]]:
        """(key, key node, value node) of merged mappings, earlier ones first, as YAML defines.

        A merged mapping's own ``<<`` keys are merged after its explicit keys.
        """
        entries: list[tuple[str, Node | AliasUse, Node | AliasUse]] = []
        for source in sources:
            nested: list[MappingNode] = []
            for key_node, value_node in source.value:
                if _is_merge(key_node):
                    nested.extend(self._merge_sources(value_node, path))
                else:
                    entries.append((self._key(key_node, path), key_node, value_node))
            entries.extend(self._merged(nested, path))
        return entries

    def _mapping(self, node: MappingNode, path: Path) -> dict[str, Any]:
        if not self._check_tag(node, f"{_STANDARD}map", path):
            return {}
        result: dict[str, Any] = {}
        seen: dict[str, tuple[int, int]] = {}
        sources: list[MappingNode] = []
        for key_node, value_node in node.value:
            if _is_merge(key_node):
                sources.extend(self._merge_sources(value_node, path))
                continue
            key = self._key(key_node, path)
            key_pos = _position(key_node)
            if key in seen:
                line, col = key_pos
                self.problems.append(
                    Problem(
                        path=path + (key,),
                        message=f"{shown(key)} is defined twice (first on line {seen[key][0]}); "
                        "keys must be unique, so one of them would be silently lost",
                        file=self.source.file,
                        line=line,
                        column=col,
                    )
                )
                continue
            seen[key] = key_pos
            if not path and key.startswith(_EXTENSION_PREFIX):
                continue  # a place for anchors, not part of the spec
            self.source.keys[path + (key,)] = key_pos
            result[key] = self.build(value_node, path + (key,))
        for key, key_node, value_node in self._merged(sources, path):  # YAML merge keys: explicit keys win
            if key not in result and not (not path and key.startswith(_EXTENSION_PREFIX)):
                self.source.keys[path + (key,)] = _position(key_node)
                result[key] = self.build(value_node, path + (key,))
        return result


def _cut_tag(tag: Any) -> str:
    text = str(tag).replace(_STANDARD, "!!")
    return text if len(text) <= 80 else text[:80] + "..."


def _read_text(file: str | FilePath) -> str:
    """The file's text, refused (located where possible) when it cannot be a spec."""
    name = str(file)
    path = FilePath(file)
    if not path.exists():
        raise SpecError(
            [
                Problem(
                    (),
                    f"spec file not found: {name}. Pass a path, or run from the directory that holds monitors.yaml",
                    file=None,
                )
            ]
        )
    if path.is_dir():
        raise SpecError(
            [Problem((), f"{name} is a directory; pass the spec file inside it (e.g. {name}/monitors.yaml)")]
        )
    try:
        with path.open("rb") as handle:  # read no more than a spec may be: /dev/zero is a path too
            raw = handle.read(MAX_SPEC_BYTES + 1)
    except OSError as exc:
        raise SpecError([Problem((), f"cannot read the spec: {exc.strerror}", file=name)]) from None
    _check_size(name, len(raw))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpecError([decode_problem(name, raw, exc)]) from None


def _check_size(name: str, size: int) -> None:
    if size > MAX_SPEC_BYTES:
        raise SpecError(
            [
                Problem(
                    (),
                    f"the file is larger than {MAX_SPEC_BYTES // (1024 * 1024)} MB, far more than a spec needs "
                    "(a thousand monitors take about 1 MB); is it the spec? Split large specs into several files",
                    file=name,
                )
            ]
        )


def _compose(name: str, text: str) -> tuple[Node, list[Problem]]:
    """The one document of ``text`` as nodes (aliases kept as AliasUse), checked against the bounds."""
    yaml = YAML(typ="safe", pure=True)
    yaml.Composer = BoundedComposer
    root: Node | None = None
    try:
        for document in yaml.compose_all(text):
            if document is None or (
                isinstance(document, ScalarNode) and _tag(document).endswith(":null") and document.value == ""
            ):
                continue  # an empty document, e.g. after a closing '---'
            if root is not None:
                raise SpecError(
                    [
                        located_problem(
                            name,
                            text,
                            "holds more than one YAML document ('---'); put all monitors in one document",
                            document.start_mark,
                        )
                    ]
                )
            root = document
        if root is not None:
            check_expansion(root)
    except LimitExceeded as exc:
        raise SpecError([located_problem(name, text, exc.message, exc.mark)]) from None
    except MarkedYAMLError as exc:
        raise SpecError([syntax_problem(name, text, exc)]) from None
    except ReaderError as exc:
        raise SpecError([reader_problem(name, text, exc)]) from None
    if root is None:
        raise SpecError(
            [
                Problem(
                    (),
                    "the spec is empty; it needs at least a 'monitors:' section "
                    "(see `driftplane schema` or docs/yaml-reference.md)",
                    file=name,
                    line=1,
                    column=1,
                )
            ]
        )
    composer = yaml.composer
    assert isinstance(composer, BoundedComposer)
    problems = [
        Problem(
            (),
            f"the anchor &{anchor} is defined twice (first on line {first.line + 1}); each alias *{anchor} "
            "after this one means this one, which is easy to miss: give each anchor its own name",
            file=name,
            line=second.line + 1,
            column=second.column + 1,
        )
        for anchor, first, second in composer.duplicate_anchors
    ]
    return root, problems


def read_yaml(
    file: str | FilePath, *, text: str | None = None, env: dict[str, str] | None = None
) -> tuple[Any, SourceMap, list[Problem]]:
    """Plain data, its SourceMap and the problems found while reading it.

    Unreadable files, YAML syntax errors and files past a bound of spec.yamllimits raise
    SpecError at once; problems with single values (an unset ``${VAR}``, a forbidden tag, a
    duplicate key, a key that is not a name) are returned so that validation can report
    them together with everything else. ``env`` defaults to ``os.environ`` for interpolation.
    """
    name = str(file)
    if text is None:
        text = _read_text(file)
    else:
        _check_size(name, len(text))
    root, problems = _compose(name, text)
    builder = _Builder(name, env)
    data = builder.build(root, ())
    if not isinstance(data, dict):
        line, column = _position(root)
        kind = _ROOT_KINDS.get(type(data), "nothing" if data is None else type(data).__name__)
        root_problem = Problem(
            (),
            f"the spec must be a mapping with a 'monitors:' section, not {kind}",
            file=name,
            line=line,
            column=column,
        )
        raise SpecError([*problems, *builder.problems, root_problem])
    return data, builder.source, problems + builder.problems
