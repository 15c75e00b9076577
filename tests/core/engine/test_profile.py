"""Profiles: what they count, that they merge exactly, that they survive JSON."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from scipy import stats

from driftplane.engine.api import compare
from driftplane.engine.profile import Profile, ProfileSettings, merge_profiles
from driftplane.engine.profiler import profile_stream
from driftplane.engine.sketches import Quantiles, kll_levels


def table(rows: int, seed: int) -> pa.Table:
    rng = np.random.default_rng(seed)
    return pa.table(
        {
            "x": pa.array(rng.normal(5, 2, rows), mask=rng.random(rows) < 0.05),
            "n": rng.poisson(3, rows),
            "c": rng.choice(["a", "b", "c", "ü ß"], rows),
            "flag": rng.random(rows) < 0.5,
        }
    )


def test_counts_types_and_moments() -> None:
    t = table(10_000, 1)
    p = profile_stream(t.to_batches(max_chunksize=999))
    x = t.column("x").drop_null().to_numpy()
    assert p.rows == 10_000
    assert p["x"].inferred_type == "Fractional" and p["n"].inferred_type == "Integral"
    assert p["c"].inferred_type == "String" and p["flag"].inferred_type == "Boolean"
    assert p["x"].missing == t.column("x").null_count
    num = p["x"].numeric
    assert num.count == len(x) and num.min == x.min() and num.max == x.max()
    assert num.mean == pytest.approx(x.mean(), rel=1e-12) and num.std == pytest.approx(x.std(), rel=1e-12)
    assert p["n"].distinct_count() == len(np.unique(t.column("n").to_numpy()))
    assert p["c"].categorical.counts == {
        k: int(v)
        for k, v in zip(*np.unique(t.column("c").to_numpy(zero_copy_only=False), return_counts=True), strict=True)
    }
    assert p["flag"].categorical.counts.keys() == {"true", "false"}


def test_profile_of_a_and_b_equals_merge_of_profiles() -> None:
    a, b = table(60_000, 2), table(45_000, 3)
    whole = profile_stream(pa.concat_tables([a, b]).to_batches(max_chunksize=20_000))
    merged = merge_profiles(
        [profile_stream(a.to_batches(max_chunksize=20_000)), profile_stream(b.to_batches(max_chunksize=20_000))]
    )
    for name in ("x", "n", "c", "flag"):
        w, m = whole[name], merged[name]
        assert (w.rows, w.missing, w.type_counts) == (m.rows, m.missing, m.type_counts)
        if w.categorical is not None:
            assert w.categorical.counts == m.categorical.counts
    for name in ("x", "n"):
        w, m = whole[name].numeric, merged[name].numeric
        assert (w.count, w.min, w.max) == (m.count, m.min, m.max)
        assert w.sum == pytest.approx(m.sum, rel=1e-12) and w.std == pytest.approx(m.std, rel=1e-12)
        # exact histogram: the same grid, the same counts
        assert (w.histogram.exponent, w.histogram.start) == (m.histogram.exponent, m.histogram.start)
        assert np.array_equal(w.histogram.counts, m.histogram.counts)
        assert w.quantiles.n == m.quantiles.n
        # sketches within their error bound: compare ranks of the quantiles
        data = np.sort(pa.concat_tables([a, b]).column(name).drop_null().to_numpy().astype(float))
        for q in (0.1, 0.5, 0.9):
            value = m.quantiles.quantiles([q])[0]
            below, upto = np.searchsorted(data, value, side="left"), np.searchsorted(data, value, side="right")
            assert below / len(data) - 0.01 <= q <= upto / len(data) + 0.01
        assert w.distinct.estimate() == pytest.approx(m.distinct.estimate(), rel=1e-12)
    assert merged.rows == whole.rows


def test_merge_accounts_for_columns_only_one_side_has() -> None:
    left = profile_stream([pa.record_batch({"a": [1.0, 2.0]})])
    right = profile_stream([pa.record_batch({"a": [3.0], "b": ["x"]})])
    merged = left.merge(right)
    assert merged["b"].rows == 3 and merged["b"].missing == 2
    assert left.rows == 2 and "b" not in left.columns  # inputs untouched


def test_json_round_trip_keeps_everything() -> None:
    p = profile_stream(table(5000, 4).to_batches())
    restored = Profile.from_dict(json.loads(json.dumps(p.to_dict())))
    for original, copy in zip(p.to_dict()["columns"], restored.to_dict()["columns"], strict=True):
        if original["categorical"]:  # HLL bytes may list their registers in another order
            assert original["categorical"].pop("distinct") and copy["categorical"].pop("distinct")
        assert original == copy
    assert restored["c"].distinct_count() == p["c"].distinct_count()
    assert restored["x"].numeric.quantiles.quantiles([0.5]) == p["x"].numeric.quantiles.quantiles([0.5])
    # and the restored profile still merges
    assert restored.merge(p).rows == 10_000


def test_newer_profile_format_is_refused_with_a_reason() -> None:
    data = profile_stream([pa.record_batch({"a": [1]})]).to_dict()
    data["version"] = 99
    with pytest.raises(ValueError, match="newer than this driftplane"):
        Profile.from_dict(data)


def test_batch_kll_keeps_weights_and_rank_accuracy() -> None:
    values = np.random.default_rng(5).lognormal(size=1_000_003)
    p = profile_stream([pa.record_batch({"v": values})], settings=ProfileSettings(kll_k=1024))
    quantiles = p["v"].numeric.quantiles
    levels = kll_levels(quantiles._sketch.serialize())
    assert sum(len(level) * 2**i for i, level in enumerate(levels)) == 1_000_003
    data = np.sort(values)
    for q in np.linspace(0.01, 0.99, 25):
        rank = np.searchsorted(data, quantiles.quantiles([q])[0]) / len(data)
        assert abs(rank - q) < 0.005


def test_text_values_are_typed_as_sagemaker_types_them() -> None:
    p = profile_stream([pa.record_batch({"t": ["1", "2.5", "-3", "+ 4", "true", "abc", None, ""]})])
    col = p["t"]
    assert col.type_counts == {"Integral": 3, "Fractional": 1, "Boolean": 1, "String": 1}
    assert col.missing == 2  # null and empty text
    assert col.inferred_type == "String"
    assert sorted(col.numeric.quantiles.weighted().values.tolist()) == [-3.0, 1.0, 2.5, 4.0]


def test_column_types_that_differ_between_batches() -> None:
    batches = [pa.record_batch({"v": pa.array([1, 2, 3])}), pa.record_batch({"v": pa.array(["4", "5.5", "oops"])})]
    col = profile_stream(batches)["v"]
    assert col.type_counts["Integral"] == 4 and col.type_counts["Fractional"] == 1 and col.type_counts["String"] == 1
    assert col.inferred_type == "String"
    assert col.numeric.count == 5 and col.numeric.max == 5.5


def test_distinct_numbers_exact_when_few_and_close_when_many() -> None:
    from driftplane.engine.sketches import DistinctNumbers

    few = DistinctNumbers()
    few.update(np.random.default_rng(0).poisson(3, 200_000).astype(float))
    assert few.estimate() == len(np.unique(np.random.default_rng(0).poisson(3, 200_000)))
    many = DistinctNumbers()
    for start in range(0, 1_000_000, 131_072):
        many.update(np.arange(start, min(start + 131_072, 1_000_000), dtype=float))
    assert many.estimate() == pytest.approx(1_000_000, rel=0.05)


def test_small_columns_give_exact_and_repeatable_drift_values(tmp_path) -> None:
    """KLL's coin flips must not make a CI test near its threshold pass one run and fail the next."""
    rng = np.random.default_rng(11)
    base, target = rng.gamma(2.0, 10.0, 20_000), rng.gamma(2.0, 11.0, 3_000)
    pq.write_table(pa.table({"v": base}), tmp_path / "base.parquet")
    pq.write_table(pa.table({"v": target}), tmp_path / "target.parquet")
    runs = []
    for _ in range(3):
        result = compare(str(tmp_path / "base.parquet"), str(tmp_path / "target.parquet"))
        (feature,) = result.features
        runs.append(feature.drift.value)
    assert runs[0] == runs[1] == runs[2]
    assert runs[0] == pytest.approx(stats.wasserstein_distance(base, target) / base.std(), rel=1e-9)


