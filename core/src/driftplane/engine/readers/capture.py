"""SageMaker data-capture JSONL: one inference per line, its request and response as payloads.

Each line holds ``captureData.endpointInput`` and (optionally) ``captureData.endpointOutput``,
each ``{"data": ..., "encoding": "CSV" | "JSON" | "BASE64", "observedContentType": ...}``, and
``eventMetadata.inferenceTime``, which becomes the row's ``TIMESTAMP_COLUMN``. Key order varies
between writers, so lines are parsed by key.

Captured CSV has no header. As SageMaker does, a row is matched to the baseline's columns BY
POSITION, with the endpoint output first (``capture_output: start``, the default), last
(``end``) or dropped (``ignore``). A payload may hold several rows (a batch request); each
becomes a row with the record's time.

CSV values stay the text written unless a number type holds them exactly (``readers/text.py``);
JSON payloads may take any of the shapes ``readers/payloads.py`` lists. A line that is not a
capture record, or whose payload cannot be read, is skipped and counted like any malformed
record (``ReadOptions.count_bad``), and named by line in a note.

Fast path: the lines of a chunk are parsed by pyarrow's JSON reader, CSV payloads are split
into lines and joined to their outputs with Arrow compute functions, and the joined lines are
parsed by pyarrow's CSV reader in one go. JSON payloads, base64 payloads and chunks with
malformed lines take a slower path in Python.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.json as pajson

from driftplane.columns import CAPTURE_ID_COLUMN
from driftplane.engine.arrays import FALSE, NULL_TEXT, ZERO, array, scalar
from driftplane.engine.readers.chunks import LineIndex, TextChunk, first_text_chunk, line_chunks
from driftplane.engine.readers.datafiles import DataFile
from driftplane.engine.readers.jsonl import _read_json
from driftplane.engine.readers.options import ReadOptions, SkippedRecords, positional_names
from driftplane.engine.readers.payloads import (
    Row,
    Unreadable,
    decode_payload,
    match_outputs,
    payload_kind,
    payload_text,
    unreadable_type,
)
from driftplane.engine.readers.tables import table_from_rows
from driftplane.engine.readers.text import narrow_table
from driftplane.engine.readers.timestamps import UTC_US, to_utc
from driftplane.errors import DataError

logger = logging.getLogger(__name__)

_PAYLOAD = pa.struct(
    [("data", pa.string()), ("encoding", pa.string()), ("observedContentType", pa.string())]
)
CAPTURE_SCHEMA = pa.schema(
    [
        ("captureData", pa.struct([("endpointInput", _PAYLOAD), ("endpointOutput", _PAYLOAD)])),
        (
            "eventMetadata",
            pa.struct([("inferenceTime", pa.string()), ("inferenceId", pa.string()), ("eventId", pa.string())]),
        ),
    ]
)
_PARSE = pajson.ParseOptions(explicit_schema=CAPTURE_SCHEMA, unexpected_field_behavior="ignore")
NOT_A_RECORD = "not a capture record"


class CaptureProblems:
    """Skipped capture lines: counted as found (``ReadOptions.count_bad``), one note per reason at the end."""

    def __init__(self, skipped: SkippedRecords) -> None:
        self.skipped = skipped
        self.chunk: TextChunk | None = None  # the chunk being decoded

    def add(self, reason: str, position: int) -> None:
        """A problem on the line at ``position`` (0-based) in the current chunk."""
        first = self.chunk.first_line if self.chunk is not None else 1
        self.skipped.add(reason, [first + position])

    def report(self) -> None:
        self.skipped.report()


def read_capture_file(file: DataFile, options: ReadOptions, timestamp_column: str) -> Iterator[pa.RecordBatch]:
    """Stream ``file``'s captured rows, each with its inference time in ``timestamp_column``."""
    problems = CaptureProblems(SkippedRecords(file.display, options, what="capture line"))
    decoder = CaptureDecoder(file, options, timestamp_column, problems)
    index = LineIndex(file.open)
    try:
        with file.open() as stream:
            chunks = line_chunks(stream, options.chunk_bytes, index)
            first = first_text_chunk(chunks, file.display, expected="SageMaker capture JSON Lines")
            yield from decoder.chunk(first)
            for chunk in chunks:
                yield from decoder.chunk(chunk)
    finally:
        index.close()
    problems.report()


# What the compute calls below compare with or join by, built once (see engine.arrays).
COMMA = scalar(",", pa.string())
NEWLINE = scalar("\n", pa.string())
CSV = scalar("CSV", pa.string())
ONE = scalar(1, pa.int64())

