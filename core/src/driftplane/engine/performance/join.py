"""Join a window's predictions to the labels that have landed so far, by id.

Predictions come from the target (any format) and labels from ``labels.data``, read from the
window's start to its end plus ``search`` (label files are dated by when they arrived, not by
the prediction they label). Both id columns are compared as text written the way Arrow writes
values (``labels.py``), so the integer id 17 in Parquet matches the string "17" in SageMaker's
ground truth. The join itself is ``pyarrow.Table.join`` (a hash join), and labels are read in
batches, so memory holds the window's ids, predictions and labels, never more.

Rules (docs/model-quality.md):
- A label whose id matches no prediction of the window is counted and reported (it may label
  another window's prediction: label files are dated by arrival).
- Duplicate label ids: the label read last wins (files in path order, which for dated
  partitions is arrival order; within a file, the later row): a corrected label re-sent later
  replaces the first. The duplicates are counted and reported, and those whose values differ too.
- A label with a class the model never predicts and the baseline never had (binary and
  multiclass), or that is not a number (regression), is left out, counted and reported per file
  with an example: "yes" labels beside 0/1 predictions are a format problem, not model error.
- A probability outside [0, 1] is refused (DataError) naming the file and an example value.
- A prediction without an id cannot be labelled; such rows are counted and reported.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from driftplane.columns import CAPTURE_ID_COLUMN
from driftplane.engine.performance.labels import label_texts, numbers, probabilities
from driftplane.engine.readers import read
from driftplane.errors import DataError
from driftplane.resolved import PerformancePolicy
from driftplane.result import Window
from driftplane.spec.models import DataSource

logger = logging.getLogger(__name__)

ID = "__id__"
LABEL = "__label__"
FILE = "__label_file__"
ORDER = "__label_order__"
GROUND_TRUTH_ID = "eventMetadata.eventId"
GROUND_TRUTH_LABEL = "groundTruthData.data"
EXAMPLES = 3


@dataclass
class PredictionTable:
    """A window's predictions: the id as text, the prediction and probability columns as read."""

    table: pa.Table
    without_id: int = 0
    duplicate_ids: int = 0
    messages: list[str] = field(default_factory=list)


@dataclass
class LabelTable:
    """Labels read for a window, one per id (the last read wins), with what was set aside."""

    table: pa.Table  # ID, LABEL (text for classes, float64 for regression)
    read: int = 0  # label rows read
    duplicates: int = 0  # rows replaced by a later label of the same id
    conflicting: int = 0  # ids whose duplicate labels disagree
    without_id: int = 0
    without_label: int = 0
    files: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


@dataclass
class JoinedLabels:
    """The window's predictions with their labels (LABEL null where none has landed)."""

    table: pa.Table
    predictions: int
    labelled: int
    unmatched_labels: int
    messages: list[str] = field(default_factory=list)

    @property
    def share(self) -> float | None:
        return self.labelled / self.predictions if self.predictions else None


# -- predictions -------------------------------------------------------------------------------


def prediction_columns(policy: PerformancePolicy) -> list[str]:
    """The columns of the target a judgement needs, besides the id."""
    return list(policy.output_columns)


