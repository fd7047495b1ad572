"""Writes the bundled PAR models of examples/models from the tables below.

    python examples/models/build_models.py

The JSON files are committed; this script is how they were made and how to change them (edit a
table, re-run, review the diff). It checks what FORMAT.md asks of a model that the core would
also reject (area sums, tier order) and the counts the seed reports (80 + 22 = 102 criteria).

Sourced vs illustrative: the 8 areas, their order and names, the 80 appraisal + 22 survey
criteria of a district, self-assessment then appraisal, and "index = points / max × 100" come from
Decision 4190/QĐ-UBND (22/8/2023) of Hanoi, its 2023 plans 243/KH-UBND (5/10/2023) and
280/KH-UBND (28/11/2023, sociological survey), and the national method (876/QĐ-BNV, 1150/QĐ-BNV).
The wording of each criterion, its points and its scoring rule are ILLUSTRATIVE: modelled on
published provincial guides (e.g. Cà Mau 1880/QĐ-UBND tiers "> 90% → 2, 70–90% → 1"), not copied
from 4190's annex, which was not available to us.
"""
from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent


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
                    "rule": dict(PROP) if kind == "p" else SURVEY_TIERS(s_max),
                    "meta": {"survey": {"questions": [qid]}},
                })
            survey_count += len(kids)
            children.append({"id": cid, "name": "Điều tra xã hội học", "aggregate": "sum",
                             "description": "Tỷ lệ hài lòng (trả lời 4 hoặc 5 trên thang 1–5) từ điều tra xã hội học.",
                             "children": kids})
        areas.append({"id": f"A{a}", "name": area_name, "aggregate": "sum", "children": children})
    assert (appraisal_count, survey_count) == expected, (model_id, appraisal_count, survey_count)
    model = {
        "format": "chiso-model/1",
        "id": model_id,
        "name": name,
        "description": description,
        "meta": meta,
        "scale": 100,
        "rounding": {"digits": 2, "mode": "half_up"},
        "ranking": {"ties": "competition", "by": "group"},
        "missing": "error",
        "bands": BANDS_DISTRICT,
        "root": {"id": "PAR", "name": "Chỉ số cải cách hành chính", "aggregate": "sum", "children": areas},
    }
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
    """The national service index for citizens and businesses (766/QĐ-TTg), as the national
    public-service portal computes it: 6 groups totalling 100 points, each indicator a rate."""

    def prop(id_, name, mx, sourced):
        return {"id": id_, "name": name, "max": mx, "source": "data",
                "rule": {"kind": "proportional", "unit": "percent"},
                "meta": {"mapping": "points = max × rate", "sourced": sourced}}

    def capped(id_, name, mx, target, sourced):
        return {"id": id_, "name": name, "max": mx, "source": "data",
                "rule": {"kind": "linear", "lower": 0, "upper": target},
                "meta": {"mapping": f"points = min({mx:g}, {mx:g} × rate / {target / 100:.2f})", "sourced": sourced}}

    groups = [
        ("G1", "Công khai, minh bạch", [
            prop("G1.1", "Tỷ lệ TTHC được công bố, công khai đúng hạn, đầy đủ", 6, False),
            prop("G1.2", "Tỷ lệ hồ sơ đồng bộ trạng thái lên Cổng Dịch vụ công quốc gia", 4, False),
            prop("G1.3", "Tỷ lệ TTHC có cấu hình dịch vụ công trực tuyến trên Cổng", 2, False),
            prop("G1.4", "Tỷ lệ hồ sơ được cập nhật, công khai tiến độ giải quyết", 6, False),
        ]),
        ("G2", "Tiến độ, kết quả giải quyết", [
            prop("G2.1", "Tỷ lệ hồ sơ trực tuyến được giải quyết đúng hạn", 20, True),
        ]),
        ("G3", "Cung cấp dịch vụ trực tuyến", [
            prop("G3.1", "Tỷ lệ TTHC cung cấp dịch vụ công trực tuyến toàn trình", 6, False),
            prop("G3.2", "Tỷ lệ hồ sơ được tiếp nhận trực tuyến", 6, False),
        ]),
        ("G4", "Thanh toán trực tuyến", [
            prop("G4.1", "Tỷ lệ TTHC có phát sinh giao dịch thanh toán trực tuyến", 5, False),
            prop("G4.2", "Tỷ lệ hồ sơ thanh toán trực tuyến", 5, False),
        ]),
        ("G5", "Số hóa hồ sơ", [
            prop("G5.1", "Tỷ lệ hồ sơ được số hóa khi tiếp nhận", 10, False),
            prop("G5.2", "Tỷ lệ kết quả giải quyết TTHC được số hóa", 10, False),
            capped("G5.3", "Tỷ lệ khai thác, tái sử dụng dữ liệu số hóa", 2, 80, True),
        ]),
        ("G6", "Mức độ hài lòng", [
            capped("G6.1", "Mức độ hài lòng trong tiếp nhận, giải quyết TTHC", 6, 90, True),
            {"id": "G6.2", "name": "Tỷ lệ phản ánh, kiến nghị được xử lý (100% khi không có phản ánh)", "max": 6,
             "source": "data", "rule": {"kind": "proportional", "unit": "percent"},
             "meta": {"mapping": "points = 6 × rate; 6 when there were no complaints (enter 100)", "sourced": True}},
            prop("G6.3", "Mức độ hài lòng về dịch vụ công trực tuyến", 6, False),
        ]),
    ]
    maxima = {"G1": 18, "G2": 20, "G3": 12, "G4": 10, "G5": 22, "G6": 18}
    children = []
    for gid, name, leaves in groups:
        assert abs(sum(l["max"] for l in leaves) - maxima[gid]) < 1e-9, gid
        children.append({"id": gid, "name": name, "aggregate": "sum", "children": leaves})
    return {
        "format": "chiso-model/1",
        "id": "service-index-766",
        "name": "Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ người dân, doanh nghiệp (766/QĐ-TTg)",
        "description": (
            "The national service index for citizens and businesses, Decision 766/QĐ-TTg (23/6/2022), "
            "measured on the national public-service portal from real-time data; 100 points. This model "
            "follows the portal's current 6 groups: publicity 18 (6 + 4 + 2 + 6), progress 20 "
            "(= 20 × on-time rate), online services 12, online payment 10, digitisation 22, satisfaction "
            "18 (6 + 6 + 6). The decision's text of 2022 has 5 groups (18/20/22/22/18). Inputs are rates in "
            "percent. SOURCED: group maxima; on-time processing 20 × rate; dossier satisfaction "
            "min(6, 6 × rate / 0.90); complaint handling 6 × rate (6 when there were no complaints); reuse "
            "of digitised data min(2, 2 × rate / 0.80) — these mappings are reverse-engineered from the "
            "portal, not official. ILLUSTRATIVE: the split of groups 1, 3, 4 and 5 into indicators and their "
            "names; those indicators use points = max × rate. Seed (Hanoi, 11/2023): 51.39/100, rank 55/63; "
            "online dossiers on time 93.79%; procedures with online payment 16.78%; satisfaction 83.26%."),
        "meta": {
            "decision": "766/QĐ-TTg (23/6/2022)",
            "version": "portal 2023 (6 groups)",
            "seed_check": {"G2.1": [93.79, 18.758], "G4.1": [16.78, 0.839], "G6.1": [83.26, 5.550667]},
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


def main() -> None:
    district = build(
        "d", "hanoi-par-district-2023", "Chỉ số CCHC của UBND các quận, huyện, thị xã — Hà Nội 2023",
        "PAR index of Hanoi's district-level People's Committees (quận, huyện, thị xã), 2023: 8 areas of "
        "Decision 4190/QĐ-UBND (22/8/2023), 102 criteria = 80 appraisal + 22 sociological-survey criteria "
        "(sourced counts). Criterion wording, points and rules are ILLUSTRATIVE (modelled on provincial "
        "self-assessment guides), not the text of 4190's annex. Survey criteria take the satisfaction rate "
        "(fraction 0–1) of the questions named in their meta.survey.",
        dict(SOURCING, decision="4190/QĐ-UBND (22/8/2023)", units="UBND quận, huyện, thị xã (30)"),
        (80, 22))
    department = build(
        "s", "hanoi-par-department-2023", "Chỉ số CCHC của các Sở, cơ quan tương đương Sở — Hà Nội 2023",
        "PAR index of Hanoi's departments (Sở) and equivalent bodies, 2023: the 8 areas of Decision "
        "4190/QĐ-UBND (22/8/2023); criteria of district affairs (commune level, local investment) are left "
        "out and department ones added: 71 appraisal + 12 survey criteria, 79 points in all, the index being "
        "points / max × 100. Criterion wording, points, rules and the choice of survey criteria are "
        "ILLUSTRATIVE.",
        dict(SOURCING, decision="4190/QĐ-UBND (22/8/2023)", units="Sở, cơ quan tương đương Sở"),
        (71, 12))
    for name, document in [("hanoi-par-district-2023", district), ("hanoi-par-department-2023", department),
                           ("service-index-766", service_index()), ("sipas-2023", sipas())]:
        (HERE / f"{name}.json").write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n",
                                           encoding="utf-8")


if __name__ == "__main__":
    main()
