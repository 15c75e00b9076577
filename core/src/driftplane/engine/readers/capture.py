"""SageMaker data-capture JSONL: one inference per line, its request and response as payloads.

Each line holds ``captureData.endpointInput`` and (optionally) ``captureData.endpointOutput``,
each ``{"data": ..., "encoding": "CSV" | "JSON" | "BASE64", "observedContentType": ...}``, and
``eventMetadata.inferenceTime``, which becomes the row's ``TIMESTAMP_COLUMN``. Key order varies
between writers, so lines are parsed by key.

Captured CSV has no header. As SageMaker does, a row is matched to the baseline's columns BY
POSITION, with the endpoint output first (``capture_output: start``, the default), last
(``end``) or dropped (``ignore``). A payload may hold several rows (a batch request); each
becomes a row with the record's time.

Fast path: the lines of a chunk are parsed by pyarrow's JSON reader, CSV payloads are split
into lines and joined to their outputs with Arrow compute functions, and the joined lines are
parsed by pyarrow's CSV reader in one go. JSON payloads, base64 payloads and chunks with
malformed lines take a slower path in Python.
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import json
import logging
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.json as pajson

from driftplane.engine.readers.chunks import TextChunk, line_chunks
from driftplane.engine.readers.files import DataFile
from driftplane.engine.readers.jsonl import _read_json
from driftplane.engine.readers.options import ReadOptions, list_line_numbers, positional_names
from driftplane.engine.readers.sniff import check_text
from driftplane.engine.readers.tables import table_from_rows
from driftplane.engine.readers.timestamps import UTC_US, to_utc
from driftplane.errors import DataError

logger = logging.getLogger(__name__)

_PAYLOAD = pa.struct(
    [("data", pa.string()), ("encoding", pa.string()), ("observedContentType", pa.string())]
)
CAPTURE_SCHEMA = pa.schema(
    [
        ("captureData", pa.struct([("endpointInput", _PAYLOAD), ("endpointOutput", _PAYLOAD)])),
        ("eventMetadata", pa.struct([("inferenceTime", pa.string())])),
    ]
)
_PARSE = pajson.ParseOptions(explicit_schema=CAPTURE_SCHEMA, unexpected_field_behavior="ignore")
# A value in a JSON payload: a position (None) or a key, and the value.
Cell = tuple[str | None, Any]
Row = list[Cell]
NOT_A_RECORD = "not a capture record"


@dataclass
class _Records:
    """The fields of a chunk's capture records, one list entry per record."""

    line: list[int] = field(default_factory=list)
    time: list[Any] = field(default_factory=list)
    in_data: list[Any] = field(default_factory=list)
    in_encoding: list[str | None] = field(default_factory=list)
    in_type: list[str | None] = field(default_factory=list)
    out_data: list[Any] = field(default_factory=list)
    out_encoding: list[str | None] = field(default_factory=list)
    out_type: list[str | None] = field(default_factory=list)


class _Problems:
    """Skipped lines by reason, for one message per reason."""

    def __init__(self) -> None:
        self.lines: dict[str, list[int]] = defaultdict(list)

    def add(self, reason: str, line: int) -> None:
        self.lines[reason].append(line)


def read_capture_file(file: DataFile, options: ReadOptions, timestamp_column: str) -> Iterator[pa.RecordBatch]:
    """Stream ``file``'s captured rows, each with its inference time in ``timestamp_column``."""
    problems = _Problems()
    decoder = _Decoder(file, options, timestamp_column, problems)
    with file.open() as stream:
        chunks = line_chunks(stream, options.chunk_bytes)
        first = next(chunks, None)
        if first is None:
            raise DataError(f"{file.display} is empty (0 bytes); remove it or write data to it")
        check_text(first.data[:65536], file.display, expected="SageMaker capture JSON Lines")
        yield from decoder.chunk(first)
        for chunk in chunks:
            yield from decoder.chunk(chunk)
    _report(file, options, problems)


def _report(file: DataFile, options: ReadOptions, problems: _Problems) -> None:
    for reason, lines in problems.lines.items():
        lines.sort()
        options.stats.bad_lines += len(lines)
        count = len(lines)
        options.note(f"{file.display}: skipped {count} line{'s' if count > 1 else ''} ({reason}): {list_line_numbers(lines)}")