def read_predictions(
    policy: PerformancePolicy,
    source: DataSource,
    *,
    base_dir: Path | None,
    window: Window | None,
    column_names: list[str] | None = None,
    extra_columns: Iterable[str] = (),
) -> PredictionTable:
    """The window's predictions (id, prediction, probabilities, ``extra_columns``); DataError on a
    probability outside [0, 1] or a missing column, naming the file."""
    # Without model.id, SageMaker capture records give the id: eventMetadata.inferenceId, else eventId.
    stream = read(source, base_dir=base_dir, window=window, column_names=column_names, capture_ids=policy.id is None)
    wanted = prediction_columns(policy)
    id_column = policy.id or CAPTURE_ID_COLUMN
    extra = [c for c in dict.fromkeys(extra_columns) if c not in wanted and c != id_column]
    tables: list[pa.Table] = []
    for batch in stream:
        file = stream.stats.opened[-1] if stream.stats.opened else str(source.data)
        names = batch.schema.names
        joining = policy.labels is not None  # an estimate alone needs no id
        if id_column not in names and batch.num_rows and policy.id is None and joining:
            raise DataError(
                f"{file}: predictions need an id to be joined to labels: set model.id to the id column "
                "(only SageMaker capture records carry their own, eventMetadata.inferenceId or eventId)"
            )
        needed = [*wanted, id_column] if joining or policy.id is not None else wanted
        missing = [c for c in needed if c not in names]
        if missing and batch.num_rows:
            raise DataError(
                f"{file}: the model's column(s) {', '.join(repr(c) for c in missing)} are not in the data "
                f"(it has {', '.join(names[:12])}{', ...' if len(names) > 12 else ''}); check model.prediction, "
                "model.probability and model.id"
            )
        if missing or batch.num_rows == 0:
            continue
        for column in policy.probability_columns:
            try:
                probabilities(batch.column(column), batch.num_rows, f"the probability column '{column}'")
            except DataError as exc:
                raise DataError(f"{file}: {exc}") from None
        if id_column in names:
            columns = {ID: id_values(batch.column(id_column))}
        else:
            columns = {ID: pa.nulls(batch.num_rows, pa.int64())}
        for column in wanted + [c for c in extra if c in names]:
            columns[column] = batch.column(column)
        tables.append(pa.table(columns))
    table = _concat(tables, [ID, *wanted])
    result = PredictionTable(table)
    ids = table.column(ID)
    result.without_id = ids.null_count
    shown = id_column if policy.id is not None else "eventMetadata.inferenceId or eventId"
    if result.without_id and policy.labels is not None:
        result.messages.append(
            f"{result.without_id} of {table.num_rows} predictions have no id ({shown}) and can never be labelled"
        )
    distinct = pc.count_distinct(ids).as_py() if table.num_rows else 0
    result.duplicate_ids = table.num_rows - result.without_id - distinct
    if result.duplicate_ids:
        result.messages.append(
            f"{result.duplicate_ids} predictions repeat another prediction's id ({shown}); each is judged "
            "against the one label of that id"
        )
    return result


