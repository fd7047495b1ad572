"""Writes the bundled models of examples/models from the tables below.

    python examples/models/build_models.py

The JSON files are committed; this script is how they were made and how to change them (edit a
table, re-run, review the diff). It checks what FORMAT.md asks of a model that the core would
also reject (area sums, tier order) and the counts the sources give.

- hanoi-par-district-2023, hanoi-par-department-2023 (HISTORICAL since the 2025 reform): the 8
  areas of Decision 4190/QĐ-UBND (22/8/2023), 80 appraisal + 22 survey criteria for a district
  (seed article), plans 243/KH-UBND and 280/KH-UBND, the national method (876/QĐ-BNV, 1150/QĐ-BNV).
- hanoi-par-commune-2025, hanoi-par-department-2025: Decision 5666/QĐ-UBND (17/11/2025), 8 contents
  and a 9th of bonus and penalty points on 100; surveys per 307/KH-UBND and 5997/QĐ-UBND (SIPAS).
- service-index-766: the national service index as the portal scores it (6 groups, 17 metrics,
  formulas refitted to the portal's published scores).
- sipas-2023: the SIPAS survey (2640/QĐ-BNV, 1001/QĐ-BNV).
- asem-composite: COINr's ASEM example index as a composite-index model (indicator leaves), read
  from tests/data/asem/ASEM_iMeta.csv (COINr 1.1.14, MIT licence).
In the PAR models the wording of each criterion, its points and its scoring rule are ILLUSTRATIVE
(modelled on published provincial guides, e.g. Cà Mau 1880/QĐ-UBND tiers "> 90% → 2, 70–90% → 1"):
neither 4190's nor 5666's annex was available to us. Each file's description and meta say what is
sourced and what is illustrative.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
ASEM_IMETA = HERE.parent.parent / "tests" / "data" / "asem" / "ASEM_iMeta.csv"


def model_document(model_id: str, name: str, description: str, meta: dict, root: dict, *,
                   ranked_by: str, missing: str, bands=None, clamp: bool = False) -> dict:
    """A model file: scored on 100, the index rounded to 2 decimals half up, competition ranks."""
    document = {"format": "chiso-model/1", "id": model_id, "name": name, "description": description,
                "meta": meta, "scale": 100, "rounding": {"digits": 2, "mode": "half_up"},
                "ranking": {"ties": "competition", "by": ranked_by}, "missing": missing}
    if bands is not None:
        document["bands"] = bands
    if clamp:
        document["clamp"] = True
    document["root"] = root
    return document


def P(step=0.25):
    return {"kind": "points", "step": step}


def V(*values):
    return {"kind": "points", "values": list(values)}


YN = {"kind": "yes_no"}


def T(*pairs, unit="percent"):
    return {"kind": "tiers", "unit": unit, "tiers": [{"min": m, "points": p} for m, p in pairs]}


def DED(per, cap):
    return {"kind": "deduction", "per": per, "cap": cap}


def BON(per, cap):
    return {"kind": "bonus", "per": per, "cap": cap}


PROP = {"kind": "proportional", "unit": "fraction"}

# The names the reports print for the units files' group codes, in each report language.
GROUP_NAMES = {
    "district": {"vi": "Quận, huyện, thị xã", "en": "Districts"},
    "commune": {"vi": "Xã, phường", "en": "Communes and wards"},
    "department": {"vi": "Sở, ban, ngành", "en": "Departments"},
}

# A survey criterion's points are a satisfaction rate times its maximum; the scoring tables publish
# them with two decimals and add the published figures (as the portal does its metrics), so the
# PAR models round each survey criterion to two decimals before its content adds it up.
SURVEY_DIGITS = 2


def SURVEY_TIERS(mx):
    # Satisfaction rate (share answering 4 or 5): ≥ 90% full points, ≥ 80% three quarters,
    # ≥ 70% half, else 0. Illustrative, in the spirit of the 80% target of 30c/NQ-CP.
    return {"kind": "tiers", "unit": "fraction",
            "tiers": [{"min": 0.9, "points": mx}, {"min": 0.8, "points": mx * 0.75},
                      {"min": 0.7, "points": mx * 0.5}]}


# Flags: "d" district only, "s" department (Sở) only, omitted: both.
# A criterion is (name, children) or a leaf (name, max, rule[, flag]).
AREAS = [
    ("Công tác chỉ đạo, điều hành cải cách hành chính", [
        ("Kế hoạch cải cách hành chính năm", [
            ("Ban hành kế hoạch CCHC năm đúng thời hạn (đúng hạn 1; chậm 0,5; không ban hành 0)", 1, V(0, 0.5, 1)),
            ("Mức độ hoàn thành kế hoạch CCHC", 1, T((100, 1), (80, 0.75), (60, 0.5))),
            ("Bố trí kinh phí triển khai kế hoạch CCHC", 0.5, YN),
        ]),
        ("Báo cáo CCHC định kỳ đầy đủ, đúng hạn", 1, YN),
        ("Kiểm tra công tác cải cách hành chính", [
            ("Tỷ lệ cơ quan, đơn vị trực thuộc được kiểm tra trong năm", 0.75, T((30, 0.75), (20, 0.5))),
            ("Xử lý các vấn đề phát hiện qua kiểm tra", 0.75, P()),
        ]),
        ("Công tác thông tin, tuyên truyền cải cách hành chính", 1, P()),
        ("Sáng kiến, giải pháp mới trong cải cách hành chính", 1, P()),
        ("Thực hiện nhiệm vụ Thành phố giao về cải cách hành chính", 1, T((100, 1), (90, 0.5))),
        ("Điểm thưởng: sáng kiến CCHC được Thành phố công nhận (0,5 điểm/sáng kiến, tối đa 1)", None, BON(0.5, 1)),
    ]),
    ("Xây dựng và tổ chức thực hiện văn bản quy phạm pháp luật", [
        ("Xây dựng, ban hành văn bản QPPL", [
            ("Thực hiện kế hoạch xây dựng văn bản QPPL", 1, T((100, 1), (80, 0.5))),
            ("Lấy ý kiến, thẩm định văn bản QPPL theo quy định", 0.75, YN),
        ]),
        ("Rà soát, hệ thống hóa văn bản QPPL", [
            ("Ban hành kế hoạch rà soát văn bản QPPL", 0.5, YN),
            ("Xử lý kết quả rà soát", 1, P()),
        ]),
        ("Kiểm tra, xử lý văn bản QPPL", [
            ("Thực hiện kiểm tra văn bản theo thẩm quyền", 1, P()),
            ("Tỷ lệ văn bản trái pháp luật được xử lý", 1, T((100, 1), (80, 0.5))),
        ]),
        ("Theo dõi thi hành pháp luật", 0.75, P()),
        ("Điểm trừ: văn bản bị cơ quan có thẩm quyền kết luận trái pháp luật (0,25 điểm/văn bản)", None, DED(0.25, 1)),
    ]),
    ("Cải cách thủ tục hành chính và thực hiện cơ chế một cửa, một cửa liên thông", [
        ("Kiểm soát thủ tục hành chính", [
            ("Ban hành kế hoạch kiểm soát TTHC", 0.5, YN),
            ("Rà soát, đánh giá TTHC theo kế hoạch", 1, P()),
            ("Xử lý phản ánh, kiến nghị về TTHC đúng hạn", 1, T((100, 1), (90, 0.5))),
        ]),
        ("Công khai thủ tục hành chính", [
            ("Công khai TTHC đầy đủ, đúng quy định tại Bộ phận một cửa", 1, YN),
            ("Công khai TTHC trên Cổng thông tin điện tử", 0.75, YN),
        ]),
        ("Thực hiện cơ chế một cửa, một cửa liên thông", [
            ("Tổ chức Bộ phận một cửa theo quy định", 1, P()),
            ("Tỷ lệ TTHC tiếp nhận tại Bộ phận một cửa", 1, T((100, 1), (90, 0.5))),
            ("Tỷ lệ hồ sơ cấp huyện giải quyết đúng hạn", 2, T((100, 2), (98, 1.5), (95, 1), (90, 0.5)), "d"),
            ("Tỷ lệ hồ sơ cấp xã giải quyết đúng hạn", 1.5, T((100, 1.5), (98, 1), (95, 0.5)), "d"),
            ("Tỷ lệ hồ sơ giải quyết đúng hạn", 2, T((100, 2), (98, 1.5), (95, 1), (90, 0.5)), "s"),
            ("Thực hiện thư xin lỗi đối với hồ sơ quá hạn", 0.75, YN),
            ("Thực hiện sáng kiến \"Thứ Ba không hẹn, Thứ Sáu không chờ\"", 1, P(), "d"),
            ("Liên thông hồ sơ với cấp xã và Thành phố", 0.75, P(), "d"),
            ("Số hóa hồ sơ tại Bộ phận một cửa cấp xã", 0.75, P(), "d"),
        ]),
        ("Điểm trừ: hồ sơ quá hạn không có văn bản xin lỗi (0,25 điểm/hồ sơ, tối đa 1)", None, DED(0.25, 1)),
    ]),
    ("Cải cách tổ chức bộ máy hành chính nhà nước", [
        ("Tổ chức bộ máy", [
            ("Thực hiện quy định về tổ chức bộ máy của cơ quan chuyên môn", 1, P()),
            ("Rà soát, sắp xếp đơn vị hành chính cấp xã", 0.75, P(), "d"),
            ("Thực hiện quy định về số lượng cấp phó", 0.5, YN),
        ]),
        ("Quản lý biên chế", [
            ("Sử dụng biên chế được giao đúng quy định", 1, YN),
            ("Tinh giản biên chế theo kế hoạch", 1, T((100, 1), (80, 0.5))),
        ]),
        ("Phân cấp, ủy quyền", [
            ("Thực hiện nhiệm vụ được Thành phố phân cấp", 0.75, P()),
            ("Kiểm tra việc thực hiện phân cấp, ủy quyền", 0.5, YN),
        ]),
        ("Kiểm tra tình hình tổ chức và hoạt động của các đơn vị", 0.5, P()),
        ("Điểm trừ: vi phạm quy định về tổ chức bộ máy bị phát hiện (0,5 điểm/vụ)", None, DED(0.5, 1)),
    ]),
    ("Cải cách chế độ công vụ", [
        ("Vị trí việc làm", [
            ("Phê duyệt, điều chỉnh vị trí việc làm", 1, YN),
            ("Bố trí công chức theo vị trí việc làm", 1, T((100, 1), (90, 0.5))),
        ]),
        ("Tuyển dụng, bổ nhiệm", [
            ("Tuyển dụng công chức, viên chức đúng quy định", 1, P()),
            ("Bổ nhiệm lãnh đạo đúng quy trình", 0.75, YN),
        ]),
        ("Đánh giá, xếp loại công chức", [
            ("Đánh giá, xếp loại công chức đúng thời hạn", 0.75, YN),
            ("Tỷ lệ công chức được đào tạo, bồi dưỡng", 1, T((100, 1), (80, 0.5))),
        ]),
        ("Kỷ luật, kỷ cương hành chính", [
            ("Kiểm tra công vụ, công chức", 1, P()),
            ("Xử lý công chức vi phạm", 0.75, P()),
        ]),
        ("Cán bộ, công chức cấp xã đạt chuẩn", 1, T((100, 1), (90, 0.5)), "d"),
        ("Điểm trừ: cán bộ, công chức bị kỷ luật (0,25 điểm/người, tối đa 1)", None, DED(0.25, 1)),
        ("Thực hiện văn hóa công vụ", 1.25, P()),
        ("Thực hiện chế độ, chính sách đối với công chức", 0.5, YN),
    ]),
    ("Cải cách tài chính công", [
        ("Quản lý, sử dụng ngân sách", [
            ("Tỷ lệ giải ngân vốn đầu tư công", 1.5, T((95, 1.5), (80, 1), (60, 0.5))),
            ("Thực hiện công khai ngân sách", 1, YN),
            ("Thực hiện kết luận thanh tra, kiểm toán", 1, P()),
        ]),
        ("Tự chủ tài chính", [
            ("Thực hiện cơ chế tự chủ tại cơ quan hành chính", 1, P()),
            ("Thực hiện tự chủ của đơn vị sự nghiệp công lập", 1, T((100, 1), (50, 0.5))),
        ]),
        ("Quản lý tài sản công", [
            ("Quản lý, sử dụng tài sản công đúng quy định", 1, P()),
            ("Thu ngân sách đạt dự toán", 1, T((100, 1), (90, 0.5)), "d"),
        ]),
        ("Thực hành tiết kiệm, chống lãng phí", 0.5, YN),
        ("Điểm trừ: sai phạm về tài chính được kiểm toán kết luận (0,5 điểm/vụ)", None, DED(0.5, 1)),
    ]),
    ("Xây dựng chính quyền điện tử, chính quyền số", [
        ("Hạ tầng, ứng dụng công nghệ thông tin", [
            ("Ban hành kế hoạch chuyển đổi số", 0.5, YN),
            ("Sử dụng hệ thống quản lý văn bản và điều hành", 1, T((100, 1), (90, 0.5))),
            ("Tỷ lệ văn bản điện tử có chữ ký số", 1, T((95, 1), (80, 0.5))),
            ("Bảo đảm an toàn, an ninh thông tin", 0.75, P()),
        ]),
        ("Dịch vụ công trực tuyến", [
            ("Tỷ lệ TTHC cung cấp dịch vụ công trực tuyến toàn trình", 1.5, T((80, 1.5), (60, 1), (40, 0.5))),
            ("Tỷ lệ hồ sơ nộp trực tuyến", 1.5, T((50, 1.5), (30, 1), (20, 0.5))),
            ("Tỷ lệ hồ sơ thanh toán trực tuyến", 1, T((30, 1), (15, 0.5))),
            ("Số hóa hồ sơ, kết quả giải quyết TTHC", 1.5, T((100, 1.5), (80, 1), (50, 0.5))),
        ]),
        ("Cổng thông tin điện tử và dữ liệu mở", [
            ("Cập nhật Cổng thông tin điện tử", 0.75, P()),
            ("Cung cấp dữ liệu mở theo danh mục", 0.5, YN),
        ]),
        ("Triển khai Đề án 06 (dữ liệu dân cư)", 1, P()),
        ("Ứng dụng nền tảng số dùng chung của Thành phố", 1, P()),
    ]),
    ("Tác động của cải cách hành chính đến phát triển kinh tế – xã hội", [
        ("Thu hút đầu tư trên địa bàn", 1, P(), "d"),
        ("Tỷ lệ thực hiện kế hoạch phát triển KT-XH", 1.5, T((100, 1.5), (90, 1), (80, 0.5))),
        ("Số doanh nghiệp thành lập mới tăng so với năm trước", 1, YN, "d"),
        ("Mức độ hoàn thành chỉ tiêu ngành, lĩnh vực được giao", 2, T((100, 2), (90, 1), (80, 0.5)), "s"),
        ("Giải quyết đơn thư, khiếu nại, tố cáo đúng hạn", 1.25, T((100, 1.25), (90, 0.75))),
        ("Tình hình an ninh, trật tự phục vụ phát triển", 1.25, P(), "d"),
        ("Kết quả chỉ số PAPI, PCI, SIPAS của Thành phố liên quan đến đơn vị", 1, P(0.5)),
    ]),
]

# Survey criteria per area: (name, max, rule kind "p" proportional or "t" tiers, flag).
# Question ids XH01… are those of the survey microdata (examples/data/survey-*.csv).
SURVEY = [
    [("Đánh giá của người dân về công tác chỉ đạo, điều hành CCHC", 1, "p"),
     ("Đánh giá của công chức về việc thực hiện kế hoạch CCHC", 1, "p")],
    [("Chất lượng văn bản QPPL do địa phương ban hành", 1, "p"),
     ("Tính khả thi của văn bản QPPL", 1, "p")],
    [("Mức độ hài lòng về việc công khai TTHC", 1.5, "t"),
     ("Mức độ hài lòng về thời gian giải quyết TTHC", 1.5, "t"),
     ("Mức độ hài lòng về thái độ của công chức tại Bộ phận một cửa", 1.5, "t"),
     ("Mức độ hài lòng về chi phí thực hiện TTHC", 1, "p"),
     ("Mức độ hài lòng về tiếp nhận, xử lý phản ánh, kiến nghị", 1.5, "t")],
    [("Sự phù hợp của tổ chức bộ máy với chức năng, nhiệm vụ", 1, "p"),
     ("Hiệu quả phân cấp, ủy quyền", 1, "p"),
     ("Mức độ rõ ràng của chức năng, nhiệm vụ các phòng", 1, "p")],
    [("Năng lực của công chức", 1, "p"),
     ("Tinh thần trách nhiệm, đạo đức công vụ", 1, "p"),
     ("Công khai, minh bạch trong tuyển dụng, bổ nhiệm", 1, "p")],
    [("Công khai, minh bạch tài chính, ngân sách", 1, "p"),
     ("Hiệu quả sử dụng tài sản công", 1, "p")],
    [("Mức độ hài lòng về dịch vụ công trực tuyến", 1, "t"),
     ("Tính thuận tiện của Cổng dịch vụ công", 1, "p"),
     ("Hiệu quả ứng dụng CNTT trong chỉ đạo, điều hành", 1, "p")],
    [("Tác động của CCHC đến thu hút đầu tư, phát triển doanh nghiệp", 4, "t"),
     ("Tác động của CCHC đến đời sống người dân", 4, "t")],
]

# Which survey criteria a department's model keeps (departments are surveyed on fewer).
DEPARTMENT_SURVEY = {1, 3, 5, 6, 7, 8, 9, 12, 14, 16, 19, 21}  # question numbers XHnn

BANDS_DISTRICT = [
    {"min": 90, "label": "Xuất sắc"}, {"min": 80, "label": "Tốt"},
    {"min": 70, "label": "Khá"}, {"min": 0, "label": "Trung bình"},
]


def build(flag: str, model_id: str, name: str, description: str, meta: dict, expected: tuple) -> dict:
    areas = []
    question = 0
    appraisal_count = survey_count = 0
    for a, (area_name, criteria) in enumerate(AREAS, start=1):
        children = []
        number = 0
        for item in criteria:
            if isinstance(item[1], list):
                sub = []
                for leaf in item[1]:
                    if len(leaf) > 3 and leaf[3] != flag:
                        continue
                    sub.append(leaf)
                if not sub:
                    continue
                number += 1
                cid = f"A{a}.{number}"
                kids = []
                for k, leaf in enumerate(sub, start=1):
                    kids.append(make_leaf(f"{cid}.{k}", leaf))
                appraisal_count += len(kids)
                children.append({"id": cid, "name": item[0], "aggregate": "sum", "children": kids})
            else:
                if len(item) > 3 and item[3] != flag:
                    continue
                number += 1
                children.append(make_leaf(f"A{a}.{number}", item))
                appraisal_count += 1
        # Survey criteria of the area, under one criterion "điều tra xã hội học".
        survey_leaves = []
        for s_name, s_max, kind in SURVEY[a - 1]:
            question += 1
            if flag == "s" and question not in DEPARTMENT_SURVEY:
                continue
            survey_leaves.append((s_name, s_max, kind, f"XH{question:02d}"))
        if survey_leaves:
            number += 1
            cid = f"A{a}.{number}"
            kids = []
            for k, (s_name, s_max, kind, qid) in enumerate(survey_leaves, start=1):
                kids.append({
                    "id": f"{cid}.{k}", "name": s_name, "max": s_max, "source": "survey",
                    "rule": dict(PROP) if kind == "p" else SURVEY_TIERS(s_max), "round": SURVEY_DIGITS,
                    "meta": {"survey": {"questions": [qid]}},
                })
            survey_count += len(kids)
            children.append({"id": cid, "name": "Điều tra xã hội học", "aggregate": "sum",
                             "description": "Tỷ lệ hài lòng (trả lời 4 hoặc 5 trên thang 1–5) từ điều tra xã hội học.",
                             "children": kids})
        areas.append({"id": f"A{a}", "name": area_name, "aggregate": "sum", "children": children})
    assert (appraisal_count, survey_count) == expected, (model_id, appraisal_count, survey_count)
    model = model_document(model_id, name, description, dict(meta, groups=GROUP_NAMES),
                           {"id": "PAR", "name": "Chỉ số cải cách hành chính", "aggregate": "sum", "children": areas},
                           ranked_by="group", missing="error", bands=BANDS_DISTRICT)
    total = sum(area_max(area) for area in areas)
    # Districts: 100 points. Departments keep fewer criteria; their index is still points / max × 100.
    assert flag != "d" or abs(total - 100) < 1e-9, (model_id, total, [area_max(x) for x in areas])
    return model


def make_leaf(node_id: str, leaf: tuple) -> dict:
    name, mx, rule = leaf[0], leaf[1], leaf[2]
    node = {"id": node_id, "name": name, "rule": rule}
    if mx is not None:
        node["max"] = mx
        if rule["kind"] == "tiers":
            assert all(t["points"] <= mx for t in rule["tiers"]), node_id
    return node


def area_max(node: dict) -> float:
    if "children" in node:
        return sum(area_max(c) for c in node["children"])
    return node.get("max", 0.0)


SOURCING = {
    "sourced": [
        "8 areas, in this order and with these names: Decision 4190/QĐ-UBND of Hanoi People's Committee (22/8/2023), PAR index of departments and districts 2023–2030",
        "a district is scored on 102 criteria: 80 appraisal (thẩm định) + 22 sociological-survey (điều tra xã hội học) criteria (seed article, Hai Bà Trưng 2023)",
        "index = achieved points / max points × 100, two decimals; area component indices (876/QĐ-BNV, 1150/QĐ-BNV method)",
        "workflow: self-assessment with evidence, then appraisal council; plan 243/KH-UBND (5/10/2023); survey plan 280/KH-UBND (28/11/2023)",
    ],
    "illustrative": [
        "the wording of each criterion, its maximum points and its scoring rule (points with step 0.25, yes/no, tiers, deductions, bonus)",
        "area maxima (appraisal 70 + survey 30), bands (Xuất sắc ≥ 90, Tốt ≥ 80, Khá ≥ 70)",
        "survey question ids XH01–XH22 and the satisfaction tiers (≥ 90% full, ≥ 80% three quarters, ≥ 70% half)",
    ],
    "built_by": "examples/models/build_models.py",
}


def service_index() -> dict:
    """The national service index for citizens and businesses (766/QĐ-TTg) as the national
    public-service portal scores it: 6 groups, 17 metrics, each metric's points rounded to two
    decimals and a group = the sum of its rounded metric points."""

    # r = numerator / denominator; ratio(n, d, z) is z where d = 0.
    def ratio_metric(code, name, mx, expr, points, on_zero):
        return {"id": code, "name": name, "max": mx, "source": "data", "inputs": ["numerator", "denominator"],
                "rule": {"kind": "formula", "expr": expr}, "round": 2,
                "meta": {"points": points, "denominator_0": on_zero}}

    def share(code, name, mx, on_zero="0 (max kept)"):
        return ratio_metric(code, name, mx, f"{mx} * ratio(numerator, denominator, 0)", f"{mx} × r", on_zero)

    payment = ("round(6 * ratio(totalDossierOnlinePaymentSuccess, totalDossierFinancialObligation, 0), 2)"
               " + round(min(2, 2.5 * ratio(totalDossierOnlineFormalityPaymentSuccess, totalFeeFormality, 0)), 2)"
               " + round(2.5 * ratio(totalFeeDossierFormality, totalFeeFormality, 0), 2)")
    groups = [
        ("G1", "Công khai, minh bạch", [
            share("PUBLISH_ON_TIME", "Tỷ lệ TTHC công bố đúng hạn", 6),
            share("PUBLIC_UPDATE_ON_TIME", "Tỷ lệ TTHC cập nhật, công khai đúng hạn", 4),
            share("PUBLIC_CONTENT_FULL", "Tỷ lệ TTHC công khai đầy đủ nội dung", 2, "0"),
            share("DOSSIER_SYNC", "Tỷ lệ hồ sơ đồng bộ lên Cổng DVCQG", 6),
        ]),
        ("G2", "Tiến độ giải quyết", [
            share("DVC_PROGRESS_ON_TIME", "Tỷ lệ hồ sơ xử lý đúng hạn (trước hạn, đúng hạn)", 20, "0"),
        ]),
        ("G3", "Dịch vụ công trực tuyến", [
            {"id": "ONLINE_SERVICES", "name": "Dịch vụ công trực tuyến", "max": 12, "source": "data",
             "rule": {"kind": "points"}, "round": 2,
             "meta": {"points": "the group's points as the portal publishes them (it does not publish the "
                                "metrics behind them)"}},
        ]),
        ("G4", "Thanh toán trực tuyến", [
            {"id": "ONLINE_PAYMENT", "name": "Thanh toán trực tuyến", "max": 10, "source": "data",
             "inputs": ["totalDossierOnlinePaymentSuccess", "totalDossierFinancialObligation",
                        "totalDossierOnlineFormalityPaymentSuccess", "totalFeeDossierFormality", "totalFeeFormality"],
             "rule": {"kind": "formula", "expr": payment}, "round": 2,
             "meta": {"points": "round(6A, 2) + round(min(2, 2.5B), 2) + round(2.5C, 2)",
                      "A": "totalDossierOnlinePaymentSuccess / totalDossierFinancialObligation",
                      "B": "totalDossierOnlineFormalityPaymentSuccess / totalFeeFormality",
                      "C": "totalFeeDossierFormality / totalFeeFormality",
                      "denominator_0": "that ratio counts 0"}},
        ]),
        ("G5", "Số hóa hồ sơ", [
            share("ORIGINAL_RESULT_AVAILABLE", "Tỷ lệ hồ sơ TTHC có cấp kết quả giải quyết TTHC điện tử", 6),
            share("SO_HOA_GIAY_TO_GIAI_QUYET", "Tỷ lệ hồ sơ TTHC thực hiện số hóa hồ sơ", 4),
            {"id": "ELECTRONIC_CERTIFIED_COPY",
             "name": "Tỷ lệ cung cấp dịch vụ chứng thực bản sao điện tử từ bản chính", "max": 2, "source": "data",
             "rule": {"kind": "formula", "expr": "2 * x / 100"}, "round": 2,
             "meta": {"points": "2 × rate / 100; the input is the published rate in percent (the portal "
                                "publishes no counts for it)"}},
            ratio_metric("REUSED_DIGITIZED_DATA", "Tỷ lệ hồ sơ khai thác, sử dụng lại thông tin, dữ liệu số hóa", 2,
                         "min(2, 2 * ratio(numerator, denominator, 0) / 0.80)",
                         "min(2, 2 × r / 0.80): full marks at 80 %", "0 (max kept)"),
            share("SYNCED_WITH_DVCQG_PERSONAL_STORAGE",
                  "Tỷ lệ hồ sơ TTHC được số hóa có kết nối, chia sẻ dữ liệu phục vụ tái sử dụng", 4),
            share("CITIZEN_DATA_CONNECTED_DOSSIER", "Tỷ lệ hồ sơ TTHC có sử dụng thông tin, dữ liệu dân cư", 2),
            share("CITIZEN_DATA_CONNECTED_FORMALITY",
                  "Tỷ lệ TTHC triển khai kết nối, chia sẻ dữ liệu dân cư phục vụ GQ TTHC", 2, "0"),
        ]),
        ("G6", "Mức độ hài lòng", [
            ratio_metric("DOSSIER_RECEIVING_SATISFACTION", "Tỷ lệ hài lòng trong tiếp nhận, giải quyết TTHC", 6,
                         "min(6, 6 * ratio(numerator, denominator, 0) / 0.90)",
                         "min(6, 6 × r / 0.90): full marks at 90 %", "0"),
            ratio_metric("PETITION_PROCESSING_ON_TIME", "Tỷ lệ phản ánh, kiến nghị (PAKN) xử lý đúng hạn", 6,
                         "6 * ratio(numerator, denominator, 1)", "6 × r", "6 (no petitions: full marks)"),
            ratio_metric("PETITION_HANDLING_SATISFACTION", "Tỷ lệ hài lòng trong xử lý PAKN", 6,
                         "6 * ratio(numerator, denominator, 1)", "6 × r", "6 (no petitions: full marks)"),
        ]),
    ]
    maxima = {"G1": 18, "G2": 20, "G3": 12, "G4": 10, "G5": 22, "G6": 18}
    children = []
    for gid, name, leaves in groups:
        assert abs(sum(l["max"] for l in leaves) - maxima[gid]) < 1e-9, gid
        # The group's points are the sum of two-decimal figures: rounding it again to two decimals
        # changes no value and keeps float noise out of the group and the total.
        children.append({"id": gid, "name": name, "aggregate": "sum", "round": 2, "children": leaves})
    assert sum(len(c["children"]) for c in children) == 17
    return {
        "format": "chiso-model/1",
        "id": "service-index-766",
        "name": "Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ người dân, doanh nghiệp (766/QĐ-TTg)",
        "description": (
            "The national service index for citizens and businesses of Decision 766/QĐ-TTg (23/6/2022), as "
            "the national public-service portal (dichvucong.gov.vn) scores it today: 6 groups (publicity 18, "
            "progress 20, online services 12, online payment 10, digitisation 22, satisfaction 18; 100 "
            "points) and 17 metrics. OBSERVED, not decided: the metrics, their formulas, the rounding of "
            "each metric to two decimals before the group is summed, and what a denominator of 0 gives were "
            "refitted to every score the portal published for one province (Phú Thọ, month 2026-08: the "
            "province, its agencies and its communes; largest residual 0.005 before rounding). DECIDED: "
            "Decision 766/QĐ-TTg fixes the index, its 100 points and, in its 2022 text, 5 groups "
            "(18/20/22/22/18); the portal has since split 'online services and payment' into 12 + 10. "
            "Inputs are the portal's published figures unchanged: leaf ids are the portal's metric codes; a "
            "ratio metric takes the columns <CODE>.numerator and <CODE>.denominator; ONLINE_PAYMENT takes "
            "the portal's five fields (ONLINE_PAYMENT.totalDossierOnlinePaymentSuccess, …); "
            "ELECTRONIC_CERTIFIED_COPY the published rate in percent; ONLINE_SERVICES the group's published "
            "points. A denominator of 0 counts 0 points with the metric's max kept, except the two petition "
            "metrics, which score full marks (6) when there were no petitions."),
        "meta": {
            "decision": "766/QĐ-TTg (23/6/2022)",
            "version": "portal 2026 (6 groups, 17 metrics)",
            "observed": {
                "source": "scores published by the national public-service portal for Phú Thọ (H44), its "
                          "agencies and communes, month 2026-08, refitted metric by metric",
                "rounding": "each metric's points rounded to 2 decimals half up; a group is the sum of its "
                            "rounded metrics (rounding only the sum reproduces 233 of 328 online-payment "
                            "scores, rounding each term 324 of 328)",
                "caps_not_reached": "the caps at 80 % (REUSED_DIGITIZED_DATA), at 90 % "
                                    "(DOSSIER_RECEIVING_SATISFACTION) and of 2.5B at 2 (ONLINE_PAYMENT) were "
                                    "not reached in the observations",
            },
            "decided": {
                "text": "766/QĐ-TTg: 100 points in 5 groups — publicity 18, progress and results 20, "
                        "digitisation 22, online services (and payment) 22, satisfaction 18; a total of 90–100 "
                        "rates excellent, below 50 weak (en.vneconomy.vn on the decision; the ratings between "
                        "were not found, so the model has no bands)",
                "see": "the 2022 layout is not bundled: its metric-level annex was not found in the sources "
                       "we could reach",
            },
            "seed_2023": "Hanoi 11/2023: index 51.39/100, rank 55/63; dossiers on time 93.79 %; procedures "
                         "with online payment 16.78 %; satisfaction 83.26 % (examples/data/service-index-hanoi-2023.csv)",
            "built_by": "examples/models/build_models.py",
        },
        "scale": 100,
        "rounding": {"digits": 2, "mode": "half_up"},
        "ranking": {"ties": "competition", "by": "all"},
        "missing": "error",
        "root": {"id": "SI", "name": "Chỉ số phục vụ người dân, doanh nghiệp", "aggregate": "sum",
                 "children": children},
    }


SIPAS_ELEMENTS = [
    ("E1", "Tiếp cận dịch vụ", ["Nơi tiếp nhận, trả kết quả dễ tìm, thuận tiện",
                                 "Trang thiết bị phục vụ đầy đủ, dễ sử dụng",
                                 "Có nhiều hình thức tiếp cận (trực tiếp, trực tuyến, bưu chính)"]),
    ("E2", "Thủ tục hành chính", ["TTHC được niêm yết công khai, đầy đủ",
                                   "Thành phần hồ sơ đúng quy định, không yêu cầu thêm",
                                   "Phí, lệ phí đúng quy định",
                                   "Thời hạn giải quyết hợp lý"]),
    ("E3", "Công chức trực tiếp giải quyết", ["Thái độ lịch sự, tôn trọng",
                                              "Hướng dẫn tận tình, dễ hiểu",
                                              "Giải quyết đúng quy định, không gây phiền hà",
                                              "Không có biểu hiện nhũng nhiễu"]),
    ("E4", "Kết quả giải quyết", ["Kết quả đúng quy định",
                                   "Thông tin trong kết quả đầy đủ, chính xác",
                                   "Nhận kết quả đúng hẹn"]),
    ("E5", "Tiếp nhận, xử lý phản ánh, kiến nghị", ["Có bố trí hình thức tiếp nhận phản ánh, kiến nghị",
                                                      "Phản ánh, kiến nghị được tiếp nhận, xử lý tích cực",
                                                      "Kết quả xử lý được thông báo kịp thời"]),
]


def sipas() -> dict:
    elements = []
    for eid, name, questions in SIPAS_ELEMENTS:
        leaves = [{"id": f"{eid}.{k}", "name": text, "max": 1, "source": "survey",
                   "rule": dict(PROP), "meta": {"survey": {"questions": [f"{eid}.{k}"]}}}
                  for k, text in enumerate(questions, start=1)]
        elements.append({"id": eid, "name": name, "aggregate": "mean", "children": leaves})
    return {
        "format": "chiso-model/1",
        "id": "sipas-2023",
        "name": "Chỉ số hài lòng về sự phục vụ hành chính (SIPAS) — mô hình khảo sát",
        "description": (
            "Satisfaction index of public administrative services. SOURCED: the 5 elements (access, "
            "procedure, civil servant, result, handling of feedback), 5-point scales from very "
            "dissatisfied (1) to very satisfied (5), satisfaction rate = share answering satisfied (4) or "
            "very satisfied (5) among valid answers (Ministry of Home Affairs methodology, 2640/QĐ-BNV "
            "for 2017–2020, 1001/QĐ-BNV for 2023–2026; target over 80%, Resolution 30c/NQ-CP). "
            "ILLUSTRATIVE: the wording and number of questions, and equal weights (the index is the mean "
            "of the element indices, each the mean of its questions' satisfaction rates, × 100)."),
        "meta": {"decisions": ["2640/QĐ-BNV", "1001/QĐ-BNV"], "likert": [1, 5], "satisfied": [4, 5]},
        "scale": 100,
        "rounding": {"digits": 2, "mode": "half_up"},
        "ranking": {"ties": "competition", "by": "group"},
        "missing": "exclude",
        "bands": [{"min": 80, "label": "Đạt mục tiêu (> 80%)"}, {"min": 0, "label": "Chưa đạt mục tiêu"}],
        "root": {"id": "SIPAS", "name": "Chỉ số SIPAS", "aggregate": "mean", "children": elements},
    }


# --- Hanoi since the 2025 reform (Decision 5666/QĐ-UBND, 17/11/2025) -------------------------------
# Flags: "x" communes and wards (xã, phường) only, "s" departments (Sở) only, omitted: both.
# A criterion is (name, children) or a leaf (name, max, rule[, flag]). Content 9 (bonus and penalty
# points) is BONUS_PENALTY_2025 below. Every name, point and rule here is ILLUSTRATIVE (5666's
# annex was not found); the 9 contents and the 100 points are sourced.
CONTENTS_2025 = [
    # Vietnamese names translated back from the city's English summary of 5666 (sovhtt.hanoi.gov.vn).
    ("Công tác chỉ đạo, điều hành cải cách hành chính", [
        ("Kế hoạch cải cách hành chính năm", [
            ("Ban hành kế hoạch CCHC năm đúng thời hạn (đúng hạn 1; chậm 0,5; không ban hành 0)", 1, V(0, 0.5, 1)),
            ("Mức độ hoàn thành kế hoạch CCHC", 2, T((100, 2), (90, 1.5), (80, 1), (60, 0.5))),
        ]),
        ("Báo cáo CCHC định kỳ đầy đủ, đúng hạn", 1, YN),
        ("Kiểm tra công tác cải cách hành chính", [
            ("Tỷ lệ phòng, đơn vị trực thuộc được kiểm tra trong năm", 1, T((30, 1), (20, 0.5)), "s"),
            ("Kiểm tra công tác CCHC tại Bộ phận Một cửa và các phòng chuyên môn", 1, P(), "x"),
            ("Xử lý các vấn đề phát hiện qua kiểm tra", 1, P()),
        ]),
        ("Công tác thông tin, tuyên truyền cải cách hành chính", 1, P()),
        ("Thực hiện nhiệm vụ Thành phố giao về cải cách hành chính", 2, T((100, 2), (90, 1), (80, 0.5))),
    ]),
    ("Cải cách thể chế", [
        ("Xây dựng, ban hành văn bản quy phạm pháp luật", [
            ("Thực hiện chương trình, kế hoạch xây dựng văn bản QPPL", 1.5, T((100, 1.5), (80, 0.75))),
            ("Lấy ý kiến, thẩm định văn bản QPPL theo quy định", 1, YN),
        ]),
        ("Rà soát, hệ thống hóa văn bản QPPL", [
            ("Ban hành kế hoạch rà soát văn bản QPPL", 0.5, YN),
            ("Xử lý kết quả rà soát", 1, P()),
        ]),
        ("Tự kiểm tra, xử lý văn bản theo thẩm quyền", 1, P()),
        ("Theo dõi tình hình thi hành pháp luật", 1.5, P()),
        ("Tổ chức thi hành pháp luật trong ngành, lĩnh vực quản lý", 1, P(), "s"),
        ("Xây dựng xã, phường đạt chuẩn tiếp cận pháp luật", 1, YN, "x"),
    ]),
    ("Cải cách thủ tục hành chính và thực hiện cơ chế một cửa, một cửa liên thông", [
        ("Kiểm soát thủ tục hành chính", [
            ("Ban hành kế hoạch kiểm soát TTHC", 0.5, YN),
            ("Rà soát, đơn giản hóa TTHC theo kế hoạch", 1.5, P()),
            ("Trình công bố danh mục TTHC đúng thời hạn", 1, YN, "s"),
            ("Công khai TTHC đầy đủ, đúng quy định tại Bộ phận Một cửa", 1, YN, "x"),
        ]),
        ("Thực hiện cơ chế một cửa, một cửa liên thông", [
            ("Tỷ lệ hồ sơ TTHC giải quyết đúng hạn", 3, T((100, 3), (98, 2.5), (95, 2), (90, 1))),
            ("Thực hiện thư xin lỗi đối với hồ sơ quá hạn", 1, YN),
            ("Tỷ lệ hồ sơ, kết quả giải quyết TTHC được số hóa", 2, T((100, 2), (80, 1.5), (50, 0.5))),
            ("Tiếp nhận hồ sơ không phụ thuộc địa giới hành chính", 1, P(), "x"),
            ("Giải quyết TTHC tại Trung tâm Phục vụ hành chính công Thành phố", 1, P(), "s"),
        ]),
        ("Xử lý phản ánh, kiến nghị về TTHC đúng hạn", 1, T((100, 1), (90, 0.5))),
        ("Chỉ số phục vụ người dân, doanh nghiệp (766/QĐ-TTg) của đơn vị trên Cổng DVC quốc gia",
         2, T((90, 2), (80, 1.5), (70, 1), (60, 0.5))),
    ]),
    ("Cải cách tổ chức bộ máy hành chính nhà nước", [
        ("Tổ chức bộ máy theo mô hình chính quyền địa phương hai cấp", [
            ("Thực hiện quy định về chức năng, nhiệm vụ, cơ cấu tổ chức", 2, P()),
            ("Thực hiện quy định về số lượng cấp phó", 1, YN),
        ]),
        ("Quản lý biên chế", [
            ("Sử dụng biên chế được giao đúng quy định", 1, YN),
            ("Tinh giản biên chế theo kế hoạch", 1, T((100, 1), (80, 0.5))),
        ]),
        ("Thực hiện nhiệm vụ được phân cấp, phân quyền, ủy quyền", 2.5, P()),
    ]),
    ("Cải cách chế độ công vụ", [
        ("Vị trí việc làm", [
            ("Phê duyệt, điều chỉnh vị trí việc làm", 1, YN),
            ("Bố trí công chức theo vị trí việc làm", 1, T((100, 1), (90, 0.5))),
        ]),
        ("Tuyển dụng, sử dụng công chức", [
            ("Tuyển dụng, tiếp nhận công chức đúng quy định", 1, P()),
            ("Bổ nhiệm lãnh đạo cấp phòng đúng quy trình", 1, YN, "s"),
            ("Bố trí cán bộ, công chức cấp xã sau sắp xếp theo quy định", 1, YN, "x"),
        ]),
        ("Đánh giá, đào tạo công chức", [
            ("Đánh giá, xếp loại công chức đúng thời hạn", 1, YN),
            ("Tỷ lệ công chức được đào tạo, bồi dưỡng", 1, T((100, 1), (80, 0.5))),
        ]),
        ("Kỷ luật, kỷ cương hành chính", [
            ("Kiểm tra công vụ, công chức", 1, P()),
            ("Xử lý công chức vi phạm", 1, P()),
        ]),
        ("Thực hiện văn hóa công vụ", 1.5, P()),
    ]),
    ("Cải cách tài chính công", [
        ("Quản lý, sử dụng ngân sách", [
            ("Tỷ lệ giải ngân vốn đầu tư công", 2, T((95, 2), (80, 1.5), (60, 0.5))),
            ("Thực hiện công khai ngân sách", 1, YN),
            ("Thực hiện kết luận thanh tra, kiểm toán", 1, P()),
        ]),
        ("Thực hiện tự chủ của đơn vị sự nghiệp công lập", 1, T((100, 1), (50, 0.5)), "s"),
        ("Thu ngân sách trên địa bàn đạt dự toán", 1, T((100, 1), (90, 0.5)), "x"),
        ("Quản lý, sử dụng tài sản công đúng quy định", 1.5, P()),
    ]),
    ("Xây dựng và phát triển chính quyền điện tử, chính quyền số", [
        ("Hạ tầng, ứng dụng công nghệ thông tin", [
            ("Ban hành kế hoạch chuyển đổi số", 0.5, YN),
            ("Tỷ lệ văn bản điện tử có chữ ký số", 1, T((95, 1), (80, 0.5))),
            ("Bảo đảm an toàn, an ninh thông tin", 1, P()),
        ]),
        ("Dịch vụ công trực tuyến", [
            ("Tỷ lệ hồ sơ trực tuyến toàn trình", 2, T((80, 2), (60, 1.5), (40, 0.5))),
            ("Tỷ lệ hồ sơ thanh toán trực tuyến", 1.5, T((50, 1.5), (30, 0.75))),
            ("Tỷ lệ hồ sơ được cấp kết quả điện tử", 1.5, T((100, 1.5), (80, 0.75))),
        ]),
        ("Triển khai Đề án 06 (dữ liệu dân cư)", 1.5, P()),
        ("Sử dụng nền tảng số dùng chung của Thành phố (iHanoi)", 1, P()),
    ]),
    ("Tác động của cải cách hành chính đến phát triển kinh tế – xã hội của Thành phố", [
        ("Mức độ thực hiện chỉ tiêu phát triển kinh tế – xã hội được giao", 3, T((100, 3), (90, 2), (80, 1)), "x"),
        ("Mức độ hoàn thành chỉ tiêu ngành, lĩnh vực được giao", 3, T((100, 3), (90, 2), (80, 1)), "s"),
        ("Giải quyết đơn thư, khiếu nại, tố cáo đúng hạn", 1.5, T((100, 1.5), (90, 0.75))),
        ("Bảo đảm an ninh, trật tự trên địa bàn", 1.5, P(), "x"),
        ("Hỗ trợ doanh nghiệp, thu hút đầu tư trong ngành, lĩnh vực", 1.5, P(), "s"),
        ("Kết quả các chỉ số PAR INDEX, SIPAS, PAPI, PCI, DDCI liên quan đến đơn vị", 1, P(0.5)),
    ]),
]

# Survey criteria per content: (question id, name, max, "p" proportional or "t" tiers[, flag]).
# Content 3 holds the satisfaction of citizens and businesses measured by the city's SIPAS method
# (5997/QĐ-UBND, after 1001/QĐ-BNV): one criterion per SIPAS element, pooling that element's questions
# (the question ids of sipas-2023.json). The other questions (KS..) are put to the survey groups of
# plan 307/KH-UBND (city council deputies, leaders of the departments' divisions, commune leaders).
SIPAS_2025 = [(eid, name, [f"{eid}.{k}" for k in range(1, len(questions) + 1)])
              for eid, name, questions in SIPAS_ELEMENTS]
SURVEY_2025 = [
    [("KS01", "Đánh giá của đại biểu HĐND Thành phố về công tác chỉ đạo, điều hành CCHC", 1.5, "p"),
     ("KS02", "Đánh giá của lãnh đạo, công chức về việc thực hiện kế hoạch CCHC", 1.5, "p")],
    [("KS03", "Chất lượng văn bản do đơn vị tham mưu, ban hành", 1, "p"),
     ("KS04", "Tính khả thi của văn bản do đơn vị tham mưu, ban hành", 1, "p")],
    [],  # content 3: SIPAS_2025
    [("KS05", "Sự phù hợp của tổ chức bộ máy sau sắp xếp", 1, "p"),
     ("KS06", "Hiệu quả phân cấp, phân quyền", 1, "p")],
    [("KS07", "Năng lực, tinh thần trách nhiệm của cán bộ, công chức", 1.5, "t"),
     ("KS08", "Công khai, minh bạch trong tuyển dụng, bố trí công chức", 1, "p")],
    [("KS09", "Công khai, minh bạch tài chính, ngân sách", 2, "p")],
    [("KS10", "Mức độ hài lòng về dịch vụ công trực tuyến", 1.5, "t"),
     ("KS11", "Hiệu quả ứng dụng nền tảng số trong chỉ đạo, điều hành", 1, "p")],
    [("KS12", "Tác động của CCHC đến phát triển kinh tế – xã hội", 3, "t"),
     ("KS13", "Tác động của CCHC đến đời sống người dân trên địa bàn", 3, "t", "x"),
     ("KS14", "Tác động của CCHC đến hoạt động của doanh nghiệp trong ngành, lĩnh vực", 3, "t", "s")],
]
SIPAS_ELEMENT_POINTS_2025 = 2

# Content 9: bonus and penalty points, capped as a whole (points_min / points_max).
BONUS_PENALTY_2025 = [
    ("Điểm thưởng: sáng kiến, giải pháp CCHC được Thành phố công nhận (0,5 điểm/sáng kiến, tối đa 1)", BON(0.5, 1)),
    ("Điểm thưởng: mô hình, cách làm hay về CCHC được Thành phố nhân rộng (0,5 điểm/mô hình, tối đa 1)", BON(0.5, 1)),
    ("Điểm thưởng: đơn vị được khen thưởng về CCHC (0,5 điểm/lần, tối đa 1)", BON(0.5, 1)),
    ("Điểm trừ: văn bản bị cơ quan có thẩm quyền kết luận trái pháp luật (0,25 điểm/văn bản, tối đa 1)", DED(0.25, 1)),
    ("Điểm trừ: hồ sơ TTHC quá hạn không có văn bản xin lỗi (0,25 điểm/hồ sơ, tối đa 1)", DED(0.25, 1)),
    ("Điểm trừ: cán bộ, công chức bị kỷ luật (0,5 điểm/người, tối đa 1,5)", DED(0.5, 1.5)),
    ("Điểm trừ: nhiệm vụ CCHC Thành phố giao thực hiện chậm (0,25 điểm/nhiệm vụ, tối đa 1)", DED(0.25, 1)),
    ("Điểm trừ: phản ánh về nhũng nhiễu, gây phiền hà được xác minh đúng (0,5 điểm/vụ, tối đa 1)", DED(0.5, 1)),
]
BONUS_PENALTY_LIMITS_2025 = (-3, 2)  # points_min, points_max of content 9 (illustrative)
CONTENT_9_NAME = "Điểm thưởng, điểm trừ trong công tác cải cách hành chính"

SOURCING_2025 = {
    "sourced": [
        "Decision 5666/QĐ-UBND of Hanoi People's Committee (17/11/2025): PAR index of departments, "
        "department-equivalent agencies and commune/ward People's Committees for 2025 and subsequent years; "
        "8 evaluation contents and a 9th content of bonus and penalty points, in this order, on a scale of 100 "
        "(city summary: sovhtt.hanoi.gov.vn/en/?p=30628); it follows MoHA Decision 1187/QĐ-BNV (15/10/2025)",
        "Plan 307/KH-UBND (17/11/2025): units self-assess with evidence and report to the Department of Home "
        "Affairs before 01/2026; sociological survey of city council deputies, leaders of the departments' "
        "divisions and commune authorities, and of citizens and businesses by the SIPAS method "
        "(sovhtt.hanoi.gov.vn/en/hanoi-implements-assessment-of-administrative-reform-index-for-2025)",
        "Decision 5997/QĐ-UBND (2/12/2025): the city's method for measuring the satisfaction of citizens and "
        "organisations from 2025, based on 1001/QĐ-BNV (11/12/2023) and 5666 (hethongphapluat.com); its five "
        "elements (access, procedure, civil servant, result, handling of feedback) are those of 1001/QĐ-BNV",
        "index = achieved points / max points × 100 with two decimals (national method, 876/QĐ-BNV)",
    ],
    "illustrative": [
        "the Vietnamese names of the 9 contents are translated back from the city's English summary; "
        "5666's annex (criteria tables) was not found",
        "every criterion's wording, maximum points and scoring rule; appraisal 70 + survey 30 points",
        "the bonus and penalty criteria, their rates and caps, and the caps of content 9 as a whole "
        "(+2 / −3 points)",
        "the survey questions KS01–KS14 and the satisfaction tiers (≥ 90 % full, ≥ 80 % three quarters, "
        "≥ 70 % half); each SIPAS element weighs 2 points",
        "the bands (Xuất sắc ≥ 90, Tốt ≥ 80, Khá ≥ 70)",
    ],
    "built_by": "examples/models/build_models.py",
}


def build_2025(flag: str, model_id: str, name: str, description: str, meta: dict, expected: tuple) -> dict:
    """A 2025 Hanoi model (5666/QĐ-UBND): contents A1–A8 (appraisal criteria, then the survey
    criteria of the content) and A9, the bonus and penalty points."""
    contents = []
    appraisal_count = survey_count = 0
    for a, (content_name, criteria) in enumerate(CONTENTS_2025, start=1):
        children = []
        number = 0
        for item in criteria:
            if isinstance(item[1], list):
                sub = [leaf for leaf in item[1] if len(leaf) <= 3 or leaf[3] == flag]
                if not sub:
                    continue
                number += 1
                cid = f"A{a}.{number}"
                kids = [make_leaf(f"{cid}.{k}", leaf) for k, leaf in enumerate(sub, start=1)]
                appraisal_count += len(kids)
                children.append({"id": cid, "name": item[0], "aggregate": "sum", "children": kids})
            elif len(item) <= 3 or item[3] == flag:
                number += 1
                children.append(make_leaf(f"A{a}.{number}", item))
                appraisal_count += 1
        if a == 3:
            number += 1
            cid = f"A3.{number}"
            kids = [{"id": f"{cid}.{k}", "name": f"Mức độ hài lòng của người dân, tổ chức: {ename}",
                     "max": SIPAS_ELEMENT_POINTS_2025, "source": "survey",
                     "rule": SURVEY_TIERS(SIPAS_ELEMENT_POINTS_2025), "round": SURVEY_DIGITS,
                     "meta": {"survey": {"questions": questions}}}
                    for k, (_, ename, questions) in enumerate(SIPAS_2025, start=1)]
            survey_count += len(kids)
            children.append({"id": cid, "name": "Chỉ số hài lòng của người dân, tổ chức (SIPAS, 5997/QĐ-UBND)",
                             "aggregate": "sum",
                             "description": "Tỷ lệ hài lòng (trả lời 4 hoặc 5 trên thang 1–5) theo từng yếu tố "
                                            "của phương pháp SIPAS.",
                             "children": kids})
        survey = [q for q in SURVEY_2025[a - 1] if len(q) <= 4 or q[4] == flag]
        if survey:
            number += 1
            cid = f"A{a}.{number}"
            kids = [{"id": f"{cid}.{k}", "name": q_name, "max": q_max, "source": "survey",
                     "rule": dict(PROP) if kind == "p" else SURVEY_TIERS(q_max), "round": SURVEY_DIGITS,
                     "meta": {"survey": {"questions": [qid]}}}
                    for k, (qid, q_name, q_max, kind, *_) in enumerate(survey, start=1)]
            survey_count += len(kids)
            children.append({"id": cid, "name": "Điều tra xã hội học", "aggregate": "sum",
                             "description": "Tỷ lệ hài lòng (trả lời 4 hoặc 5 trên thang 1–5) của các nhóm đối "
                                            "tượng điều tra (307/KH-UBND).",
                             "children": kids})
        contents.append({"id": f"A{a}", "name": content_name, "aggregate": "sum", "children": children})
    low, high = BONUS_PENALTY_LIMITS_2025
    bonus_penalty = [{"id": f"A9.{k}", "name": text, "rule": rule}
                     for k, (text, rule) in enumerate(BONUS_PENALTY_2025, start=1)]
    contents.append({"id": "A9", "name": CONTENT_9_NAME, "aggregate": "sum", "points_min": low, "points_max": high,
                     "description": "Điểm thưởng cộng, điểm trừ trừ vào tổng điểm; cả nội dung được giới hạn "
                                    f"trong [−{-low:g}; +{high:g}] điểm.",
                     "children": bonus_penalty})
    assert (appraisal_count, survey_count) == expected, (model_id, appraisal_count, survey_count)
    total = sum(area_max(c) for c in contents)  # content 9 has max 0
    survey_points = sum(_survey_maxima(contents))
    assert abs(total - 100) < 1e-9 and abs(survey_points - 30) < 1e-9, \
        (model_id, total, survey_points, [area_max(c) for c in contents])
    return model_document(model_id, name, description, dict(meta, groups=GROUP_NAMES),
                          {"id": "PAR", "name": "Chỉ số cải cách hành chính", "aggregate": "sum", "children": contents},
                          ranked_by="all", missing="error", bands=BANDS_DISTRICT, clamp=True)


def _survey_maxima(node_list: list):
    for node in node_list:
        if "children" in node:
            yield from _survey_maxima(node["children"])
        elif node.get("source") == "survey":
            yield node["max"]


HISTORICAL = ("HISTORICAL: Vietnam has had two levels of local government since 1/7/2025; Hanoi's districts "
              "were abolished and its PAR index is scored under Decision 5666/QĐ-UBND (17/11/2025) from 2025 on "
              "(hanoi-par-commune-2025.json, hanoi-par-department-2025.json). ")


def asem_composite() -> dict:
    """COINr's ASEM index: each iMeta row a node (indicators, pillars, sub-indices, the index),
    children in row order, every aggregate the weighted arithmetic mean COINr's example uses."""
    rows = [r for r in csv.DictReader(ASEM_IMETA.open(encoding="utf-8")) if r["Type"] in ("Indicator", "Aggregate")]

    def node(row: dict) -> dict:
        out = {"id": row["iCode"], "name": row["iName"]}
        if float(row["Weight"]) != 1:
            out["weight"] = float(row["Weight"])
        if row["Type"] == "Indicator":
            rule = {"kind": "indicator",
                    "direction": "lower_is_better" if row["Direction"] == "-1" else "higher_is_better"}
            if row["Target"] != "NA":
                rule["target"] = float(row["Target"])
            if row["Denominator"] != "NA":
                rule["denominator"] = row["Denominator"]
            out.update({"source": "data", "meta": {"unit": row["Unit"]}, "rule": rule})
            return out
        out.update({"aggregate": "mean", "children": [node(r) for r in rows if r["Parent"] == row["iCode"]]})
        return out

    (root,) = [r for r in rows if r["Parent"] == "NA"]
    return {"format": "chiso-model/1", "id": "asem-composite", "name": "ASEM Sustainable Connectivity Index",
            "description": "COINr's example composite index (COINr 1.1.14, ASEM_iMeta; MIT licence): 51 "
                           "ASEM countries, 49 indicators in 8 pillars, 2 sub-indices (Connectivity, "
                           "Sustainability) and the index, weighted arithmetic means. A composite index: its "
                           "indicators are normalised across units by chiso.analysis.Pipeline.",
            "meta": {"source": "COINr 1.1.14 ASEM example (tests/data/asem)", "licence": "MIT"},
            "root": node(root)}