_FIELDS = ("position", "time", "record_id", "in_data", "in_encoding", "in_type", "out_data", "out_encoding", "out_type")


def _records_table(columns: dict[str, Any]) -> pa.Table:
    """The fields of a chunk's capture records as one table (``position`` is the line in the chunk)."""
    types = {"position": pa.int64()}
    return pa.table({name: array(columns[name], types.get(name, pa.string())) for name in _FIELDS})


class CaptureDecoder:
    """Turns chunks of capture lines into record batches with positional column names."""

    def __init__(self, file: DataFile, options: ReadOptions, timestamp_column: str, problems: CaptureProblems) -> None:
        self.file = file
        self.options = options
        self.timestamp_column = timestamp_column
        self.problems = problems

    # -- records ---------------------------------------------------------------------------
    def chunk(self, chunk: TextChunk) -> Iterator[pa.RecordBatch]:
        self.problems.chunk = chunk
        records = self._records(chunk)
        if records.num_rows == 0:
            return
        times = self._times(records)
        if self.options.capture_ids:  # the id travels with the time through every filter and take below
            times = pa.StructArray.from_arrays(
                [times, _column(records, "record_id")], names=["time", "id"], mask=pc.is_null(times)
            )
        use_output = self.options.capture_output != "ignore"
        has_input = pc.is_valid(_column(records, "in_data"))
        has_output = pc.is_valid(_column(records, "out_data")) if use_output else pa.repeat(FALSE, records.num_rows)
        valid = pc.and_(pc.is_valid(times), has_input)
        csv_in = _is_csv(_column(records, "in_encoding"))
        csv_out = pc.or_(pc.invert(has_output), _is_csv(_column(records, "out_encoding")))
        fast = pc.and_(valid, pc.and_(csv_in, csv_out))
        for position in pc.filter(
            _column(records, "position"), pc.and_(pc.is_valid(times), pc.invert(has_input))
        ).to_pylist():
            self.problems.add("no captureData.endpointInput.data", position)
        inputs = pc.filter(_column(records, "in_data"), fast)
        outputs = pc.filter(pc.if_else(has_output, _column(records, "out_data"), NULL_TEXT), fast)
        positions = pc.filter(_column(records, "position"), fast)
        fast_times = pc.filter(times, fast)
        # Records that are not plain CSV: base64 CSV is decoded here and joins the fast path;
        # JSON payloads go the Python way.
        rest = records.filter(pc.and_(valid, pc.invert(fast)))
        if rest.num_rows:
            rest_times = pc.filter(times, pc.and_(valid, pc.invert(fast)))
            decoded, slow = self._sort_rest(rest, has_output_column=use_output)
            if decoded:
                take = array([k for k, _, _ in decoded], pa.int64())
                inputs = pa.concat_arrays([inputs, array([t for _, t, _ in decoded], pa.string())])
                outputs = pa.concat_arrays([outputs, array([o for _, _, o in decoded], pa.string())])
                positions = pa.concat_arrays([positions, _column(rest, "position").take(take)])
                fast_times = pa.concat_arrays([fast_times, rest_times.take(take)])
            if slow:
                take = array(slow, pa.int64())
                yield from self._python_records(rest.take(take), rest_times.take(take))
        if len(inputs):
            yield from self._csv_records(inputs, outputs, positions.to_pylist(), fast_times)

    def _sort_rest(
        self, rest: pa.Table, *, has_output_column: bool
    ) -> tuple[list[tuple[int, str, str | None]], list[int]]:
        """Base64 CSV records decoded to text (index, input, output); indices of JSON ones."""
        decoded: list[tuple[int, str, str | None]] = []
        slow: list[int] = []
        for k, row in enumerate(rest.to_pylist()):
            kind_in = payload_kind(row["in_encoding"], row["in_type"])
            has_output = has_output_column and row["out_data"] is not None
            kind_out = payload_kind(row["out_encoding"], row["out_type"]) if has_output else None
            if kind_in is None:
                self.problems.add(unreadable_type(row["in_type"], row["in_encoding"]), row["position"])
            elif has_output and kind_out is None:
                self.problems.add(unreadable_type(row["out_type"], row["out_encoding"]), row["position"])
            elif kind_in == "csv" and kind_out in ("csv", None):
                try:
                    text_in = payload_text(row["in_data"], row["in_encoding"])
                    text_out = payload_text(row["out_data"], row["out_encoding"]) if has_output else None
                except Unreadable as exc:
                    self.problems.add(str(exc), row["position"])
                    continue
                decoded.append((k, text_in, text_out))
            else:
                slow.append(k)
        return decoded, slow

    def _records(self, chunk: TextChunk) -> pa.Table:
        """The capture fields of every line; malformed lines recorded as problems."""
        try:
            table = _read_json(chunk.view, _PARSE)
        except pa.ArrowInvalid:
            return self._records_in_python(chunk)
        capture = table.column("captureData")
        payload_in = pc.struct_field(capture, "endpointInput")
        payload_out = pc.struct_field(capture, "endpointOutput")
        metadata = table.column("eventMetadata")
        time = pc.struct_field(metadata, "inferenceTime")
        records = pa.table(
            {
                "position": array(_line_numbers(chunk, table.num_rows), pa.int64()),
                "time": time,
                "record_id": pc.coalesce(
                    pc.struct_field(metadata, "inferenceId"), pc.struct_field(metadata, "eventId")
                ),
                "in_data": pc.struct_field(payload_in, "data"),
                "in_encoding": pc.struct_field(payload_in, "encoding"),
                "in_type": pc.struct_field(payload_in, "observedContentType"),
                "out_data": pc.struct_field(payload_out, "data"),
                "out_encoding": pc.struct_field(payload_out, "encoding"),
                "out_type": pc.struct_field(payload_out, "observedContentType"),
            }
        )
        not_records = pc.and_(pc.is_null(records.column("in_data")), pc.is_null(time))
        if pc.any(not_records).as_py():  # valid JSON without capture fields
            for position in pc.filter(records.column("position"), not_records).to_pylist():
                self.problems.add(f"{NOT_A_RECORD}: no captureData", position)
            records = records.filter(pc.invert(not_records))
        return records

    def _records_in_python(self, chunk: TextChunk) -> pa.Table:
        columns: dict[str, list[Any]] = {name: [] for name in _FIELDS}
        for position, line in chunk.relative_lines():
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError):
                self.problems.add("not valid JSON", position)
                continue
            capture = value.get("captureData") if isinstance(value, dict) else None
            if not isinstance(capture, dict):
                self.problems.add(f"{NOT_A_RECORD}: no captureData", position)
                continue
            metadata = value.get("eventMetadata")
            metadata = metadata if isinstance(metadata, dict) else {}
            time = metadata.get("inferenceTime")
            record_id = metadata.get("inferenceId") or metadata.get("eventId")
            columns["position"].append(position)
            columns["time"].append(time if isinstance(time, str) else None)
            columns["record_id"].append(record_id if record_id is None else str(record_id))
            for side, key in (("in", "endpointInput"), ("out", "endpointOutput")):
                payload = capture.get(key)
                payload = payload if isinstance(payload, dict) else {}
                data = payload.get("data")
                columns[f"{side}_data"].append(data if data is None or isinstance(data, str) else json.dumps(data))
                columns[f"{side}_encoding"].append(_str_or_none(payload.get("encoding")))
                columns[f"{side}_type"].append(_str_or_none(payload.get("observedContentType")))
        return _records_table(columns)

    def _times(self, records: pa.Table) -> pa.Array:
        """Each record's inference time (UTC); null, with a problem noted, when missing or bad."""
        raw = records.column("time").combine_chunks()
        try:
            times = to_utc(raw, column="eventMetadata.inferenceTime", where=self.file.display)
        except DataError:
            parsed = []
            for text in raw.to_pylist():
                try:
                    parsed.append(to_utc(array([text], pa.string()), column="", where="")[0].as_py())
                except DataError:
                    parsed.append(None)
            times = array(parsed, UTC_US)
        missing = pc.is_null(times)
        if pc.any(missing).as_py():
            positions = pc.filter(records.column("position"), missing).to_pylist()
            texts = pc.filter(raw, missing).to_pylist()
            for position, text in zip(positions, texts, strict=True):
                reason = (
                    "no eventMetadata.inferenceTime" if text is None else "eventMetadata.inferenceTime is not a time"
                )
                self.problems.add(reason, position)
        return times

    # -- CSV payloads, vectorised ----------------------------------------------------------
    def _csv_records(
        self, inputs: pa.Array, outputs: pa.Array, positions: list[int], when: pa.Array
    ) -> Iterator[pa.RecordBatch]:
        self.options.stats.text_format = True
        in_rows = _split_rows(inputs)
        out_rows = _split_rows(outputs)
        n_in = pc.list_value_length(in_rows)
        n_out = pc.list_value_length(out_rows)
        no_input = pc.is_null(n_in)
        mismatch = pc.fill_null(pc.not_equal(n_in, n_out), FALSE)
        for k in pc.indices_nonzero(no_input).to_pylist():
            self.problems.add("empty endpointInput payload", positions[k])
        uneven = pc.indices_nonzero(mismatch).to_pylist()
        if uneven:  # a quoted line break, or one output line for several inputs: the Python path decides
            rows = [
                {"in_data": inputs[k].as_py(), "out_data": outputs[k].as_py(), "position": positions[k]} for k in uneven
            ]
            yield from self._python_rows(rows, when.take(array(uneven, pa.int64())).to_pylist())
        with_output = pc.indices_nonzero(pc.fill_null(pc.equal(n_in, n_out), FALSE)).to_pylist()
        without_output = pc.indices_nonzero(pc.and_(pc.is_valid(n_in), pc.is_null(n_out))).to_pylist()
        for group, has_output in ((with_output, True), (without_output, False)):
            if not group:
                continue
            take = array(group, pa.int64())
            group_in = in_rows.take(take)
            parents = pc.list_parent_indices(group_in)
            joined = pc.list_flatten(group_in)
            if has_output:
                outs = pc.list_flatten(out_rows.take(take))
                first, second = (outs, joined) if self.options.capture_output == "start" else (joined, outs)
                joined = pc.binary_join_element_wise(first, second, COMMA)
            group_positions = [positions[k] for k in group]
            parsed = self._parse_csv_rows(joined, parents, group_positions)
            if parsed is None:  # quoting the fast path cannot count: parse these records in Python
                rows = [
                    {"in_data": inputs[k].as_py(), "out_data": outputs[k].as_py(), "position": positions[k]}
                    for k in group
                ]
                yield from self._python_rows(rows, when.take(take).to_pylist())
                continue
            table, kept_parents = parsed
            if table.num_rows == 0:
                continue
            names = self._names(table.num_columns, has_output=has_output)
            row_times = when.take(take).take(kept_parents)
            out_table = self._with_time(table.rename_columns(names), row_times)
            yield from out_table.to_batches(max_chunksize=self.options.batch_rows)

    def _parse_csv_rows(
        self, rows: pa.Array, parents: pa.Array, positions: list[int]
    ) -> tuple[pa.Table, pa.Array] | None:
        """Parse joined CSV rows; rows whose field count is not the usual one are skipped."""
        fields = pc.add(pc.count_substring(rows, ","), ONE)
        counts = pc.value_counts(fields)
        if len(counts) > 1:
            usual = counts.field("values")[pc.index(counts.field("counts"), pc.max(counts.field("counts"))).as_py()]
            odd = pc.not_equal(fields, usual)
            odd_parents = sorted(set(pc.filter(parents, odd).to_pylist()))
            for parent in odd_parents:
                self.problems.add(f"payload does not have {usual.as_py()} fields like most rows", positions[parent])
            keep = pc.invert(pc.is_in(parents, value_set=array(odd_parents, parents.type)))
            rows, parents = rows.filter(keep), parents.filter(keep)
            if len(rows) == 0:
                return pa.table({}), parents
        text = pc.binary_join(pa.ListArray.from_arrays(array([0, len(rows)], pa.int32()), rows), NEWLINE)[0]
        most = int(pc.max(fields).as_py() or 0)  # quoted commas make this an upper bound
        try:
            table = pacsv.read_csv(
                pa.py_buffer(text.as_buffer()),
                read_options=pacsv.ReadOptions(autogenerate_column_names=True, use_threads=True),
                convert_options=pacsv.ConvertOptions(
                    column_types={f"f{i}": pa.string() for i in range(most)},
                    strings_can_be_null=True,
                    null_values=[""],
                ),
            )
        except pa.ArrowInvalid:
            return None
        if table.num_rows != len(rows):
            return None  # quoted line breaks or blank lines: let the Python path sort it out
        return narrow_table(table), parents

    # -- JSON and mixed payloads, in Python ------------------------------------------------
    def _python_records(self, records: pa.Table, times: pa.Array) -> Iterator[pa.RecordBatch]:
        yield from self._python_rows(records.to_pylist(), times.to_pylist())

    def _python_rows(self, records: list[dict[str, Any]], times: list[Any]) -> Iterator[pa.RecordBatch]:
        rows: list[dict[str, Any]] = []
        row_times: list[Any] = []
        naming: dict[tuple[bool, int], list[str]] = {}
        as_written: set[str] = set()  # columns holding CSV text: numbers are told apart later
        for record, when in zip(records, times, strict=True):
            position = record["position"]
            try:
                inputs, csv_in = decode_payload(
                    record["in_data"], record.get("in_encoding", "CSV"), record.get("in_type"), side="endpointInput"
                )
                outputs: list[Row] = []
                csv_out = False
                if self.options.capture_output != "ignore" and record["out_data"] is not None:
                    outputs, csv_out = decode_payload(
                        record["out_data"],
                        record.get("out_encoding", "CSV"),
                        record.get("out_type"),
                        side="endpointOutput",
                    )
            except Unreadable as exc:
                self.problems.add(str(exc), position)
                continue
            if not inputs:
                self.problems.add("empty endpointInput payload", position)
                continue
            matched = match_outputs(outputs, len(inputs))
            if matched is None:
                self.problems.add(
                    f"endpointOutput has {len(outputs)} rows but endpointInput {len(inputs)}; they cannot be paired",
                    position,
                )
                continue
            for k, row_in in enumerate(inputs):
                row_out = matched[k] if matched else []
                start = self.options.capture_output == "start"
                cells = row_out + row_in if start else row_in + row_out
                key = (bool(matched), len(cells))
                if key not in naming:
                    naming[key] = self._names(len(cells), has_output=bool(matched))
                names = naming[key]
                row = {}
                for p, (name, value) in enumerate(cells):
                    column = name if name is not None else names[p]
                    row[column] = value
                    from_output = (p < len(row_out)) if start else (p >= len(row_in))
                    if name is None and (csv_out if from_output else csv_in):
                        as_written.add(column)
                rows.append(row)
                row_times.append(when)
        if not rows:
            return
        if as_written:
            self.options.stats.text_format = True
        table = narrow_table(table_from_rows(rows), as_written)
        if self.options.capture_ids:
            table = table.append_column(self.timestamp_column, array([w["time"] for w in row_times], UTC_US))
            table = table.append_column(CAPTURE_ID_COLUMN, array([w["id"] for w in row_times], pa.string()))
        else:
            table = table.append_column(self.timestamp_column, array(row_times, UTC_US))
        yield from table.to_batches(max_chunksize=self.options.batch_rows)

    def _with_time(self, table: pa.Table, row_times: pa.Array) -> pa.Table:
        """The rows with their record's time (and, when asked, its id)."""
        if not self.options.capture_ids:
            return table.append_column(self.timestamp_column, row_times)
        table = table.append_column(self.timestamp_column, pc.struct_field(row_times, "time"))
        return table.append_column(CAPTURE_ID_COLUMN, pc.struct_field(row_times, "id"))

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


