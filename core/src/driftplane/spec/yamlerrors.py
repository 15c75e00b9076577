"""How a spec file that cannot be read as YAML is reported: located, with an excerpt.

Each function turns one kind of failure (a syntax error, a bound gone past, a character
YAML does not allow, bytes that are not UTF-8) into a Problem at the file, line and column
where the mistake is, with the lines around it numbered and a caret under the place.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.reader import ReaderError

from driftplane.errors import Problem

_CONTEXT_BEFORE, _CONTEXT_AFTER = 3, 2
# Two marked lines further apart than this get one excerpt each instead of one long one.
_MAX_GAP = 8
# A longer line is shown as this many characters around the marked column.
_LINE_WIDTH = 120
# ruamel's own words can quote a whole scalar; a message keeps this much of them.
_MAX_DETAIL = 200
# What probably went wrong, by ruamel's context or problem, for the commonest mistakes.
_HINTS = {
    "while scanning a quoted scalar": "is a closing quote missing?",
    "while parsing a flow mapping": "is a closing '}' missing, or a ',' between entries?",
    "while parsing a flow sequence": "is a closing ']' missing, or a ',' between items?",
}
_TAB_HINT = "YAML indents with spaces, never tabs: replace the tab with spaces"


def _visible(text: str) -> str:
    """Text as an excerpt shows it: tabs and other invisible characters as escapes."""
    return "".join(
        "\\t" if ch == "\t" else ch if ch.isprintable() or ch == " " else repr(ch)[1:-1] for ch in text
    )


def _cut(text: str) -> str:
    return text if len(text) <= _MAX_DETAIL else text[:_MAX_DETAIL] + "..."


def _excerpt_line(source: str, column: int | None) -> tuple[str, int | None]:
    """The line as shown (cut around ``column`` when long) and the caret's offset in it."""
    start = 0
    if len(source) > _LINE_WIDTH:
        start = max(0, min((column or 1) - 1 - _LINE_WIDTH // 2, len(source) - _LINE_WIDTH))
    piece = source[start : start + _LINE_WIDTH]
    shown = ("..." if start else "") + _visible(piece) + ("..." if start + _LINE_WIDTH < len(source) else "")
    if column is None:
        return shown, None
    return shown, (3 if start else 0) + len(_visible(source[start : max(start, column - 1)]))


def excerpt(text: str, line: int, column: int | None = None, also: tuple[int, int] | None = None) -> str:
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
            marker = ">" if number in marks else " "
            shown, caret = _excerpt_line(lines[number - 1], marks.get(number))
            out.append(f"  {marker} {number:>{width}} | {shown}")
            if caret is not None:
                out.append(f"    {'':>{width}} | {' ' * caret}^")
    return "\n".join(out)


def syntax_problem(name: str, text: str, exc: MarkedYAMLError) -> Problem:
    """A YAML syntax error located where the mistake most likely is, both marks shown.

    ruamel reports an unclosed quote or bracket at the end of the file, where nothing can
    be fixed; then the place where the quote or bracket opens (its context mark) leads.
    """
    problem_mark, context_mark = exc.problem_mark, exc.context_mark
    problem = _cut(exc.problem or exc.context or "invalid YAML")
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
    message += "\n" + excerpt(text, line, column, other_at)
    return Problem((), message, file=name, line=line, column=column)


def located_problem(name: str, text: str, message: str, mark: Any, path: tuple[str | int, ...] = ()) -> Problem:
    """``message`` at a ruamel mark (0-based), with the excerpt around it."""
    line, column = mark.line + 1, mark.column + 1
    return Problem(path, f"{message}\n{excerpt(text, line, column)}", file=name, line=line, column=column)


def _line_and_column(text: str, index: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _character_name(ch: str) -> str:
    category = unicodedata.category(ch)
    if category == "Cs":
        return "half of a UTF-16 surrogate pair"
    if category == "Cn":
        return "not a character"
    name = unicodedata.name(ch, "")
    return name.lower() if name else "a control character"


def reader_problem(name: str, text: str, exc: ReaderError) -> Problem:
    """A character YAML does not allow in a file (a NUL, a control character), located."""
    index = exc.position if isinstance(exc.position, int) else 0
    line, column = _line_and_column(text, min(index, len(text)))
    code = exc.character if isinstance(exc.character, int) else 0
    ch = chr(code)
    message = f"the character U+{code:04X} ({_character_name(ch)}) cannot appear in a YAML file; remove it"
    if unicodedata.category(ch) == "Cc":
        message += f', or write it as the escape "{repr(ch)[1:-1]}" inside a double-quoted string if it is meant'
    if code == 0:
        message += " (a NUL byte in a text file usually means it was saved as UTF-16: save it as UTF-8)"
    return Problem((), f"{message}\n{excerpt(text, line, column)}", file=name, line=line, column=column)


def decode_problem(name: str, raw: bytes, exc: UnicodeDecodeError) -> Problem:
    """Bytes that are not UTF-8, located by line and column, with what to do."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Problem((), "the file is UTF-16 text; save the spec as UTF-8", file=name, line=1, column=1)
    before = raw[: exc.start]
    line = before.count(b"\n") + 1
    column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", errors="replace")) + 1
    return Problem(
        (),
        f"not UTF-8 text: the byte 0x{raw[exc.start]:02X} cannot be read; save the spec as UTF-8 "
        "(it may have been saved as Latin-1 or Windows-1252)",
        file=name,
        line=line,
        column=column,
    )