class _Decoder:
    """Turns chunks of capture lines into record batches with positional column names."""

    def __init__(self, file: DataFile, options: ReadOptions, timestamp_column: str, problems: _Problems) -> None:
        self.file = file
        self.options = options
        self.timestamp_column = timestamp_column
        self.problems = problems

    # -- records ---------------------------------------------------------------------------
    def chunk(self, chunk: TextChunk) -> Iterator[pa.RecordBatch]:
        if not chunk.data.strip():
            return
        records = self._records(chunk)
        if not records.line:
            return
        times = self._times(records)
        use_output = self.options.capture_output != "ignore"
        fast: list[int] = []
        fast_in: list[str] = []
        fast_out: list[str | None] = []
        slow: list[int] = []
        for i in range(len(records.line)):
            if times[i] is None:
                continue
            if records.in_data[i] is None:
                self.problems.add("no captureData.endpointInput.data", records.line[i])
                continue
            kind_in = _payload_kind(records.in_encoding[i], records.in_type[i])
            has_output = use_output and records.out_data[i] is not None
            kind_out = _payload_kind(records.out_encoding[i], records.out_type[i]) if has_output else None
            if kind_in is None:
                self.problems.add(_unreadable(records.in_type[i], records.in_encoding[i]), records.line[i])
                continue
            if has_output and kind_out is None:
                self.problems.add(_unreadable(records.out_type[i], records.out_encoding[i]), records.line[i])
                continue
            if kind_in != "csv" or (has_output and kind_out != "csv"):
                slow.append(i)
                continue
            try:
                text_in = _text(records, "in", i)
                text_out = _text(records, "out", i) if has_output else None
            except _Unreadable as exc:
                self.problems.add(str(exc), records.line[i])
                continue
            fast.append(i)
            fast_in.append(text_in)  # type: ignore[arg-type]
            fast_out.append(text_out)
        if fast:
            yield from self._csv_records(records, times, fast, fast_in, fast_out)
        if slow:
            yield from self._python_records(records, times, slow)

    def _records(self, chunk: TextChunk) -> _Records:
        """The capture fields of every line; malformed lines recorded as problems."""
        try:
            table = _read_json(chunk.data, _PARSE)
        except pa.ArrowInvalid:
            return self._records_in_python(chunk)
        numbers = _line_numbers(chunk, table.num_rows)
        capture = table.column("captureData")
        payload_in = pc.struct_field(capture, "endpointInput")
        payload_out = pc.struct_field(capture, "endpointOutput")
        records = _Records(
            line=numbers,
            time=pc.struct_field(table.column("eventMetadata"), "inferenceTime").to_pylist(),
            in_data=pc.struct_field(payload_in, "data").to_pylist(),
            in_encoding=pc.struct_field(payload_in, "encoding").to_pylist(),
            in_type=pc.struct_field(payload_in, "observedContentType").to_pylist(),
            out_data=pc.struct_field(payload_out, "data").to_pylist(),
            out_encoding=pc.struct_field(payload_out, "encoding").to_pylist(),
            out_type=pc.struct_field(payload_out, "observedContentType").to_pylist(),
        )
        return records

    def _records_in_python(self, chunk: TextChunk) -> _Records:
        records = _Records()
        for number, line in chunk.lines():
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError):
                self.problems.add("not valid JSON", number)
                continue
            capture = value.get("captureData") if isinstance(value, dict) else None
            if not isinstance(capture, dict):
                self.problems.add(f"{NOT_A_RECORD}: no captureData", number)
                continue
            metadata = value.get("eventMetadata")
            payload_in = capture.get("endpointInput")
            payload_out = capture.get("endpointOutput")
            payload_in = payload_in if isinstance(payload_in, dict) else {}
            payload_out = payload_out if isinstance(payload_out, dict) else {}
            records.line.append(number)
            records.time.append(metadata.get("inferenceTime") if isinstance(metadata, dict) else None)
            records.in_data.append(payload_in.get("data"))
            records.in_encoding.append(payload_in.get("encoding"))
            records.in_type.append(payload_in.get("observedContentType"))
            records.out_data.append(payload_out.get("data"))
            records.out_encoding.append(payload_out.get("encoding"))
            records.out_type.append(payload_out.get("observedContentType"))
        return records

    def _times(self, records: _Records) -> list[Any]:
        """Each record's inference time as a UTC datetime; None (and a problem) when missing."""
        raw = pa.array([t if isinstance(t, str) else None for t in records.time], type=pa.string())
        try:
            parsed = to_utc(raw, column="eventMetadata.inferenceTime", where=self.file.display).to_pylist()
        except DataError:
            parsed = []
            for text in raw.to_pylist():
                try:
                    parsed.append(to_utc(pa.array([text], pa.string()), column="", where="")[0].as_py())
                except DataError:
                    parsed.append(None)
        for i, when in enumerate(parsed):
            if when is None:
                reason = (
                    "no eventMetadata.inferenceTime"
                    if records.time[i] is None
                    else "eventMetadata.inferenceTime is not a time"
                )
                if records.in_data[i] is None and records.time[i] is None:
                    reason = NOT_A_RECORD
                self.problems.add(reason, records.line[i])
        return parsed

    # -- CSV payloads, vectorised ----------------------------------------------------------
    def _csv_records(
        self,
        records: _Records,
        times: list[Any],
        which: list[int],
        texts_in: list[str],
        texts_out: list[str | None],
    ) -> Iterator[pa.RecordBatch]:
        inputs = pa.array(texts_in, type=pa.string())
        outputs = pa.array(texts_out, type=pa.string())
        lines = [int(records.line[i]) for i in which]
        when = pa.array([times[i] for i in which], type=UTC_US)
        in_rows = _split_rows(inputs)
        out_rows = _split_rows(outputs)
        in_counts = pc.list_value_length(in_rows).to_pylist()
        out_counts = pc.list_value_length(out_rows).to_pylist()
        with_output: list[int] = []
        without_output: list[int] = []
        for k, (n_in, n_out) in enumerate(zip(in_counts, out_counts, strict=True)):
            if not n_in:
                self.problems.add("empty endpointInput payload", lines[k])
            elif n_out is None or n_out == 0:
                without_output.append(k)
            elif n_out != n_in:
                self.problems.add(f"endpointOutput has {n_out} rows but endpointInput {n_in}", lines[k])
            else:
                with_output.append(k)
        for group, has_output in ((with_output, True), (without_output, False)):
            if not group:
                continue
            take = pa.array(group, type=pa.int64())
            group_in = in_rows.take(take)
            parents = pc.list_parent_indices(group_in)
            joined = pc.list_flatten(group_in)
            if has_output:
                outs = pc.list_flatten(out_rows.take(take))
                first, second = (outs, joined) if self.options.capture_output == "start" else (joined, outs)
                joined = pc.binary_join_element_wise(first, second, ",")
            group_lines = [lines[k] for k in group]
            table = self._parse_csv_rows(joined, parents, group_lines)
            if table is None:  # quoting the fast path cannot count: parse these records in Python
                yield from self._python_records(records, times, [which[k] for k in group])
                continue
            kept_rows, kept_parents = table
            if kept_rows.num_rows == 0:
                continue
            names = self._names(kept_rows.num_columns, has_output=has_output)
            row_times = when.take(pa.array(group, type=pa.int64())).take(kept_parents)
            out_table = kept_rows.rename_columns(names).append_column(self.timestamp_column, row_times)
            yield from out_table.to_batches(max_chunksize=self.options.batch_rows)

    def _parse_csv_rows(
        self, rows: pa.Array, parents: pa.Array, lines: list[int]
    ) -> tuple[pa.Table, pa.Array] | None:
        """Parse joined CSV rows; rows whose field count is not the usual one are skipped."""
        fields = pc.add(pc.count_substring(rows, ","), 1)
        counts = Counter(fields.to_pylist())
        usual = counts.most_common(1)[0][0]
        if len(counts) > 1:
            odd = pc.not_equal(fields, usual)
            odd_parents = sorted(set(pc.filter(parents, odd).to_pylist()))
            for parent in odd_parents:
                self.problems.add(f"payload does not have {usual} fields like most rows", lines[parent])
            bad = pa.array(odd_parents, type=parents.type)
            keep = pc.invert(pc.is_in(parents, value_set=bad))
            rows, parents = rows.filter(keep), parents.filter(keep)
            if len(rows) == 0:
                return pa.table({}), parents
        text = pc.binary_join(pa.ListArray.from_arrays(pa.array([0, len(rows)], pa.int32()), rows), "\n")[0]
        try:
            table = pacsv.read_csv(
                pa.py_buffer(text.as_buffer()),
                read_options=pacsv.ReadOptions(autogenerate_column_names=True, use_threads=True),
                convert_options=pacsv.ConvertOptions(strings_can_be_null=True),
            )
        except pa.ArrowInvalid:
            return None
        if table.num_rows != len(rows):
            return None  # quoted line breaks: let the Python path sort it out
        return table, parents

    # -- JSON and mixed payloads, in Python ------------------------------------------------
    def _python_records(self, records: _Records, times: list[Any], which: Sequence[int]) -> Iterator[pa.RecordBatch]:
        rows: list[dict[str, Any]] = []
        row_times: list[Any] = []
        naming: dict[tuple[bool, int], list[str]] = {}
        for i in which:
            line = records.line[i]
            try:
                inputs = decode_payload(records.in_data[i], records.in_encoding[i], records.in_type[i])
                outputs: list[Row] = []
                if self.options.capture_output != "ignore" and records.out_data[i] is not None:
                    outputs = decode_payload(records.out_data[i], records.out_encoding[i], records.out_type[i])
            except _Unreadable as exc:
                self.problems.add(str(exc), line)
                continue
            if not inputs:
                self.problems.add("empty endpointInput payload", line)
                continue
            outputs = _match_outputs(outputs, len(inputs))
            if outputs is None:
                self.problems.add("endpointOutput rows do not match endpointInput rows", line)
                continue
            for k, row_in in enumerate(inputs):
                row_out = outputs[k] if outputs else []
                cells = row_out + row_in if self.options.capture_output == "start" else row_in + row_out
                key = (bool(outputs), len(cells))
                if key not in naming:
                    naming[key] = self._names(len(cells), has_output=bool(outputs))
                names = naming[key]
                rows.append({(name if name is not None else names[p]): value for p, (name, value) in enumerate(cells)})
                row_times.append(times[i])
        if not rows:
            return
        table = table_from_rows(rows).append_column(self.timestamp_column, pa.array(row_times, type=UTC_US))
        yield from table.to_batches(max_chunksize=self.options.batch_rows)

    # -- names -----------------------------------------------------------------------------
    def _names(self, n_fields: int, *, has_output: bool) -> list[str]:
        """Baseline names by position; without an output, input aligned to where it would be."""
        known = self.options.column_names
        offset = 0
        if not has_output and self.options.capture_output == "start" and known and len(known) > n_fields:
            offset = len(known) - n_fields
            self.options.note(
                f"{self.file.display}: records have no endpointOutput, so their {n_fields} input "
                f"columns were matched to the baseline's last {n_fields} columns "
                f"({known[offset]} onwards; capture_output: start)"
            )
        return positional_names(n_fields, self.options, self.file.display, offset=offset)


