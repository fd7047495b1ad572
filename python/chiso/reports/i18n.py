"""Labels of the reports in Vietnamese (the default) and English, and numbers written as each
language writes them ("89,35" in Vietnamese, "89.35" in English)."""
from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Dict, Optional

from ..errors import ParameterError

LANGUAGES = ("vi", "en")

_LABELS: Dict[str, Dict[str, str]] = {
    "vi": {
        "number": "STT", "content": "Lĩnh vực / tiêu chí", "max": "Điểm tối đa", "self": "Tự chấm",
        "appraisal": "Thẩm định", "round": "Thẩm định lần {n}", "points": "Điểm đạt", "score": "Chỉ số (%)",
        "evidence": "Tài liệu kiểm chứng", "reason": "Giải trình / lý do", "explanation": "Giải trình",
        "missing_evidence": "Thiếu tài liệu kiểm chứng", "not_applicable": "Không áp dụng",
        "na_short": "KAD", "total": "Tổng điểm", "index": "Chỉ số", "rank": "Xếp hạng", "band": "Xếp loại",
        "unit": "Đơn vị", "group": "Nhóm", "summary": "Tổng hợp", "ranking": "Xếp hạng theo nhóm",
        "bonus_penalty": "Điểm thưởng, điểm trừ", "scoring_table": "Bảng điểm", "previous": "Kỳ trước",
        "change": "Thay đổi", "rank_change": "Thay đổi hạng", "areas": "Điểm theo lĩnh vực",
        "lost": "Điểm bị mất", "top_losses": "Tiêu chí mất nhiều điểm nhất", "self_vs_appraised": "Tự chấm và thẩm định",
        "year_over_year": "So với kỳ trước", "group_average": "Trung bình nhóm", "bands": "Ngưỡng xếp loại",
        "units_in_band": "Số đơn vị", "generated": "Lập bằng chiso", "period": "Kỳ đánh giá", "as_of": "Số liệu đến ngày",
        "records_count": "{count} bản ghi", "last_hash": "SHA-256 của bản ghi cuối",
        "contents": "Mục lục", "area_score": "Tỷ lệ điểm đạt (%)", "of_max": "% điểm tối đa",
        "ranking_title": "Xếp hạng {title}", "profile_title": "{unit}: chỉ số {index}, hạng {rank}",
        "unit_axis": "Đơn vị", "index_axis": "Chỉ số", "gap_na": "không áp dụng",
        "uncertainty_title": "Khoảng xếp hạng theo mô phỏng Monte Carlo",
        "uncertainty_x": "Xếp hạng (1 = cao nhất)", "median": "Trung vị", "interval": "Khoảng {p}%",
        "nominal": "Xếp hạng công bố",
        "sensitivity_title": "Chỉ số độ nhạy: Sᵢ và STᵢ",
        "sensitivity_note": ("Sᵢ (bậc một): phần phương sai của kết quả do riêng yếu tố i; STᵢ (toàn phần): "
                             "phần do i cùng mọi tương tác của nó. STᵢ − Sᵢ lớn: i tác động qua tương tác."),
        "sensitivity_x": "Phần phương sai", "first_order": "Sᵢ (bậc một)", "total_order": "STᵢ (toàn phần)",
        "factor": "Yếu tố",
        "adjust_cap": "Điều chỉnh theo mức trần {bound}", "adjust_floor": "Điều chỉnh theo mức sàn {bound}",
        "adjust_round": "Điều chỉnh do làm tròn điểm đến {bound} chữ số thập phân",
        "adjust_print": "Chênh lệch do làm tròn các số in",
        "at_most": "tối đa {bound}", "at_least": "tối thiểu {bound}", "per_case": "{per}/lần",
        "title": "Kết quả {name} năm {period}", "title_no_period": "Kết quả {name}",
        "page": "Trang {page}/{pages}", "signed_place": "{place}, ngày {day} tháng {month} năm {year}",
        "preparer": "Người lập biểu", "head": "Thủ trưởng đơn vị", "sign_hint": "(Ký, ghi rõ họ tên)",
        "seal_hint": "(Ký tên, đóng dấu)", "index_of": "Chỉ số (điểm đạt / điểm tối đa × {scale:g})",
        "years": "Chỉ số qua các kỳ",
    },
    "en": {
        "number": "No.", "content": "Area / criterion", "max": "Max points", "self": "Self-assessed",
        "appraisal": "Appraised", "round": "Appraisal round {n}", "points": "Points", "score": "Score (%)",
        "evidence": "Evidence", "reason": "Explanation / reason", "explanation": "Explanation",
        "missing_evidence": "Missing evidence", "not_applicable": "Not applicable",
        "na_short": "n/a", "total": "Total", "index": "Index", "rank": "Rank", "band": "Band",
        "unit": "Unit", "group": "Group", "summary": "Summary", "ranking": "Ranking by group",
        "bonus_penalty": "Bonus and penalty points", "scoring_table": "Scoring table", "previous": "Previous",
        "change": "Change", "rank_change": "Rank change", "areas": "Points by area",
        "lost": "Points lost", "top_losses": "Criteria that lost the most points", "self_vs_appraised": "Self vs appraised",
        "year_over_year": "Year over year", "group_average": "Group average", "bands": "Band thresholds",
        "units_in_band": "Units", "generated": "Made with chiso", "period": "Period", "as_of": "Records up to",
        "records_count": "{count} records", "last_hash": "SHA-256 of the last record",
        "contents": "Contents", "area_score": "Share of the maximum (%)", "of_max": "% of the maximum",
        "ranking_title": "Ranking: {title}", "profile_title": "{unit}: index {index}, rank {rank}",
        "unit_axis": "Unit", "index_axis": "Index", "gap_na": "not applicable",
        "uncertainty_title": "Rank intervals under Monte Carlo uncertainty",
        "uncertainty_x": "Rank (1 = best)", "median": "Median", "interval": "{p}% interval",
        "nominal": "Published rank",
        "sensitivity_title": "Sensitivity indices: Sᵢ and STᵢ",
        "sensitivity_note": ("Sᵢ (first order): the share of the output's variance due to factor i alone; STᵢ "
                             "(total): the share due to i with all its interactions. A large STᵢ − Sᵢ: i acts "
                             "through interactions."),
        "sensitivity_x": "Share of variance", "first_order": "Sᵢ (first order)", "total_order": "STᵢ (total)",
        "factor": "Factor",
        "adjust_cap": "Adjustment to the cap of {bound}", "adjust_floor": "Adjustment to the floor of {bound}",
        "adjust_round": "Adjustment from rounding the points to {bound} decimals",
        "adjust_print": "Difference from rounding the printed figures",
        "at_most": "at most {bound}", "at_least": "at least {bound}", "per_case": "{per} each",
        "title": "{name}: results of {period}", "title_no_period": "{name}: results",
        "page": "Page {page}/{pages}", "signed_place": "{place}, {date}",
        "preparer": "Prepared by", "head": "Head of the issuing body", "sign_hint": "(signature, full name)",
        "seal_hint": "(signature, seal)", "index_of": "Index (points / maximum × {scale:g})",
        "years": "Index by period",
    },
}


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ParameterError(f"language must be one of {LANGUAGES}, got {language!r}",
                             id="parameter.language")
    return language


