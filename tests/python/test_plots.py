"""What the plots draw: bars, labels, band lines, legends outside the data, not-applicable areas
as gaps (never 0), titles in the chosen language, and the meaning of Sᵢ/STᵢ under the sensitivity
plot. Units and values from the bundled Hanoi 2025 department sample."""
from __future__ import annotations

import math
import types

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")  # the tests draw off screen; the notebook shows its plots inline
import matplotlib.pyplot as plt  # noqa: E402

from chiso import sensitivity  # noqa: E402
from test_reports_data import NO_ONE_STOP, sample, unit_names  # noqa: E402

AREAS = [f"A{k}" for k in range(1, 10)]


@pytest.fixture(scope="module")
def result():
    return sample().evaluate()


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_ranking_names_values_bands_and_a_legend_that_hides_nothing(result):
    ax = result.plot_ranking()
    final = sample().final_results().sort_values("index", ascending=False, kind="stable")
    # One bar per unit and area, stacked; the units by name, best first.
    assert len(ax.patches) == 15 * len(AREAS)
    names = unit_names()
    assert [t.get_text() for t in ax.get_xticklabels()] == [names[u] for u in final.index]
    # The index written over each bar, as Vietnamese writes it.
    values = [t.get_text() for t in ax.texts if "≥" not in t.get_text()]
    assert values == [f"{v:.2f}".replace(".", ",") for v in final["index"]]
    # A dashed line at each band threshold above 0 (90, 80, 70).
    bands = sorted(line.get_ydata()[0] for line in ax.get_lines() if line.get_gid() == "band-line")
    assert bands == [70, 80, 90]
    assert ax.get_title().startswith("Xếp hạng ") and ax.get_ylabel() == "Chỉ số"
    # The legend names every area and sits outside the axes.
    ax.figure.canvas.draw()
    legend = ax.get_legend() or ax.figure.legends[0]
    assert len(legend.get_texts()) == len(AREAS)
    assert legend.get_texts()[0].get_text().startswith("A1 Công tác chỉ đạo")
    box = legend.get_window_extent()
    names_box = min(t.get_window_extent().y0 for t in ax.get_xticklabels() + [ax.xaxis.label])
    assert box.y1 <= names_box and box.y1 <= ax.get_window_extent().y0          # below the bars and names
    assert box.y0 >= 0                                                           # and inside the figure


def test_ranking_in_english_on_given_axes(result):
    _, ax = plt.subplots(figsize=(10, 7))
    result.plot_ranking(ax, language="en")
    ax.figure.canvas.draw()
    box = ax.get_legend().get_window_extent()
    assert box.y1 <= min(t.get_window_extent().y0 for t in ax.get_xticklabels())
    assert ax.get_title().startswith("Ranking: ") and ax.get_ylabel() == "Index"
    assert [t.get_text() for t in ax.texts if "≥" not in t.get_text()][0].count(".") == 1


def test_profile_area_names_index_rank_and_group_average(result):
    final = sample().final_results()
    unit = final.index[0]
    ax = result.plot_profile(unit)
    # Eight scored areas (content 9 is bonus and penalty points: no share of a maximum).
    assert len(ax.patches) == 8
    labels = [t.get_text().replace("\n", " ") for t in ax.get_xticklabels()]
    assert labels[0].startswith("A1 Công tác chỉ đạo") and len(labels) == 8
    expected = f"{unit_names()[unit]}: chỉ số {final.at[unit, 'index']:.2f}".replace(".", ",")
    assert ax.get_title() == f"{expected}, hạng {final.at[unit, 'rank']}"
    # Heights: points over the area's maximum, in percent.
    points, maxima = result.points.loc[unit], result.max.loc[unit]
    assert [round(p.get_height(), 6) for p in ax.patches] == \
        [round(100 * points[a] / maxima[a], 6) for a in AREAS[:8]]
    # The group's average of each area: one marker per area.
    average = next(line for line in ax.get_lines() if line.get_label() == "Trung bình nhóm")
    shares = result.points[AREAS[:8]] / result.max[AREAS[:8]].where(result.max[AREAS[:8]] > 0) * 100
    assert np.allclose(average.get_ydata(), shares.mean(skipna=True).to_numpy())


def test_profile_not_applicable_is_a_hatched_gap_never_zero(result):
    ax = result.plot_profile(NO_ONE_STOP)
    hatched = [p for p in ax.patches if p.get_gid() == "not-applicable"]
    assert len(hatched) == 1 and hatched[0].get_hatch() == "//"
    assert hatched[0].get_x() + hatched[0].get_width() / 2 == pytest.approx(2)        # A3, the third area
    drawn = [p for p in ax.patches if p.get_gid() != "not-applicable"]
    assert len(drawn) == 7 and all(p.get_height() > 0 for p in drawn)
    assert any(t.get_text() == "không áp dụng" for t in ax.texts)


def test_radar_breaks_the_line_at_a_not_applicable_area(result):
    ax = result.plot_profile(NO_ONE_STOP, kind="radar", language="en")
    unit_line = next(line for line in ax.get_lines() if line.get_label() == "Points")
    radii = np.asarray(unit_line.get_ydata(), dtype=float)
    assert math.isnan(radii[2]) and not np.isnan(np.delete(radii, 2)).any()      # a gap, not 0
    assert len(ax.patches) == 1                                                  # no fill across the gap
    assert "(not applicable)" in ax.get_xticklabels()[2].get_text()
    assert [p.get_gid() for p in ax.patches].count("not-applicable") == 1


def test_uncertainty_plot_title_and_legend_outside():
    stats = pd.DataFrame({"Nominal": [1, 2, 3], "Mean": [1.2, 2.1, 2.7], "Median": [1, 2, 3],
                          "Q5": [1, 1, 2], "Q95": [2, 3, 3]}, index=["Ba Đình", "Hoàn Kiếm", "Tây Hồ"])
    ax = sensitivity.plot_uncertainty(types.SimpleNamespace(rank_stats=stats), language="vi")
    assert ax.get_title() == "Khoảng xếp hạng theo mô phỏng Monte Carlo"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Ba Đình", "Hoàn Kiếm", "Tây Hồ"]
    ax.figure.canvas.draw()
    assert ax.get_legend().get_window_extent().x0 >= ax.get_window_extent().x1        # right of the plot


def test_sensitivity_plot_explains_si_and_sti():
    indices = pd.DataFrame({"Si": [0.5, 0.1], "STi": [0.6, 0.4]}, index=["weights", "normalisation"])
    ax = sensitivity.plot_sensitivity(indices)
    assert ax.get_title() == "Sensitivity indices: Sᵢ and STᵢ"
    assert [round(p.get_height(), 6) for p in ax.patches] == [0.5, 0.1, 0.6, 0.4]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Sᵢ (first order)", "STᵢ (total)"]
    note = next(t for t in ax.texts if t.get_gid() == "sensitivity-note")
    assert "alone" in note.get_text() and "interactions" in note.get_text()
