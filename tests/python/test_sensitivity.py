"""chiso.sensitivity: Sobol indices, composite UA/SA, determinism, plots."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from chiso import sensitivity as sa


def ishigami(X: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    x = -np.pi + 2 * np.pi * X
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_ishigami_indices_match_analytic_values() -> None:
    df = sa.analyse_function(ishigami, d=3, N=20000, seed=3, bootstrap=200)
    np.testing.assert_allclose(df["Si"], [0.3139, 0.4424, 0.0], atol=0.03)
    np.testing.assert_allclose(df["STi"], [0.5576, 0.4424, 0.2437], atol=0.02)
    assert (df["STi_q5"] <= df["STi"]).all() and (df["STi"] <= df["STi_q95"]).all()


def test_design_and_ranks() -> None:
    X = sa.saltelli_sample(4, 2, seed=9)
    assert X.shape == (16, 2)
    # Rows: A (0:4), B (4:8), A_B^1 (8:12), A_B^2 (12:16).
    np.testing.assert_array_equal(X[8:12, 0], X[4:8, 0])    # A_B^1: column 1 from B
    np.testing.assert_array_equal(X[8:12, 1], X[0:4, 1])    # … the rest from A
    np.testing.assert_array_equal(X[12:16, 1], X[4:8, 1])   # A_B^2: column 2 from B
    np.testing.assert_array_equal(X[12:16, 0], X[0:4, 0])
    np.testing.assert_array_equal(sa.rank_descending([5, 7, 7, np.nan, 1, 5]), [3, 1, 1, 0, 5, 3])


def small_tree() -> pd.DataFrame:
    return pd.DataFrame({
        "iCode": ["i1", "i2", "i3", "i4", "p1", "p2", "idx"],
        "Level": [1, 1, 1, 1, 2, 2, 3],
        "Parent": ["p1", "p1", "p2", "p2", "idx", "idx", None],
        "Weight": [1, 2, 1, 1, 1, 1, 1],
    })


def small_data(n: int = 20, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(1 + 99 * rng.random((n, 4)), columns=["i1", "i2", "i3", "i4"],
                        index=[f"U{k}" for k in range(n)])


def test_uncertainty_tables_and_determinism() -> None:
    an = sa.CompositeAnalysis(small_tree(), small_data(), [sa.noisy_weights("w", {1: 0.3, 2: 0.3})])
    runs = [an.uncertainty(3000, seed=5, threads=t, keep_replications=True) for t in (1, 2, 4)]
    for r in runs[1:]:
        pd.testing.assert_frame_equal(r.rank_stats, runs[0].rank_stats, check_exact=True)
        pd.testing.assert_frame_equal(r.scores, runs[0].scores, check_exact=True)
        np.testing.assert_array_equal(r.output, runs[0].output)
    rs = runs[0].rank_stats
    assert list(rs.columns) == ["Nominal", "Mean", "Median", "Q5", "Q95"]
    assert (rs["Q5"] <= rs["Median"]).all() and (rs["Median"] <= rs["Q95"]).all()
    # Statistics agree with numpy on the kept replication matrix (type 7 = numpy's linear).
    ranks = runs[0].ranks.to_numpy()
    np.testing.assert_allclose(rs["Mean"], ranks.mean(axis=1))
    np.testing.assert_allclose(rs["Q95"], np.percentile(ranks, 95, axis=1))
    scores = runs[0].scores.to_numpy()
    np.testing.assert_allclose(runs[0].score_stats["Q5"], np.percentile(scores, 5, axis=1))
    np.testing.assert_allclose(runs[0].score_stats["SD"], scores.std(axis=1, ddof=1))
    # Another seed, other numbers.
    assert not np.array_equal(an.uncertainty(3000, seed=6).output, runs[0].output)


def test_score_statistics_without_kept_replications_are_numpys_on_the_scores() -> None:
    # The default run (scores not kept) summarises an internal copy of the scores; numpy on the
    # kept scores of the same seed is the independent reference. With 2001 replications,
    # h = (n - 1) p is whole for p = 0.05, 0.5 and 0.95: each quantile is one order statistic,
    # which must come out exactly; mean and sd to rounding.
    an = sa.CompositeAnalysis(small_tree(), small_data(30), [sa.noisy_weights("w", {1: 0.3, 2: 0.3})])
    scores = an.uncertainty(2001, seed=11, threads=1, keep_replications=True).scores.to_numpy()
    ordered = np.sort(scores, axis=1)
    for threads in (1, 2):
        stats = an.uncertainty(2001, seed=11, threads=threads).score_stats
        np.testing.assert_array_equal(stats["Q5"], ordered[:, 100])
        np.testing.assert_array_equal(stats["Median"], ordered[:, 1000])
        np.testing.assert_array_equal(stats["Q95"], ordered[:, 1900])
        np.testing.assert_allclose(stats["Mean"], scores.mean(axis=1), rtol=1e-13)
        np.testing.assert_allclose(stats["SD"], scores.std(axis=1, ddof=1), rtol=1e-9)


def test_sensitivity_with_data_variants_and_aggregation() -> None:
    base = small_data()
    variants = [base, base.assign(i1=base["i1"] ** 1.5)]
    an = sa.CompositeAnalysis(small_tree(), variants, [
        sa.data_choice("transform", ["plain", "power"]),
        sa.noisy_weights("w", {2: 0.25}),
        sa.aggregation("agg", ["arithmetic", "geometric"]),
    ])
    res = an.sensitivity(200, seed=2, bootstrap=100)
    df = res.sensitivity
    assert list(df.index) == ["transform", "w", "agg"]
    assert {"Si", "STi", "Si_q5", "Si_q95", "STi_q5", "STi_q95"} <= set(df.columns)
    assert res.failed == []
    assert len(res.output) == 200 * 5
    unit = an.sensitivity(50, output="unit_rank", unit="U3", bootstrap=0)
    assert set(np.unique(unit.output)) <= set(range(1, 21))
    with pytest.raises(ValueError, match="output_unit"):
        an.sensitivity(50, output="unit_rank", unit="nobody")


def test_errors_name_the_parameter() -> None:
    with pytest.raises(ValueError, match="level 9"):
        sa.CompositeAnalysis(small_tree(), small_data(), [sa.noisy_weights("w", {9: 0.1})])
    with pytest.raises(ValueError, match="variants"):
        sa.CompositeAnalysis(small_tree(), [small_data()], [sa.data_choice("c", ["a", "b"]),
                                                             sa.noisy_weights("w", {2: 0.1})])


def test_plots_return_axes() -> None:
    import matplotlib  # a test dependency (pyproject's [test] extra): missing, the test fails

    matplotlib.use("Agg")
    an = sa.CompositeAnalysis(small_tree(), small_data(), [sa.noisy_weights("w", {2: 0.3}),
                                                           sa.aggregation("agg", ["arithmetic", "harmonic"])])
    res = an.sensitivity(64, bootstrap=50)
    ax1 = sa.plot_uncertainty(res)
    ax2 = sa.plot_sensitivity(res)
    assert ax1.get_ylabel() == "Rank (1 = best)" and ax2.get_ylabel() == "Share of variance"


def test_data_builder_function_with_a_continuous_parameter() -> None:
    base = small_data(15)
    calls = []

    def build(choices, values):
        calls.append((tuple(choices), tuple(values)))
        x = base.copy()
        x["i1"] = x["i1"] * values[0]
        if choices[0] == 1:
            x["i3"] = x["i3"] ** 0.5
        return x

    an = sa.CompositeAnalysis(small_tree(), build, [
        sa.data_choice("transform", ["plain", "sqrt"]),
        sa.data_range("scale i1", 0.5, 2.0, nominal=1.0),
        sa.noisy_weights("w", {2: 0.2}),
    ])
    assert an.units == list(base.index)
    res = an.uncertainty(40, seed=4, threads=2)
    params = res.parameters
    # docs/sensitivity.md: replication r takes row r of the random design; a choice of 2
    # alternatives is floor(2u), a range lo + u (hi − lo).
    u = sa.random_sample(40, 3, seed=4)
    np.testing.assert_array_equal(params["transform"].to_numpy(), np.floor(2 * u[:, 0]))
    np.testing.assert_allclose(params["scale i1"].to_numpy(), 0.5 + u[:, 1] * 1.5, rtol=0, atol=1e-15)
    again = an.uncertainty(40, seed=4, threads=1)
    np.testing.assert_array_equal(res.output, again.output)
    assert len(calls) >= 80


def test_indicator_columns_are_matched_by_name_and_checked() -> None:
    """The data's columns are matched to the tree's indicators by name, in any order; one missing,
    given twice or holding text is a chiso DataError naming it (not pandas' KeyError)."""
    import chiso

    data = small_data()
    weights = [sa.noisy_weights("w", {1: 0.3})]
    shuffled = data[["i3", "i1", "i4", "i2"]].assign(note="x")
    a = sa.CompositeAnalysis(small_tree(), data, weights).uncertainty(200, seed=3)
    b = sa.CompositeAnalysis(small_tree(), shuffled, weights).uncertainty(200, seed=3)
    pd.testing.assert_frame_equal(a.rank_stats, b.rank_stats, check_exact=True)
    for table, named in [(data.drop(columns="i2"), "'i2'"),
                         (pd.concat([data, data[["i1"]]], axis=1), "'i1'"),
                         (data.assign(i3=data["i3"].astype(str)), "'i3'")]:
        with pytest.raises(chiso.DataError) as caught:
            sa.CompositeAnalysis(small_tree(), table, weights)
        assert named in str(caught.value)
    with pytest.raises(chiso.DataError, match=r"data\[1\].*'i4'"):
        sa.CompositeAnalysis(small_tree(), [data, data.drop(columns="i4")],
                             [sa.data_choice("c", ["a", "b"]), sa.noisy_weights("w", {1: 0.1})])