class _Unreadable(Exception):
    """A payload that cannot become columns (an image, a NumPy array, broken base64)."""


def _payload_kind(encoding: str | None, content_type: str | None) -> str | None:
    """"csv", "json" or "jsonlines" by encoding, else (BASE64) by content type; None if unreadable."""
    enc = (encoding or "").upper()
    kind = (content_type or "").lower()
    if enc == "CSV":
        return "csv"
    if enc == "JSON":
        return "jsonlines" if "jsonl" in kind else "json"
    if "csv" in kind:
        return "csv"
    if "jsonl" in kind:
        return "jsonlines"
    if "json" in kind:
        return "json"
    return None


def _unreadable(content_type: str | None, encoding: str | None) -> str:
    return (
        f"payload with content type {content_type or 'unknown'} and encoding {encoding or 'unknown'} "
        "cannot be read as columns"
    )


def _text(records: _Records, side: str, i: int) -> str | None:
    data = getattr(records, f"{side}_data")[i]
    if data is None:
        return None
    encoding = (getattr(records, f"{side}_encoding")[i] or "").upper()
    if encoding == "BASE64":
        return _b64_text(data)
    return data if isinstance(data, str) else json.dumps(data)


def _b64_text(data: Any) -> str:
    try:
        return base64.b64decode(str(data), validate=False).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise _Unreadable("base64 payload does not decode to UTF-8 text") from None