def id_values(values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Ids as int64 when they are whole numbers (the fast join), else as text written the way Arrow
    writes values; ``join_labels`` turns both sides to text when one side's ids are text."""
    kind = values.type
    if pa.types.is_integer(kind):
        return values if pa.types.is_int64(kind) else pc.cast(values, pa.int64())
    return label_texts(values)


def _as_text(table: pa.Table) -> pa.Table:
    column = table.column(ID)
    if pa.types.is_string(column.type):
        return table
    return table.set_column(table.schema.get_field_index(ID), ID, label_texts(column))


def _concat(tables: list[pa.Table], names: list[str]) -> pa.Table:
    if not tables:
        return pa.table({name: pa.array([], pa.string()) for name in names})
    return _concat_ids(tables)


def _concat_ids(tables: list[pa.Table]) -> pa.Table:
    """Tables of one read, concatenated; ids as text throughout when any file's ids are text."""
    if len({t.column(ID).type for t in tables}) > 1:
        tables = [_as_text(t) for t in tables]
    return pa.concat_tables(tables, promote_options="permissive")


# -- labels ------------------------------------------------------------------------------------


def label_window(policy: PerformancePolicy, window: Window) -> Window:
    """The arrival times whose label files are read for ``window``: its start to its end + search."""
    return Window(start=window.start, end=policy.search.after(window.end))


def read_labels(
    policy: PerformancePolicy,
    *,
    base_dir: Path | None,
    window: Window,
    regression: bool | None = None,
) -> LabelTable:
    """The labels that have landed for ``window``, deduplicated by id (the last read wins).

    A label source that lists no file yet gives no labels and a note, not an error: labels
    arrive later than predictions, so a window with none yet is provisional.
    """
    labels = policy.labels
    assert labels is not None, "read_labels needs a monitor with labels"
    regression = policy.problem_type == "regression" if regression is None else regression
    fields = labels.model_dump(include=set(DataSource.model_fields))
    ground_truth = labels.format == "sagemaker-ground-truth"
    if ground_truth:
        fields["format"] = "jsonl"
    source = DataSource.model_validate(fields)
    where = label_window(policy, window)
    result = LabelTable(
        pa.table({ID: pa.array([], pa.string()), LABEL: pa.array([], pa.string()), FILE: pa.array([], pa.int32())})
    )
    try:
        stream = read(source, base_dir=base_dir, window=where)
    except DataError as exc:
        result.messages.append(f"no labels read yet: {exc}")
        return result
    wrong: dict[str, list[str]] = defaultdict(list)
    wrong_counts: Counter[str] = Counter()
    tables = []
    files: list[str] = []
    order = 0
    for batch in stream:
        if batch.num_rows == 0:
            continue
        file = stream.stats.opened[-1] if stream.stats.opened else str(labels.data)
        if not files or files[-1] != file:
            files.append(file)
        id_name, label_name = _label_columns(policy, batch.schema.names, ground_truth)
        missing = [c for c in (id_name, label_name) if c not in batch.schema.names]
        if missing:
            raise DataError(
                f"{file}: the label file has no column {', '.join(repr(c) for c in missing)} "
                f"(it has {', '.join(batch.schema.names[:12])}); set labels.id and labels.label"
            )
        ids = id_values(batch.column(id_name))
        raw = batch.column(label_name)
        if regression:
            values, bad = _numbers_or_null(raw)
            if bad:
                wrong_counts[file] += len(bad)
                wrong[file].extend(bad[: EXAMPLES - len(wrong[file])])
            label: pa.Array = pa.array(values, pa.float64(), from_pandas=True)
        else:
            label = label_texts(raw)
        rows = batch.num_rows
        tables.append(
            pa.table(
                {
                    ID: ids,
                    LABEL: label,
                    FILE: pa.array(np.full(rows, len(files) - 1, dtype=np.int32)),
                    ORDER: pa.array(np.arange(order, order + rows, dtype=np.int64)),
                }
            )
        )
        order += rows
    result.files = files
    result.read = order
    result.messages.extend(f"labels: {note}" for note in stream.stats.messages)
    for file, count in wrong_counts.items():
        shown = ", ".join(repr(v) for v in wrong[file])
        result.messages.append(
            f"{file}: {count} label(s) are not numbers (e.g. {shown}) and were left out; a regression "
            "model's labels must be numbers"
        )
    if not tables:
        if not files:
            result.messages.append(f"no labels have landed yet for this window (read {_describe(where)})")
        return result
    table = _concat_ids(tables)
    no_id = pc.is_null(table.column(ID))
    no_label = pc.is_null(table.column(LABEL))
    result.without_id = int(pc.sum(no_id).as_py() or 0)
    result.without_label = int(pc.sum(pc.and_(pc.invert(no_id), no_label)).as_py() or 0)
    if result.without_id or result.without_label:
        table = table.filter(pc.and_(pc.invert(no_id), pc.invert(no_label)))
        if result.without_id:
            result.messages.append(f"{result.without_id} label row(s) have no id and were left out")
        if result.without_label - sum(wrong_counts.values()) > 0:
            result.messages.append(
                f"{result.without_label - sum(wrong_counts.values())} label row(s) have an id but no label value "
                "and were left out"
            )
    result.table = _last_label_per_id(table, result, files)
    return result


def _label_columns(policy: PerformancePolicy, names: list[str], ground_truth: bool) -> tuple[str, str]:
    """The id and label columns of a label batch: SageMaker ground truth's unless the spec names them."""
    looks_like_ground_truth = ground_truth or (
        GROUND_TRUTH_LABEL in names and GROUND_TRUTH_ID in names and policy.labels is not None
        and policy.labels.format == "auto"
    )
    if looks_like_ground_truth:
        labels = policy.labels
        own_id = labels.id if labels is not None else None
        return own_id or GROUND_TRUTH_ID, policy.label or GROUND_TRUTH_LABEL
    if policy.label_id is None or policy.label is None:
        raise DataError(
            "the label files are not SageMaker ground truth, so labels.id (or model.id) and labels.label must "
            f"name their id and label columns (they have {', '.join(names[:12])})"
        )
    return policy.label_id, policy.label


def _numbers_or_null(values: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, list[str]]:
    """Regression labels as float64 (NaN where missing or not a number) and examples of the bad ones."""
    try:
        return numbers(values, "the label column"), []
    except DataError:
        pass
    texts = label_texts(values).to_pylist()
    out = np.full(len(texts), np.nan)
    bad: list[str] = []
    for i, text in enumerate(texts):
        if text is None or not text.strip():
            continue
        try:
            out[i] = float(text)
        except ValueError:
            bad.append(text[:40])
    return out, bad


def _last_label_per_id(table: pa.Table, result: LabelTable, files: list[str]) -> pa.Table:
    """One label per id: the one read last. Counts the duplicates (and those that disagree)."""
    rows = table.num_rows
    distinct = pc.count_distinct(table.column(ID)).as_py()
    if distinct == rows:  # the common case: no duplicates, no grouping needed
        return table.select([ID, LABEL, FILE])
    grouped = table.group_by(ID, use_threads=False).aggregate(
        [(ORDER, "max"), (LABEL, "count_distinct"), (FILE, "min"), (FILE, "max")]
    )
    result.duplicates = rows - grouped.num_rows
    conflicting = pc.greater(grouped.column(f"{LABEL}_count_distinct"), 1)
    result.conflicting = int(pc.sum(conflicting).as_py() or 0)
    example_ids = pc.filter(grouped.column(ID), conflicting)[:EXAMPLES].to_pylist()
    across = pc.not_equal(grouped.column(f"{FILE}_min"), grouped.column(f"{FILE}_max"))
    spread = int(pc.sum(across).as_py() or 0)
    note = (
        f"{result.duplicates} label row(s) repeat an id already labelled; the label read last wins "
        f"(files in path order, rows in file order)"
    )
    if result.conflicting:
        note += f"; {result.conflicting} id(s) got different labels (e.g. {', '.join(map(repr, example_ids))})"
    if spread:
        note += f"; {spread} id(s) were labelled in more than one file"
    result.messages.append(note)
    keep = pc.is_in(table.column(ORDER), value_set=grouped.column(f"{ORDER}_max"))
    return table.filter(keep).select([ID, LABEL, FILE])


def _describe(window: Window) -> str:
    from driftplane.windows import window_text

    return window_text(window)


# -- the join ------------------------------------------------------------------------------------


def join_labels(
    predictions: PredictionTable,
    labels: LabelTable,
    *,
    known_classes: Iterable[str] | None = None,
) -> JoinedLabels:
    """Each prediction with its label (null where none landed yet), by id, with pyarrow's hash join.

    known_classes: for classification, the classes a label may have (the model's predictions,
        the baseline's labels, the positive label); other labels are left out and reported.
    """
    table = predictions.table
    messages = list(predictions.messages) + list(labels.messages)
    label_table = labels.table
    if known_classes is not None and label_table.num_rows:
        label_table, unseen = _drop_unseen(label_table, set(known_classes), labels.files)
        messages.extend(unseen)
    label_table = label_table.select([ID, LABEL])
    if table.column(ID).type != label_table.column(ID).type:  # 17 in one file matches "17" in another
        table, label_table = _as_text(table), _as_text(label_table)
    joined = table.join(label_table, keys=ID, join_type="left outer", use_threads=True)
    labelled = joined.num_rows - joined.column(LABEL).null_count
    if predictions.duplicate_ids == 0:  # each matched label labels exactly one prediction
        matched = labelled
    else:
        matched = int(pc.sum(pc.is_in(label_table.column(ID), value_set=table.column(ID))).as_py() or 0)
    unmatched = label_table.num_rows - matched
    if unmatched:
        messages.append(
            f"{unmatched} label(s) match no prediction of this window by id (labels of other windows' predictions, "
            "or ids that match none)"
        )
    return JoinedLabels(joined, predictions=joined.num_rows, labelled=labelled, unmatched_labels=unmatched,
                        messages=messages)


def _drop_unseen(table: pa.Table, known: set[str], files: list[str]) -> tuple[pa.Table, list[str]]:
    """Labels without a known class left out, reported per file with examples of the classes."""
    classes = pc.unique(table.column(LABEL)).to_pylist()
    unseen = sorted(c for c in classes if c is not None and c not in known)
    if not unseen:
        return table, []
    mask = pc.is_in(table.column(LABEL), value_set=pa.array(unseen, pa.string()))
    bad = table.filter(mask)
    messages = []
    known_text = ", ".join(repr(c) for c in sorted(known)[:10])
    for index in sorted(set(bad.column(FILE).to_pylist())):
        rows = bad.filter(pc.equal(bad.column(FILE), index))
        shown = ", ".join(repr(c) for c in sorted(set(rows.column(LABEL).to_pylist()))[:EXAMPLES])
        file = files[index] if 0 <= index < len(files) else "the labels"
        messages.append(
            f"{file}: {rows.num_rows} label(s) hold class(es) the model never predicts and the baseline never had "
            f"({shown}) and were left out; known classes: {known_text}. Check the labels' format "
            "(model.positive_label is compared as text with the labels as written)"
        )
    return table.filter(pc.invert(mask)), messages
