"""chiso.sensitivity on the ASEM example built by chiso.analysis (COINr's example pipeline)."""
from __future__ import annotations

import os
import sys

import numpy as np
import pytest

from chiso import analysis as ca
from chiso import sensitivity as sa

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from reference import coinr_asem  # noqa: E402


@pytest.fixture(scope="module")
def asem():
    idata, imeta = coinr_asem.load(coinr_asem.ASEM_DIR)
    data = idata.set_index("uCode")
    pipe = ca.Pipeline.coinr_example(ca.hierarchy_from_imeta(imeta))
    res = pipe.run(data, denominators=data[["Area", "Energy", "GDP", "Population"]], groups=data[["EurAsia_group"]])
    return imeta, res


def test_nominal_index_and_ranks_equal_the_pipeline(asem) -> None:
    imeta, res = asem
    an = sa.CompositeAnalysis(imeta, res.normalised, [sa.noisy_weights("Weights", {2: 0.25, 3: 0.25})])
    nominal = an.nominal_scores()
    np.testing.assert_allclose(nominal["Index"], res.index, atol=1e-9)
    ua = an.uncertainty(5000, seed=3)
    np.testing.assert_array_equal(ua.rank_stats["Nominal"], res.ranks.astype(int))
    # Noise of ±25% on pillar and sub-index weights moves ranks by about one place on average.
    assert 0.3 < ua.output.mean() < 3


def test_sa_weights_and_aggregation(asem) -> None:
    imeta, res = asem
    positive = res.normalised + 1  # min-max [0, 100] has zeros, which a geometric mean refuses
    an = sa.CompositeAnalysis(imeta, positive, [
        sa.noisy_weights("Weights", {2: 0.25, 3: 0.25}),
        sa.aggregation("Aggregation", ["arithmetic", "geometric"]),
    ])
    s = an.sensitivity(200, seed=5, bootstrap=300)
    df = s.sensitivity
    assert s.failed == []
    assert (df["STi"] > 0).all()
    assert (df["STi_q5"] <= df["STi_q95"]).all()
    # Without zeros lifted, geometric replications fail and are reported, not dropped: every
    # geometric one (min-max [0, 100] gives each indicator's worst unit a 0), none other.
    with pytest.warns(sa.FailedReplicationsWarning, match=r"Aggregation = geometric: (\d+) of \1\)"):
        bad = sa.CompositeAnalysis(imeta, res.normalised, [
            sa.noisy_weights("Weights", {2: 0.25}),
            sa.aggregation("Aggregation", ["arithmetic", "geometric"]),
        ]).uncertainty(200, seed=1)
    assert 0 < len(bad.failed) < 200
    counts = bad.failure_counts.set_index(["assumption", "alternative"])["failed"]
    assert counts[("Aggregation", "arithmetic")] == 0 and counts[("Aggregation", "geometric")] == len(bad.failed)