def main() -> None:
    district = build(
        "d", "hanoi-par-district-2023", "Chỉ số CCHC của UBND các quận, huyện, thị xã — Hà Nội 2023",
        HISTORICAL +
        "PAR index of Hanoi's district-level People's Committees (quận, huyện, thị xã), 2023: 8 areas of "
        "Decision 4190/QĐ-UBND (22/8/2023), 102 criteria = 80 appraisal + 22 sociological-survey criteria "
        "(sourced counts). Criterion wording, points and rules are ILLUSTRATIVE (modelled on provincial "
        "self-assessment guides), not the text of 4190's annex. Survey criteria take the satisfaction rate "
        "(fraction 0–1) of the questions named in their meta.survey.",
        dict(SOURCING, decision="4190/QĐ-UBND (22/8/2023)", units="UBND quận, huyện, thị xã (30)",
             status="historical (districts abolished 1/7/2025)"),
        (80, 22))
    department = build(
        "s", "hanoi-par-department-2023", "Chỉ số CCHC của các Sở, cơ quan tương đương Sở — Hà Nội 2023",
        HISTORICAL +
        "PAR index of Hanoi's departments (Sở) and equivalent bodies, 2023: the 8 areas of Decision "
        "4190/QĐ-UBND (22/8/2023); criteria of district affairs (commune level, local investment) are left "
        "out and department ones added: 71 appraisal + 12 survey criteria, 79 points in all, the index being "
        "points / max × 100. Criterion wording, points, rules and the choice of survey criteria are "
        "ILLUSTRATIVE.",
        dict(SOURCING, decision="4190/QĐ-UBND (22/8/2023)", units="Sở, cơ quan tương đương Sở",
             status="historical (replaced by 5666/QĐ-UBND from 2025)"),
        (71, 12))
    reform = ("Decision 5666/QĐ-UBND (17/11/2025) of Hanoi People's Committee, for 2025 and subsequent years: "
              "8 evaluation contents and a 9th content of bonus and penalty points (A9, a sum of bonus and "
              "deduction criteria capped as a whole by points_min/points_max), on 100 points (SOURCED). "
              "Surveys per plan 307/KH-UBND and, for citizens and businesses, the city's SIPAS method of "
              "5997/QĐ-UBND (five elements of 1001/QĐ-BNV, SOURCED). The criteria, their points and rules, "
              "the bonus and penalty rates and caps are ILLUSTRATIVE: 5666's annex was not found "
              "(meta.sourced / meta.illustrative say exactly what is what). ")
    commune = build_2025(
        "x", "hanoi-par-commune-2025", "Chỉ số CCHC của UBND các xã, phường — Hà Nội 2025",
        "PAR index of the People's Committees of Hanoi's 126 communes and wards (51 phường, 75 xã; Resolution "
        "1656/NQ-UBTVQH15 of 16/6/2025), from 2025. " + reform +
        "54 appraisal + 18 survey criteria; appraisal 70 + survey 30 points; all 126 units ranked together.",
        dict(SOURCING_2025, decision="5666/QĐ-UBND (17/11/2025)", version="2025",
             units="UBND xã, phường (126: Nghị quyết 1656/NQ-UBTVQH15)"),
        (54, 18))
    department_2025 = build_2025(
        "s", "hanoi-par-department-2025", "Chỉ số CCHC của các Sở, cơ quan tương đương Sở — Hà Nội 2025",
        "PAR index of Hanoi's departments (Sở) and department-equivalent agencies, from 2025. " + reform +
        "54 appraisal + 18 survey criteria; appraisal 70 + survey 30 points.",
        dict(SOURCING_2025, decision="5666/QĐ-UBND (17/11/2025)", version="2025",
             units="Sở, cơ quan tương đương Sở"),
        (54, 18))
    for name, document in [("hanoi-par-district-2023", district), ("hanoi-par-department-2023", department),
                           ("hanoi-par-commune-2025", commune), ("hanoi-par-department-2025", department_2025),
                           ("service-index-766", service_index()), ("sipas-2023", sipas()),
                           ("asem-composite", asem_composite())]:
        (HERE / f"{name}.json").write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n",
                                           encoding="utf-8")


if __name__ == "__main__":
    main()