def _split_rows(payloads: pa.Array) -> pa.ListArray:
    """Each payload's lines without line breaks; an empty or missing payload has none (null)."""
    trimmed = pc.utf8_rtrim(payloads, characters="\r\n")
    empty = pc.equal(pc.utf8_length(trimmed), 0)
    trimmed = pc.if_else(empty, pa.scalar(None, pa.string()), trimmed)
    rows = pc.split_pattern(trimmed, pattern="\n")
    flat = pc.utf8_rtrim(rows.values, characters="\r")
    return pa.ListArray.from_arrays(rows.offsets, flat, mask=pc.is_null(rows))


def _line_numbers(chunk: TextChunk, expected: int) -> list[int]:
    """The file line number of each record pyarrow returned (it skips blank lines)."""
    data = chunk.data
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if lines == expected:
        return list(range(chunk.first_line, chunk.first_line + expected))
    return [n for n, line in chunk.lines() if line.strip()][:expected]


# -- decoding payloads in Python ------------------------------------------------------------
def decode_payload(data: Any, encoding: str | None, content_type: str | None) -> list[Row]:
    """A payload as rows of cells: CSV values by position, JSON objects by key."""
    kind = _payload_kind(encoding, content_type)
    if kind is None:
        raise _Unreadable(_unreadable(content_type, encoding))
    if (encoding or "").upper() == "BASE64":
        data = _b64_text(data)
    if kind == "csv":
        text = data if isinstance(data, str) else json.dumps(data)
        return [[(None, _number(v)) for v in row] for row in csv.reader(io.StringIO(text.strip("\r\n"))) if row]
    if not isinstance(data, str):
        return json_rows(data)
    if kind == "jsonlines":
        rows: list[Row] = []
        for line in data.splitlines():
            if line.strip():
                rows.extend(json_rows(_loads(line)))
        return rows
    return json_rows(_loads(data))


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise _Unreadable(f"JSON payload is not valid JSON ({exc.msg})") from None


