"""The small model several test files score: PAR = A (sum: a1 points step 0.25 of 2, a2 yes/no
of 1) + B (sum: b1 tiers ≥ 95 % → 2, ≥ 80 % → 1 of 2; b2 a deduction of 0.25 each, at most 0.5),
bands Tốt from 80, Chưa đạt below."""
from __future__ import annotations

import chiso


def small_model() -> chiso.Model:
    return chiso.Model.from_tree(
        "small",
        chiso.inner("PAR", "Chỉ số", [
            chiso.inner("A", "Lĩnh vực A", [
                chiso.leaf("a1", "Kế hoạch", 2, chiso.rules.points(step=0.25)),
                chiso.leaf("a2", "Báo cáo", 1, chiso.rules.yes_no()),
            ]),
            chiso.inner("B", "Lĩnh vực B", [
                chiso.leaf("b1", "Đúng hạn", 2, chiso.rules.tiers(
                    [{"min": 95, "points": 2}, {"min": 80, "points": 1}], unit="percent")),
                chiso.leaf("b2", "Sai sót", None, chiso.rules.deduction(per=0.25, cap=0.5)),
            ]),
        ]),
        name="Small",
        bands=[{"min": 80, "label": "Tốt"}, {"min": 0, "label": "Chưa đạt"}],
    )
