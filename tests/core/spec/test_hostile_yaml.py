"""Issue 12, point 9: a hostile spec is refused with a located message, in bounded memory.

Each file is loaded in a child process whose address space is capped (so a regression fails
with a MemoryError instead of taking the machine down) and which reports how far its peak
resident memory grew while loading. The bound asserted is memory, never time.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from driftplane.errors import SpecError
from driftplane.spec import load_spec

# The child's whole address space: far above what loading any spec here needs.
_ADDRESS_SPACE = 1536 * 1024 * 1024
# How much a refused or bounded spec may add to the child's peak resident memory.
_GROWTH_BOUND_MB = 120

_CHILD = textwrap.dedent(
    """\
    import json, resource, sys
    from driftplane.errors import SpecError
    from driftplane.spec import load_spec

    env = json.loads(open(sys.argv[2]).read())
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        spec = load_spec(sys.argv[1], env=env)
        outcome = {"loaded": sorted(spec.monitors)}
    except SpecError as exc:
        outcome = {"problems": [[p.line, p.column, p.message] for p in exc.problems], "text": str(exc)}
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"grew_mb": (after - before) / 1024, **outcome}))
    """
)

MONITOR = "    baseline: {data: train.parquet}\n    target: {data: capture.csv}\n"


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (_ADDRESS_SPACE, _ADDRESS_SPACE))


def load_in_child(path: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Load ``path`` in a memory-capped child; its outcome and how much its peak memory grew."""
    # Through a file: one environment variable may hold at most 128 KB on Linux.
    variables = path.with_name("environment.json")
    variables.write_text(json.dumps(env or {}))
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), str(variables)],
        capture_output=True,
        text=True,
        preexec_fn=_cap_memory,
        check=False,
    )
    assert done.returncode == 0, f"loading crashed instead of refusing the spec:\n{done.stderr[-3000:]}"
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def billion_laughs(under: str = "") -> str:
    """Nine levels of nine aliases: about 9^9 values from a few hundred bytes."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{','.join(['*' + previous] * 9)}]")
    return "\n".join(textwrap.indent(line, under) for line in lines) + "\n"


def test_billion_laughs_is_refused_at_the_alias_that_goes_over_in_bounded_memory(tmp_path: Path) -> None:
    spec = tmp_path / "monitors.yaml"
    spec.write_text(billion_laughs() + "monitors:\n  churn:\n" + MONITOR + "    tags: {t: *i}\n")
    assert spec.stat().st_size < 1024

    result = load_in_child(spec)

    assert result["grew_mb"] < _GROWTH_BOUND_MB, result["grew_mb"]
    ((line, column, message),) = result["problems"]
    # *e (66,430 values each) is the first alias that takes the repeated values past the bound
    assert (line, column) == (6, 8)
    assert message.startswith(
        "the alias *e repeats 66,430 values, which takes what aliases repeat in this spec past 100,000"
    )
    assert "share settings through a few anchors (<<: *defaults)" in message
    assert result["text"].startswith(f"{spec}:6:8: the alias *e")
    assert "> 6 | f: &f [*e," in message


def test_aliases_under_unknown_keys_are_refused_before_anything_is_expanded(tmp_path: Path) -> None:
    spec = tmp_path / "monitors.yaml"
    spec.write_text(
        "monitors:\n  churn:\n" + MONITOR + "    extra:\n" + billion_laughs(under="      ") + "    more: [*i, *i]\n"
    )

    result = load_in_child(spec)

    assert result["grew_mb"] < _GROWTH_BOUND_MB, result["grew_mb"]
    ((line, column, message),) = result["problems"]
    assert (line, column) == (11, 14)
    assert message.startswith("the alias *e repeats 66,430 values")


def test_an_alias_repeating_a_long_text_is_refused_by_its_size(tmp_path: Path) -> None:
    spec = tmp_path / "monitors.yaml"
    long_text = "x" * 400_000
    uses = ", ".join(f"t{i}: *long" for i in range(40))
    spec.write_text(f"x-long: &long {long_text}\nmonitors:\n  churn:\n{MONITOR}    tags: {{{uses}}}\n")

    with pytest.raises(SpecError) as info:
        load_spec(spec)

    ((problem),) = info.value.problems
    # 25 uses of 400,000 characters reach 10,000,000; the 26th goes over
    assert (problem.line, problem.column) == (
        6,
        1 + len("    tags: {") + len(", ".join(f"t{i}: *long" for i in range(25))) + 2 + len("t25: "),
    )
    assert problem.message.startswith(
        "the alias *long repeats 400,000 characters of text, which takes "
        "what aliases repeat in this spec past 10,000,000 characters"
    )
    assert len(str(info.value)) < 2_000  # the excerpt shows part of the long line, not all of it


@pytest.mark.parametrize(
    ("name", "nesting"),
    [
        ("flow lists", "monitors: " + "[" * 10_000 + "]" * 10_000 + "\n"),
        ("block lists", "monitors:\n  " + "- " * 10_000 + "x\n"),
        ("flow mappings", "monitors: " + "{a: " * 10_000 + "1" + "}" * 10_000 + "\n"),
    ],
)
def test_deep_nesting_without_aliases_is_a_located_error_not_a_recursion_error(
    tmp_path: Path, name: str, nesting: str
) -> None:
    spec = tmp_path / "monitors.yaml"
    spec.write_text(nesting)

    result = load_in_child(spec)

    ((line, column, message),) = result["problems"]
    assert line == (1 if name.startswith("flow") else 2), name
    assert column > 64
    assert message.startswith("lists and mappings nest more than 64 levels deep here, and a spec needs fewer than 10")
    assert len(message) < 1_000


def test_aliases_cannot_nest_deeper_than_the_file_may(tmp_path: Path) -> None:
    # each anchor is 20 levels deep and holds the one before: 4 x 20 levels once expanded
    lines = ["x-a: &a " + "[" * 20 + "1" + "]" * 20]
    for previous, name in zip("abc", "bcd", strict=True):
        lines.append(f"x-{name}: &{name} " + "[" * 19 + f"*{previous}" + "]" * 19)
    spec = tmp_path / "monitors.yaml"
    spec.write_text("\n".join(lines) + "\nmonitors:\n  churn:\n" + MONITOR)

    with pytest.raises(SpecError) as info:
        load_spec(spec)

    ((problem),) = info.value.problems
    assert (problem.line, problem.column) == (4, 28)
    assert problem.message.startswith(
        "the alias *c nests what it repeats 79 levels deep, past the 64 levels a spec may have"
    )


def test_a_huge_scalar_is_read_in_bounded_memory_and_shown_cut(tmp_path: Path) -> None:
    spec = tmp_path / "monitors.yaml"
    huge = "x" * 3_000_000
    spec.write_text(f"monitors:\n  churn:\n    description: {huge}\n    schedule: {huge}\n{MONITOR}")

    result = load_in_child(spec)

    assert result["grew_mb"] < _GROWTH_BOUND_MB, result["grew_mb"]
    ((line, column, message),) = result["problems"]
    assert (line, column) == (4, 15)
    assert message.startswith("'xxxxxxxx")
    assert "...' (3,000,000 characters) is not hourly, daily, weekly or a cron expression" in message
    assert len(result["text"]) < 1_000


def test_a_file_larger_than_any_spec_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    spec = tmp_path / "monitors.yaml"
    with spec.open("w") as handle:
        handle.write("monitors:\n  churn:\n" + MONITOR + "    description: ")
        for _ in range(64):
            handle.write("y" * (1024 * 1024))
        handle.write("\n")

    result = load_in_child(spec)

    assert result["grew_mb"] < _GROWTH_BOUND_MB, result["grew_mb"]
    ((_line, _column, message),) = result["problems"]
    assert message.startswith("the file is larger than 8 MB, far more than a spec needs")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_an_endless_file_is_refused(tmp_path: Path) -> None:
    endless = tmp_path / "monitors.yaml"
    endless.symlink_to("/dev/zero")

    result = load_in_child(endless)

    assert result["grew_mb"] < _GROWTH_BOUND_MB, result["grew_mb"]
    ((_line, _column, message),) = result["problems"]
    assert message.startswith("the file is larger than 8 MB")


def test_a_very_long_key_is_located_and_shown_cut(tmp_path: Path) -> None:
    long_key = "k" * 200_000
    spec = tmp_path / "monitors.yaml"
    # an explicit key ('? ...') may be any length; a plain 'key:' past 1024 characters is a syntax error
    spec.write_text(f"monitors:\n  churn:\n{MONITOR}    ? {long_key}\n    : 1\n  ? {long_key}\n  :\n{MONITOR}")

    result = load_in_child(spec)

    assert result["grew_mb"] < _GROWTH_BOUND_MB, result["grew_mb"]
    assert [(line, column) for line, column, _ in result["problems"]] == [(5, 7), (7, 5)]
    unknown, name = (message for _, _, message in result["problems"])
    assert unknown.startswith("unknown key 'kkkk") and "...' (200,000 characters); valid keys here:" in unknown
    assert name.startswith("'kkkk") and "cannot be a monitor name: it is 200,000 characters long" in name
    assert len(result["text"]) < 2_000


def test_a_plain_key_too_long_for_yaml_shows_part_of_its_line(tmp_path: Path) -> None:
    spec = tmp_path / "monitors.yaml"
    spec.write_text("monitors:\n  " + "k" * 100_000 + ":\n" + MONITOR)

    with pytest.raises(SpecError) as info:
        load_spec(spec)

    ((problem),) = info.value.problems
    assert (problem.line, problem.column) == (2, 100_003)
    assert problem.message.startswith("YAML syntax error: mapping values are not allowed here")
    assert len(problem.message) < 1_000
    marked = next(line for line in problem.message.splitlines() if line.startswith("  > 2 | "))
    caret = problem.message.splitlines()[problem.message.splitlines().index(marked) + 1]
    assert marked.endswith("kkk:") and marked[caret.index("^")] == ":"


def test_many_documents_are_refused_at_the_second_without_reading_the_rest(tmp_path: Path) -> None:
    spec = tmp_path / "monitors.yaml"
    document = "---\n{a: [1, 2, 3, 4, 5, 6, 7, 8, 9]}\n"
    spec.write_text("monitors:\n  churn:\n" + MONITOR + document * 200_000)

    result = load_in_child(spec)

    assert result["grew_mb"] < _GROWTH_BOUND_MB, result["grew_mb"]
    ((line, column, message),) = result["problems"]
    assert (line, column) == (6, 1)
    assert message.startswith("holds more than one YAML document ('---'); put all monitors in one document")


def test_an_empty_document_after_a_closing_marker_is_no_second_document(tmp_path: Path) -> None:
    spec = tmp_path / "monitors.yaml"
    spec.write_text("---\nmonitors:\n  churn:\n" + MONITOR + "---\n")
    assert list(load_spec(spec).monitors) == ["churn"]


def test_a_variable_that_makes_one_value_huge_is_refused(tmp_path: Path) -> None:
    spec = tmp_path / "monitors.yaml"
    spec.write_text("monitors:\n  churn:\n" + MONITOR + '    description: "' + "${BIG}" * 50 + '"\n')

    result = load_in_child(spec, env={"BIG": "b" * 100_000})

    assert result["grew_mb"] < _GROWTH_BOUND_MB, result["grew_mb"]
    ((line, column, message),) = result["problems"]
    assert (line, column) == (5, 18)
    assert message == (
        "${BIG} holds 100,000 characters, which takes what environment variables add to this spec past "
        "1,000,000 characters; check that it is the variable you meant"
    )


def test_a_large_variable_repeated_by_aliases_is_read_once(tmp_path: Path) -> None:
    spec = tmp_path / "monitors.yaml"
    uses = ", ".join(f"t{i}: *note" for i in range(2_000))
    spec.write_text(f'x-note: &note "${{NOTE}}"\nmonitors:\n  churn:\n{MONITOR}    tags: {{{uses}}}\n')

    result = load_in_child(spec, env={"NOTE": "n" * 900_000})

    # 2,000 uses of 900,000 characters would be 1.8 GB if each use were interpolated anew
    assert result == {"grew_mb": result["grew_mb"], "loaded": ["churn"]}
    assert result["grew_mb"] < _GROWTH_BOUND_MB, result["grew_mb"]


def test_a_spec_with_too_many_values_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    spec = tmp_path / "monitors.yaml"
    spec.write_text(
        "monitors:\n  churn:\n" + MONITOR + "    tags: {" + ", ".join(f"k{i}: v" for i in range(150_000)) + "}\n"
    )

    result = load_in_child(spec)

    assert result["grew_mb"] < 2 * _GROWTH_BOUND_MB, result["grew_mb"]
    ((line, _column, message),) = result["problems"]
    assert line == 5
    assert message.startswith("the spec holds more than 200,000 values")


def test_a_recursive_alias_is_a_located_error(tmp_path: Path) -> None:
    spec = tmp_path / "monitors.yaml"
    spec.write_text("monitors: &all\n  churn:\n" + MONITOR + "    tags: *all\n")

    with pytest.raises(SpecError) as info:
        load_spec(spec)

    ((problem),) = info.value.problems
    assert (problem.line, problem.column) == (5, 11)
    assert problem.message.startswith(
        "the alias *all is inside what its anchor &all (line 1) names, so it would repeat itself forever"
    )


def test_shared_settings_through_anchors_and_merge_keys_keep_working(tmp_path: Path) -> None:
    spec = tmp_path / "monitors.yaml"
    spec.write_text(
        textwrap.dedent(
            """\
            x-defaults: &defaults
              schedule: hourly
              checks:
                drift:
                  numerical: {metric: psi, threshold: 0.2}
              alerts:
                - when: drift
                  notify: [log]
            x-quiet: &quiet {enabled: false, schedule: weekly}
            x-layered: &layered
              <<: *defaults
              description: layered
            x-train: &train {data: train.parquet}
            monitors:
              churn:
                <<: *defaults
                baseline: *train
                target: {data: churn.csv}
              fraud:
                <<: [*quiet, *defaults]
                schedule: daily
                baseline: *train
                target: {data: fraud.csv}
              upsell:
                <<: *layered
                baseline: {data: upsell.parquet}
                target: {data: upsell.csv}
            """
        )
    )

    loaded = load_spec(spec)

    churn, fraud, upsell = (loaded.monitors[name] for name in ("churn", "fraud", "upsell"))
    assert (str(churn.schedule), churn.checks.drift.numerical.threshold, len(churn.alerts)) == ("hourly", 0.2, 1)
    # explicit keys win, then the first merged mapping, then the next
    assert (str(fraud.schedule), fraud.enabled, fraud.checks.drift.numerical.metric) == ("daily", False, "psi")
    assert (upsell.description, str(upsell.schedule)) == ("layered", "hourly")
    assert churn.baseline.data == fraud.baseline.data == "train.parquet"
    assert "x-defaults" not in loaded.model_dump()


def test_errors_inside_merged_settings_are_located_where_they_are_written(tmp_path: Path) -> None:
    spec = tmp_path / "monitors.yaml"
    spec.write_text(
        textwrap.dedent(
            """\
            x-defaults: &defaults
              schedul: hourly
              checks:
                drift:
                  numerical: {metric: psi, threshold: high}
            monitors:
              churn:
                <<: *defaults
                baseline: {data: a.parquet}
                target: {data: a.csv}
              fraud:
                <<: [*defaults]
                baseline: {data: b.parquet}
                target: {data: b.csv}
            """
        )
    )

    with pytest.raises(SpecError) as info:
        load_spec(spec)

    assert [str(p).replace(str(spec), "monitors.yaml") for p in info.value.problems] == [
        "monitors.yaml:2:3: monitors.churn.schedul: unknown key 'schedul'; did you mean 'schedule'?",
        "monitors.yaml:2:3: monitors.fraud.schedul: unknown key 'schedul'; did you mean 'schedule'?",
        "monitors.yaml:5:43: monitors.churn.checks.drift.numerical.threshold: expected a number, got 'high'",
        "monitors.yaml:5:43: monitors.fraud.checks.drift.numerical.threshold: expected a number, got 'high'",
    ]


def test_merging_something_that_is_not_a_mapping_is_an_error(tmp_path: Path) -> None:
    spec = tmp_path / "monitors.yaml"
    spec.write_text("x-list: &list [a, b]\nmonitors:\n  churn:\n    <<: [*list, 5]\n" + MONITOR)

    with pytest.raises(SpecError) as info:
        load_spec(spec)

    assert [(p.line, p.column) for p in info.value.problems] == [(4, 10), (4, 17)]
    assert all(
        p.message.startswith("'<<' merges mappings into this one: write '<<: *name'") for p in info.value.problems
    )


def test_an_anchor_defined_twice_is_reported_at_the_second(tmp_path: Path) -> None:
    spec = tmp_path / "monitors.yaml"
    spec.write_text(
        "x-a: &base {data: a.parquet}\nx-b: &base {data: b.parquet}\nmonitors:\n  "
        "churn:\n    baseline: *base\n    target: {data: t.csv}\n"
    )

    with pytest.raises(SpecError) as info:
        load_spec(spec)

    ((problem),) = info.value.problems
    assert (problem.line, problem.column) == (2, 6)
    assert problem.message.startswith("the anchor &base is defined twice (first on line 1)")


def test_the_schema_lets_editors_accept_x_keys() -> None:
    import jsonschema

    from driftplane.spec.jsonschema import spec_json_schema

    validator = jsonschema.Draft202012Validator(spec_json_schema())
    data = {
        "x-defaults": {"schedule": "hourly"},
        "monitors": {"churn": {"baseline": {"data": "a"}, "target": {"data": "b"}}},
    }
    assert list(validator.iter_errors(data)) == []
    assert list(validator.iter_errors({**data, "y-defaults": {}}))