def test_exact_values_hand_over_to_the_sketch_past_the_limit_and_merge_either_way() -> None:
    small, big = Quantiles(k=64, exact_limit=1_000), Quantiles(k=64, exact_limit=1_000)
    small.update(np.arange(500, dtype=np.float64))
    big.update(np.arange(2_000, dtype=np.float64))
    assert small.exact and not big.exact
    assert small.quantiles([0.5]) == [249.0]

    again = Quantiles.from_dict(json.loads(json.dumps(small.to_dict())))
    assert again.exact and again.n == 500 and again.quantiles([0.5]) == [249.0]

    small.merge(again)  # 1,000 values: still exact
    assert small.exact and small.n == 1_000
    small.merge(big)  # past the limit: a sketch holding all 3,000
    assert not small.exact and small.n == 3_000
    levels = small.levels()
    assert sum(len(level) * 2**i for i, level in enumerate(levels)) == 3_000


def test_a_merged_profile_keeps_values_exact_up_to_its_own_limit_not_its_parts() -> None:
    """Spark partials keep fewer exact values than the driver's profile; merged, the driver's limit applies."""
    part_settings = ProfileSettings(exact_quantiles=4_096)
    parts = [
        profile_stream(
            [pa.record_batch({"v": np.arange(i * 3_000, (i + 1) * 3_000, dtype=np.float64)})],
            settings=part_settings,
            threads=1,
        )
        for i in range(4)
    ]
    assert all(p.columns["v"].numeric.quantiles.exact for p in parts)

    merged = Profile(settings=ProfileSettings())  # exact up to 65,536 values
    for part in parts:
        merged.merge_in(Profile.from_dict(json.loads(json.dumps(part.to_dict()))))
    quantiles = merged.columns["v"].numeric.quantiles
    assert quantiles.exact and quantiles.n == 12_000
    assert quantiles.quantiles([0.5]) == [5_999.0]