def label(key: str, language: str = "vi", **fields: Any) -> str:
    text = _LABELS[check_language(language)][key]
    return text.format(**fields) if fields else text


def _on_grid(number: float, digits: int) -> Optional[int]:
    """``number`` × 10^digits as a whole number when the number is within 10^-9 (in units of the
    last decimal) of one — most points of a table (1.25, 0.75); that is also what rounding half up
    gives, as long as the scaled number stays well below 10^8. None otherwise."""
    scaled = number * 10 ** digits
    if not abs(scaled) < 1e8:
        return None
    nearest = round(scaled)
    return int(nearest) if abs(scaled - nearest) <= 1e-9 else None


def round_half_up(value: Any, digits: int) -> Optional[Decimal]:
    """``value`` rounded to ``digits`` decimals, half up on its decimal value (5.959999999999994 →
    5.96, 1.005 → 1.01); None for a missing value."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if math.isnan(number):
        return None
    scaled = _on_grid(number, digits)
    if scaled is not None:
        return Decimal(scaled).scaleb(-digits)
    return Decimal(repr(number)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def rounded(value: Any, digits: int) -> Optional[float]:
    """As :func:`round_half_up`, as a float (the nearest double to the rounded decimal)."""
    if isinstance(value, float) and value == value:
        scaled = _on_grid(value, digits)
        if scaled is not None:  # already on the grid: k / 10^digits is the nearest double to it
            return scaled / 10 ** digits
    decimal = round_half_up(value, digits)
    return None if decimal is None else float(decimal)


def format_number(value: Any, digits: int, language: str = "vi", *, sign: bool = False, empty: str = "") -> str:
    """A number with ``digits`` decimals as the language writes it: Vietnamese "1.234,56", English
    "1,234.56"."""
    decimal = round_half_up(value, digits)
    if decimal is None:
        return empty
    if decimal == 0:
        decimal = abs(decimal)  # no "-0,00"
    text = f"{decimal:+,.{digits}f}" if sign else f"{decimal:,.{digits}f}"
    if check_language(language) == "vi":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text.replace("-", MINUS)


MINUS = "\u2212"  # the minus sign of typeset numbers (a hyphen is a dash, not a sign)


def short_number(value: float, language: str = "vi", *, sign: bool = False) -> str:
    """A bound or rate as written in a rule: as few decimals as it has ("+2", "−0,5")."""
    decimal = Decimal(repr(float(value))).normalize()
    digits = max(0, -decimal.as_tuple().exponent)  # type: ignore[operator]
    return format_number(value, digits, language, sign=sign)


def excel_number_format(digits: int) -> str:
    """An Excel number format with ``digits`` decimals (Excel shows the separators of the reader's
    locale)."""
    return "#,##0" + ("." + "0" * digits if digits > 0 else "")


# Columns holding inputs as entered (values, rates, shares): written as they are, not as points.
INPUT_COLUMNS = ("value", "self_value", "appraised_value", "share_done", "rate")


def round_frame(frame: Any, digits: int, *, keep: tuple = INPUT_COLUMNS) -> Any:
    """A copy of ``frame`` with its float columns (points, index, changes) rounded half up to
    ``digits`` decimals, as they are written; inputs (``keep``) stay as entered."""
    out = frame.copy()
    for column in out.columns:
        if column in keep or out[column].dtype.kind != "f":
            continue
        out[column] = [rounded(v, digits) for v in out[column]]
        out[column] = out[column].astype(float)
    return out


def model_digits(model: Any) -> int:
    """The decimals a chiso.Model rounds its index to (2 when it does not round)."""
    rounding = model.to_dict().get("rounding") or {}
    return int(rounding.get("digits", 2)) if rounding.get("mode", "half_up") != "none" else 2