def _column(table: pa.Table, name: str) -> pa.Array:
    return table.column(name).combine_chunks()


def _is_csv(encodings: pa.ChunkedArray | pa.Array) -> pa.Array:
    """True where a payload's encoding is CSV (false for missing ones)."""
    return pc.fill_null(pc.equal(pc.utf8_upper(encodings), CSV), FALSE)


def _split_rows(payloads: pa.Array | pa.ChunkedArray) -> pa.ListArray:
    """Each payload's lines without line breaks; an empty or missing payload has none (null)."""
    if isinstance(payloads, pa.ChunkedArray):
        payloads = payloads.combine_chunks()
    trimmed = pc.utf8_rtrim(payloads, characters="\r\n")
    empty = pc.equal(pc.utf8_length(trimmed), ZERO)
    trimmed = pc.if_else(empty, NULL_TEXT, trimmed)
    rows = pc.split_pattern(trimmed, pattern="\n")
    flat = pc.utf8_rtrim(rows.values, characters="\r")
    return pa.ListArray.from_arrays(rows.offsets, flat, mask=pc.is_null(rows))


def _line_numbers(chunk: TextChunk, expected: int) -> list[int]:
    """The 0-based line in the chunk of each record pyarrow returned (it skips blank lines)."""
    view = chunk.view
    lines = bytes(view).count(b"\n") + (0 if bytes(view[-1:]) == b"\n" else 1)
    if lines == expected:
        return list(range(expected))
    return [n for n, line in chunk.relative_lines() if line.strip()][:expected]


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None