def _number(text: str) -> Any:
    """CSV text to int or float when it is one, so numbers are numbers in the slow path too."""
    value = text.strip()
    if value == "":
        return None
    try:
        return int(value)
    except ValueError:
        pass
    try:
        return float(value)
    except ValueError:
        return text


def json_rows(value: Any) -> list[Row]:
    """Rows of a JSON payload: ``[..]`` one row, ``[[..],[..]]`` rows, ``{"instances": [...]}`` unwrapped."""
    value = _unwrap(value)
    if isinstance(value, list):
        if not value:
            return []
        if all(isinstance(v, list) for v in value):
            return [_positional(v) for v in value]
        if all(isinstance(v, dict) for v in value):
            out: list[Row] = []
            for item in value:
                inner = _unwrap(item)
                out.append(_positional(inner) if isinstance(inner, list) else _keyed(inner))
            return out
        return [_positional(value)]
    if isinstance(value, dict):
        return [_keyed(value)]
    return [[(None, value)]]


def _unwrap(value: Any) -> Any:
    """``{"instances": [...]}``, ``{"features": [...]}``, ``{"predictions": [...]}``: the list inside."""
    while isinstance(value, dict) and len(value) == 1:
        inner = next(iter(value.values()))
        if not isinstance(inner, list | dict):
            return value
        value = inner
    return value


def _positional(values: list[Any]) -> Row:
    return [(None, _scalar(v)) for v in values]


def _keyed(obj: dict[str, Any], prefix: str = "") -> Row:
    cells: Row = []
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            cells.extend(_keyed(value, prefix=f"{name}."))
        else:
            cells.append((name, _scalar(value)))
    return cells


def _scalar(value: Any) -> Any:
    return json.dumps(value, separators=(",", ":")) if isinstance(value, list | dict) else value


def _match_outputs(outputs: list[Row], n_inputs: int) -> list[Row] | None:
    """Output rows lined up with input rows; a flat list of n predictions for n inputs is split."""
    if not outputs:
        return []
    if len(outputs) == n_inputs:
        return outputs
    if len(outputs) == 1 and n_inputs > 1 and len(outputs[0]) == n_inputs:
        return [[cell] for cell in outputs[0]]
    return None
