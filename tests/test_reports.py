"""Documents read back from DOCX, XLSX and HTML: the right numbers, names and references in the right
places; same inputs, same bytes."""

from __future__ import annotations

from datetime import date

import pytest
from docx import Document as read_docx
from openpyxl import load_workbook

from reports import documents as docs
from reports.docx import render_docx
from reports.html import render_html
from reports.model import Frame, Signature
from base.vn import day_line, doc_number, in_words, number, percent
from reports.xlsx import render_xlsx

FRAME = Frame("UBND tỉnh Lai Châu", "Sở Khoa học và Công nghệ", "SKHCN", "KH", "Lai Châu", date(2024, 6, 17), 778,
              ("Sở Nội vụ", "Các phòng, đơn vị thuộc Sở", "Lưu: VT, VP"),
              Signature("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Tấn Quang"))


@pytest.mark.parametrize("amount, words", [
    (0, "Không"), (5, "Năm"), (15, "Mười lăm"), (21, "Hai mươi mốt"), (105, "Một trăm linh năm"),
    (1234, "Một nghìn hai trăm ba mươi tư"), (2_340_000, "Hai triệu ba trăm bốn mươi nghìn"),
    (7_020_000, "Bảy triệu không trăm hai mươi nghìn"), (1_500_000_000, "Một tỷ năm trăm triệu"),
])
def test_amounts_in_words(amount, words):
    assert in_words(amount) == words


def test_vietnamese_numbers_and_dates():
    assert (number(1234567.5, 1), number(118.0, 2), percent(0.983)) == ("1.234.567,5", "118", "98,3%")
    assert day_line("Ninh Thuận", date(2024, 1, 5)) == "Ninh Thuận, ngày 05 tháng 01 năm 2024"
    assert day_line("Lai Châu", date(2024, 6, 17)) == "Lai Châu, ngày 17 tháng 6 năm 2024"
    assert doc_number(778, "KH", "SKHCN") == "Số: 778/KH-SKHCN" and doc_number(5, "QĐ", "UBND") == "Số: 05/QĐ-UBND"


def seed_000_plan() -> docs.YearPlan:
    """Seed 000 (KH 778/KH-SKHCN of 17/6/2024) as a context."""
    return docs.YearPlan(
        2024, "Sở Khoa học và Công nghệ tỉnh Lai Châu",
        ("Căn cứ Kế hoạch số 1623/KH-SKHCN ngày 13/12/2023 của Sở Khoa học và Công nghệ về cải cách hành chính năm 2024.",),
        (docs.TargetLine("Chỉ số PAR INDEX", 84.1, 5, "từ 85 điểm trở lên", "giữ thứ hạng năm 2023", "Văn phòng Sở"),
         docs.TargetLine("Chỉ số SIPAS", 94.5, 9, "từ 96% trở lên", "tăng 2–4 bậc", "Văn phòng Sở")),
        (docs.AreaTasks("1.7", "Xây dựng và phát triển chính quyền điện tử, chính quyền số",
                        ("Ký số 100% văn bản đi, trừ văn bản mật.",), "Trung tâm Kiểm định và Phát triển KH&CN",
                        "Các phòng, đơn vị thuộc Sở", "Quý III/2024"),),
        (docs.AreaTasks("1.1", "Công tác chỉ đạo, điều hành",
                        ("Thực hiện kịp thời, đầy đủ chế độ thông tin báo cáo các lĩnh vực CCHC theo quy định.",),
                        "Văn phòng Sở", "Các phòng, đơn vị thuộc Sở"),
         docs.AreaTasks("1.6", "Cải cách tài chính công", ("Công khai minh bạch trong quản lý thu, chi ngân sách.",),
                        "Chi cục Tiêu chuẩn Đo lường Chất lượng; Trung tâm Kiểm định và Phát triển KH&CN",
                        "Thanh tra Sở, Phòng Quản lý khoa học và công nghệ")))


def board() -> docs.Scoreboard:
    return docs.Scoreboard(
        2024, "Bộ chỉ số 766", "Quyết định số 766/QĐ-TTg", (("1", "Công khai, minh bạch"), ("2", "Tiến độ")),
        (docs.UnitScore("STP", "Sở Tư pháp", 83.0, 100, 83.0, 1, "Tốt", {"1": 90.0, "2": 80.0}),
         docs.UnitScore("SKHCN", "Sở Khoa học và Công nghệ", 81.5, 100, 81.5, 2, "Tốt", {"1": 100.0, "2": 70.0})),
        ("Tốt", "Khá"))


def docx_text(path) -> tuple[str, list[list[list[str]]]]:
    doc = read_docx(path)
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    return "\n".join(p.text for p in doc.paragraphs), tables


def test_the_plan_in_the_administrative_format(tmp_path):
    path = render_docx(docs.year_plan(seed_000_plan(), FRAME), tmp_path / "ke-hoach.docx")
    text, tables = docx_text(path)
    header, targets, closing = tables[0], tables[1], tables[-1]
    assert header[0][0].split("\n") == ["UBND TỈNH LAI CHÂU", "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "─" * 8, "Số: 778/KH-SKHCN"]
    assert header[0][1].split("\n") == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                                        "Lai Châu, ngày 17 tháng 6 năm 2024"]
    assert "KẾ HOẠCH" in text and "năm 2024 của Sở Khoa học và Công nghệ tỉnh Lai Châu" in text
    assert targets[1] == ["1", "Chỉ số PAR INDEX", "84,1%", "5", "từ 85 điểm trở lên", "giữ thứ hạng năm 2023", "Văn phòng Sở"]
    assert text.index("Khắc phục những tiêu chí chưa đạt điểm năm 2023") < text.index("1.1. Công tác chỉ đạo, điều hành")
    assert "Phòng/đơn vị chủ trì, theo dõi: Chi cục Tiêu chuẩn Đo lường Chất lượng" in text
    # as the seeds end: the text's last paragraph with «./.», «Nơi nhận» with a full stop
    assert closing[0][0].split("\n") == ["Nơi nhận:", "- Sở Nội vụ;", "- Các phòng, đơn vị thuộc Sở;", "- Lưu: VT, VP."]
    body = [p.text for p in read_docx(path).paragraphs if p.text.strip()]
    assert body[-1].endswith("./.") and not body[-1].endswith("../.") and sum(t.endswith("./.") for t in body) == 1
    assert closing[0][1].split("\n")[:2] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"] and "Nguyễn Tấn Quang" in closing[0][1]
    section = read_docx(path).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm), round(section.left_margin.mm),
            round(section.right_margin.mm), round(section.top_margin.mm)) == (210, 297, 30, 15, 20)
    assert section.different_first_page_header_footer  # no page number on page 1


def test_a_rule_under_the_summary_a_third_to_a_half_of_its_line(tmp_path):
    # Nghị định 30/2020, Phụ lục I, mục 5: under the summary a solid rule, centred, 1/3 to 1/2 of its line
    for name, document in (("kh", docs.year_plan(seed_000_plan(), FRAME)),
                           ("qd", docs.award_decision(docs.AwardDecision(
                               "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LAI CHÂU", (), "xuất sắc", (), "quỹ thi đua", "Các cơ quan",
                               proposed_by=""), FRAME))):
        paragraphs = read_docx(render_docx(document, tmp_path / f"{name}.docx")).paragraphs
        summary = next(i for i, p in enumerate(paragraphs) if p.text == document.blocks[1].text)
        rule = paragraphs[summary + 1]
        assert rule.text and set(rule.text) == {"─"} and rule.alignment == 1, (name, rule.text)  # centred
        line = min(165, 2.6 * len(paragraphs[summary].text))
        assert line / 3 <= len(rule.text) * 3.4 <= line / 2, (name, len(rule.text))


@pytest.mark.parametrize("body", ["Sở Nội vụ", "Sở Khoa học và Công nghệ", "Sở Tài nguyên và Môi trường",
                                  "Ủy ban nhân dân tỉnh Lai Châu"])
def test_the_rule_under_the_agency_a_third_to_a_half_of_its_line(tmp_path, body):
    from dataclasses import replace

    from reports.docx import _caps_width

    document = docs.year_plan(seed_000_plan(), replace(FRAME, body=body))
    cell = read_docx(render_docx(document, tmp_path / "kh.docx")).tables[0].rows[0].cells[0]
    lines = cell.text.split("\n")
    rule = next(line for line in lines if line and set(line) == {"─"})
    name = lines[1:lines.index(rule)]  # under the parent body
    line = max(_caps_width(x) for x in name)
    assert line / 3 <= len(rule) * 3.4 <= line / 2, (name, len(rule))


def test_the_score_publication_in_docx_xlsx_and_html(tmp_path):
    document = docs.score_publication(board(), FRAME)
    text, tables = docx_text(render_docx(document, tmp_path / "cb.docx"))
    assert tables[1][0][:7] == ["Hạng", "Mã", "Đơn vị", "Điểm", "Tối đa", "Tỷ lệ", "Xếp loại"]
    assert tables[1][2][:7] == ["2", "SKHCN", "Sở Khoa học và Công nghệ", "81,5", "100", "81,5%", "Tốt"]
    assert "Tỷ lệ điểm bình quân đạt 82,25%" in text and "Xếp loại Tốt: 2 đơn vị" in text
    assert "Căn cứ Quyết định số 766/QĐ-TTg" in text
    ws = load_workbook(render_xlsx(document, tmp_path / "cb.xlsx"))["Kết quả xếp hạng năm 2024"]
    assert ws["A1"].value == "Kết quả xếp hạng năm 2024" and ws.print_title_rows == "$3:$3"
    assert [c.value for c in ws[5]][:7] == [2, "SKHCN", "Sở Khoa học và Công nghệ", 81.5, 100, 0.815, "Tốt"]
    assert ws["F5"].number_format == "0.0%" and ws["D5"].number_format == "#,##0.00"
    html = render_html(document, tmp_path / "cb.html").read_text(encoding="utf-8")
    assert "<td>Sở Khoa học và Công nghệ</td>" in html and "<svg" in html and "81,5%" in html


def test_same_inputs_same_bytes(tmp_path):
    for fmt, render in (("docx", render_docx), ("xlsx", render_xlsx), ("html", render_html)):
        a = render(docs.score_publication(board(), FRAME), tmp_path / f"a.{fmt}").read_bytes()
        b = render(docs.score_publication(board(), FRAME), tmp_path / f"b.{fmt}").read_bytes()
        assert a == b, fmt


def test_the_scorecard_explains_every_point_and_the_improvement_plan_lists_what_was_lost(tmp_path):
    leaf = docs.LeafLine("4.2", "Tỷ lệ văn bản ký số", 98.3, "%", "< 100%", 0.0, 10.0, "KH thi đua CCHC 2024, mục 3",
                         "Tỷ lệ văn bản ký số 118/120 = 98,3% < 100% → 0/10 điểm (KH thi đua CCHC 2024, mục 3)")
    unit = board().units[1]
    card = docs.Scorecard(2024, "Bộ chỉ số 766", unit, 2, (leaf,), board().areas, {"1": 95.0, "2": 75.0})
    text, tables = docx_text(render_docx(docs.scorecard(card, FRAME), tmp_path / "pd.docx"))
    assert "Tổng điểm: 81,5/100 điểm, đạt 81,5%; xếp hạng 2/2; xếp loại Tốt." in text
    assert "- 4.2. Tỷ lệ văn bản ký số 118/120 = 98,3% < 100% → 0/10 điểm" in text
    assert tables[1][1] == ["4.2", "Tỷ lệ văn bản ký số", "98,3", "< 100%", "0", "10", "KH thi đua CCHC 2024, mục 3"]
    plan = docs.ImprovementPlan(2024, "Sở Khoa học và Công nghệ", "Bộ chỉ số 766",
                                (docs.LostPoint("4.2", "Tỷ lệ văn bản ký số", 10.0, leaf.sentence, "Văn phòng Sở",
                                                date(2025, 6, 30)),))
    text, tables = docx_text(render_docx(docs.improvement_plan(plan, FRAME), tmp_path / "kp.docx"))
    assert "bị mất điểm ở 1 tiêu chí, tổng cộng 10 điểm" in text
    assert tables[1][1][-2:] == ["Văn phòng Sở", "30/06/2025"]
    # a criterion without data that its rule set leaves out of the maximum is to be reported, not a point lost
    unknown = docs.LostPoint("1.1", "Tỷ lệ TTHC công bố đúng hạn", None, "… không có số liệu → không tính/5 điểm",
                             "Văn phòng Sở", date(2025, 6, 30))
    plan = docs.ImprovementPlan(2024, "Sở Khoa học và Công nghệ", "Bộ chỉ số 766", (plan.items[0], unknown))
    text, tables = docx_text(render_docx(docs.improvement_plan(plan, FRAME), tmp_path / "kp2.docx"))
    assert ("bị mất điểm ở 1 tiêu chí, tổng cộng 10 điểm; chưa có số liệu ở 1 tiêu chí (không tính điểm):"
            in text), text
    assert tables[1][2][3] == "–"
    plan = docs.ImprovementPlan(2024, "Sở Khoa học và Công nghệ", "Bộ chỉ số 766", (unknown,))
    text, _ = docx_text(render_docx(docs.improvement_plan(plan, FRAME), tmp_path / "kp3.docx"))
    assert "Năm 2024, đơn vị chưa có số liệu ở 1 tiêu chí (không tính điểm):" in text, text


def test_the_periodic_report(tmp_path):
    report = docs.PeriodicReport(
        "9 tháng năm 2020", "15/12/2019 đến 14/9/2020", date(2020, 9, 20), "Sở Khoa học và Công nghệ", 5, 6, (),
        ("Thanh tra Sở",), (docs.Figure766("TTHC được rà soát trong kỳ", 34, "TTHC"),
                            docs.Figure766("Cơ quan được kiểm tra ISO 9001", 58, "cơ quan")),
        (("Cải cách thủ tục hành chính", "Đã rà soát 34 TTHC, trong đó 24 TTHC đề xuất cắt giảm thời hạn giải quyết."),),
        ("Hướng dẫn 34 đơn vị hoàn thành chuyển đổi sang TCVN ISO 9001:2015.",),
        ("Q1", "6T", "9T"), {"Đúng hạn": (97.0, 98.0, 98.5)})
    text, tables = docx_text(render_docx(docs.periodic_report(report, FRAME), tmp_path / "bc.docx"))
    assert "Có 5/6 đơn vị gửi báo cáo. Chưa gửi: Thanh tra Sở." in text
    assert "Đã rà soát 34 TTHC, trong đó 24 TTHC đề xuất cắt giảm" in text
    assert tables[1][1] == ["1", "TTHC được rà soát trong kỳ", "34", "TTHC"]
    assert "- Hướng dẫn 34 đơn vị hoàn thành chuyển đổi sang TCVN ISO 9001:2015." in text
    assert len(read_docx(tmp_path / "bc.docx").inline_shapes) == 1  # the trend picture


def test_a_column_of_percentages_does_not_say_its_unit_twice():
    # «98,9%» under «Tỷ lệ (%)» says the unit twice: a column whose cells carry «%» has none in its header
    report = docs.PeriodicReport(
        "quý I năm 2024", "15/12/2023 đến 14/03/2024", date(2024, 3, 20), "Sở Khoa học và Công nghệ", 1, 1, (), (),
        (), (), (), progress=(("Chỉ số PAR INDEX", "từ 85 điểm trở lên", 84.1, 86.0),),
        provisional=(("Sở Khoa học và Công nghệ", 75.3, 96.5, 24),), provisional_of="Bộ chỉ số 766")
    documents = [docs.score_publication(board(), FRAME), docs.periodic_report(report, FRAME)]
    tables = [t for d in documents for t in d.tables.values()]
    assert {"tien_do", "diem_tam_tinh"} <= set(documents[1].tables)
    doubled = [(t.title, c) for t in tables for i, c in enumerate(t.columns) if t.kind(i) == "pct" and "(%)" in c]
    assert not doubled, doubled


def test_the_inspection_plan_and_its_conclusion(tmp_path):
    plan = docs.InspectionPlan(2024, 24, tuple(docs.InspectionVisit(f"Đơn vị {i}", 3 + i, "điểm thấp nhất năm trước")
                                              for i in range(8)),
                               contents=("Việc ban hành và thực hiện kế hoạch CCHC.",))
    text, tables = docx_text(render_docx(docs.inspection_plan(plan, FRAME), tmp_path / "kt.docx"))
    assert "Kiểm tra 8/24 cơ quan, đơn vị (33,3%)" in text and "Kiểm tra trên 30% số cơ quan" in text
    assert tables[1][1] == ["1", "Đơn vị 0", "3", "điểm thấp nhất năm trước"]
    conclusion = docs.InspectionConclusion(
        "Sở Xây dựng", date(2024, 8, 12), "Đoàn kiểm tra CCHC của Sở Nội vụ", ("Ban hành kế hoạch CCHC đúng hạn.",),
        ("Tỷ lệ hồ sơ giải quyết đúng hạn 83,2%.",),
        (docs.Recommendation("Rà soát quy trình, không để hồ sơ quá hạn.", "Sở Xây dựng", date(2024, 10, 31)),))
    text, tables = docx_text(render_docx(docs.inspection_conclusion(conclusion, FRAME), tmp_path / "kl.docx"))
    assert "Ngày 12/08/2024, Đoàn kiểm tra CCHC của Sở Nội vụ đã kiểm tra" in text
    assert tables[1][1] == ["1", "Rà soát quy trình, không để hồ sơ quá hạn.", "Sở Xây dựng", "31/10/2024"]


def seed_004_campaign() -> docs.CampaignPlan:
    return docs.CampaignPlan(
        "Phát động phong trào thi đua công tác cải cách hành chính năm 2024 của Sở Khoa học và Công nghệ tỉnh Ninh Thuận",
        ("Căn cứ Quyết định số 465/QĐ-UBND ngày 16/8/2022 của Ủy ban nhân dân tỉnh Ninh Thuận.",),
        "Giám đốc Sở Khoa học và Công nghệ tỉnh Ninh Thuận",
        "toàn thể công chức, viên chức, người lao động thuộc Sở",
        ("Tạo động lực trong đẩy mạnh cải cách hành chính.",), ("Phong trào thi đua phải được triển khai rộng khắp.",),
        ("100% công chức, viên chức ngành khoa học và công nghệ ký cam kết với Giám đốc Sở.",
         "Duy trì 53/53 quy trình nội bộ giải quyết thủ tục hành chính ở dịch vụ công trực tuyến cấp độ 4.",
         "100% văn bản được thực hiện ký số (trừ văn bản mật)."),
        date(2024, 1, 15), date(2024, 12, 15),
        ("Bằng khen của Ủy ban nhân dân tỉnh cho 01 tập thể và 01 cá nhân thuộc Sở Khoa học và Công nghệ",),
        "Thực hiện theo Quyết định số 1826/QĐ-UBND ngày 25/12/2023 của Chủ tịch Ủy ban nhân dân tỉnh.",
        ("Bố trí công chức chuyên trách cải cách hành chính.",), "Văn phòng Sở")


def test_the_campaign_launch_plan_of_seed_004(tmp_path):
    text, _ = docx_text(render_docx(docs.campaign_plan(seed_004_campaign(), FRAME), tmp_path / "td.docx"))
    assert "Giám đốc Sở Khoa học và Công nghệ tỉnh Ninh Thuận phát động phong trào thi đua đến toàn thể" in text
    assert "- Duy trì 53/53 quy trình nội bộ" in text
    assert "a) Đợt thi đua: từ ngày 15/01/2024 đến trước ngày 15/12/2024." in text
    assert "b) Đăng ký hình thức khen thưởng: Bằng khen của Ủy ban nhân dân tỉnh cho 01 tập thể và 01 cá nhân" in text
    assert "gửi về Văn phòng Sở để tổng hợp chung" in text


def test_council_minutes_count_votes_on_all_members(tmp_path):
    minutes = docs.CouncilMinutes(
        "Hội đồng Thi đua - Khen thưởng Sở", date(2024, 12, 10), "Sở Khoa học và Công nghệ", "Giám đốc Sở",
        "Chánh Văn phòng", 10, 8, 2,
        (docs.Ballot("Nguyễn Thị Hoa", "Chiến sĩ thi đua cơ sở", 8, 10, "≥ 80%", True),
         docs.Ballot("Lò Văn Páo", "Chiến sĩ thi đua cơ sở", 7, 10, "≥ 80%", False),
         docs.Ballot("Phòng Quản lý KH&CN", "Bằng khen", 9, 10, "≥ 90%", True, collective=True)))
    text, tables = docx_text(render_docx(docs.council_minutes(minutes, FRAME), tmp_path / "bb.docx"))
    assert "Tổng số thành viên Hội đồng: 10; có mặt: 8; vắng mặt có ý kiến bằng văn bản: 2." in text
    assert tables[1][1][3:] == ["8", "80%", "≥ 80%", "Đạt"]
    assert tables[1][2][3:] == ["7", "70%", "≥ 80%", "Không đạt"]
    assert "đề nghị 01 tập thể và 01 cá nhân: Nguyễn Thị Hoa (Chiến sĩ thi đua cơ sở); Phòng Quản lý KH&CN (Bằng khen)." in text


def test_the_proposal_and_the_decision_with_money_in_words(tmp_path):
    p = docs.Proposal("Chủ tịch UBND tỉnh", "phong trào thi đua CCHC năm 2024",
                      ("Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15.",),
                      (docs.Nominee("Nguyễn Thị Hoa", "Văn phòng Sở", "Bằng khen của Chủ tịch UBND tỉnh",
                                    "2 năm liên tục Chiến sĩ thi đua cơ sở (2023, 2024)"),),
                      ("Biên bản họp xét", "Báo cáo thành tích"))
    text, tables = docx_text(render_docx(docs.proposal(p, FRAME), tmp_path / "tt.docx"))
    assert "Kính gửi: Chủ tịch UBND tỉnh." in text
    assert "khen thưởng cho 01 cá nhân có thành tích xuất sắc sau:" in text
    assert tables[1][1][-1] == "2 năm liên tục Chiến sĩ thi đua cơ sở (2023, 2024)"
    decision = docs.AwardDecision(
        "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH NINH THUẬN", ("Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15;",),
        "xuất sắc trong phong trào thi đua cải cách hành chính năm 2024",
        (docs.Award("Phòng Quản lý KH&CN", "Sở KH&CN", "Bằng khen (tập thể)", 7_020_000, collective=True),
         docs.Award("Nguyễn Thị Hoa", "Văn phòng Sở", "Bằng khen (cá nhân)", 3_510_000)),
        "quỹ thi đua, khen thưởng của tỉnh", "Chánh Văn phòng UBND tỉnh, Giám đốc Sở Nội vụ")
    text, tables = docx_text(render_docx(docs.award_decision(decision, FRAME), tmp_path / "qd.docx"))
    assert ("Điều 2. Tổng số tiền thưởng: 10.530.000 đồng (bằng chữ: Mười triệu năm trăm ba mươi nghìn đồng)"
            in text)
    assert "Điều 1. Tặng thưởng cho 01 tập thể và 01 cá nhân đã có thành tích xuất sắc" in text
    assert tables[1][1][-1] == "7.020.000"


@pytest.mark.skipif(not (__import__("shutil").which("soffice") and __import__("shutil").which("pdftoppm")),
                    reason="LibreOffice and poppler are not installed (apt-get install libreoffice-writer-nogui poppler-utils)")
def test_docx_through_libreoffice_to_pdf_and_png(tmp_path):
    import subprocess

    from office.outputs import to_pdf

    pdf = to_pdf(render_docx(docs.score_publication(board(), FRAME), tmp_path / "cb.docx"))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Sở Khoa học và Công nghệ" in text
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    assert next(tmp_path.glob("page*.png")).stat().st_size > 5_000


def test_the_radar_for_pages_is_svg_written_directly_same_bytes_for_the_same_data():
    from reports.charts import radar

    axes = ["Công khai, minh bạch", "Tiến độ <giải quyết>", "Dịch vụ công trực tuyến"]
    series = {"Sở A": [90.0, 80.0, float("nan")], "Bình quân": [85.0, 85.0, 75.0]}
    svg = radar(axes, series, "Chỉ số thành phần (%)").render("svg")
    assert svg == radar(axes, series, "Chỉ số thành phần (%)").render("svg")
    assert svg.startswith("<svg") and svg.count('fill-opacity="0.08"') == 2  # one shape per series
    assert "Tiến độ &lt;giải quyết&gt;" in svg and "Sở A" in svg and "Bình quân" in svg
    assert "matplotlib" not in svg  # not a plotting library's output


def test_text_that_starts_like_a_formula_is_written_as_text(tmp_path):
    """Guard: reports.xlsx.as_text. A unit named «=HYPERLINK(…)» or a finding «=cmd|' /C calc'!A0», ingested as
    text, came out of every exported sheet as a live formula, run when the sheet is opened."""
    import zipfile

    import pandas as pd

    from reports.model import Table
    from reports.xlsx import frame_to_workbook, save_workbook, table_workbook

    evil = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://evil.example","Sở Xây dựng")', "+1+1", "@SUM(A1)"]
    table = Table(("Đơn vị", "Kiến nghị"), tuple((e, e) for e in evil), title=evil[1])
    for name, wb in (("bang.xlsx", table_workbook(table, subtitle=evil[0])),
                     ("du_lieu.xlsx", frame_to_workbook(pd.DataFrame({"Tên": evil})))):
        path = save_workbook(wb, tmp_path / name)
        with zipfile.ZipFile(path) as z:
            sheets = [z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets and not any(b"<f>" in s or b"<f " in s for s in sheets)
        cells = [c.value for row in load_workbook(path).active.iter_rows() for c in row if c.value]
        assert set(evil) <= set(cells)


def test_no_reference_is_left_saying_nothing_once_its_doubt_mark_is_taken_out():
    """A signed document drops «[NC]»: what stays of a reference must still say something («(điểm)» did not)."""
    import re

    from rules.ruleset import find, shipped

    bare = re.compile(r"\((?:[^()]*; )?(?:ngưỡng và )?điểm\)|\(\s*\)")
    said = [(name, c.id, docs.signed_text(c.reference)) for name in shipped()
            for top in find(name).criteria for c in top.walk() if c.reference]
    assert said and not [s for s in said if bare.search(s[2])]


def test_a_table_under_a_heading_of_its_own_title_is_not_titled_twice(tmp_path):
    text, _ = docx_text(render_docx(docs.score_publication(board(), FRAME), tmp_path / "cb.docx"))
    lines = [line.strip().casefold() for line in text.splitlines()]
    assert "3. chỉ số thành phần bình quân" in lines and "chỉ số thành phần bình quân" not in lines


def test_the_minutes_count_whom_the_council_agreed_to_propose(tmp_path):
    def minutes(*ballots):
        m = docs.CouncilMinutes("Hội đồng Thi đua - Khen thưởng Sở KH&CN", date(2024, 12, 10), "Sở KH&CN",
                                "Ông A, Chủ tịch Hội đồng", "Bà B, Thư ký Hội đồng", 9, 8, 1, ballots)
        return docx_text(render_docx(docs.council_minutes(m, FRAME), tmp_path / "bb.docx"))[0]

    both = minutes(docs.Ballot("Văn phòng Sở", "Bằng khen", 9, 9, "trên 50%", True, collective=True),
                   docs.Ballot("Nguyễn Thị Hoa", "Bằng khen", 9, 9, "trên 50%", True),
                   docs.Ballot("Nguyễn Thị Hoa", "Chiến sĩ thi đua cơ sở", 8, 9, "≥ 80%", True),
                   docs.Ballot("Trần Văn Nam", "Bằng khen", 3, 9, "trên 50%", False))
    assert "Hội đồng thống nhất đề nghị 01 tập thể và 01 cá nhân: Văn phòng Sở (Bằng khen); " in both
    none = minutes(docs.Ballot("Trần Văn Nam", "Bằng khen", 3, 9, "trên 50%", False))
    assert "Hội đồng không đề nghị khen thưởng tập thể, cá nhân nào." in none


def test_a_column_of_numbers_shows_the_same_decimals_down_the_page(tmp_path):
    from reports.model import Table

    t = Table(("Đơn vị", "Điểm", "Tối đa", "Tỷ lệ"),
              (("A", 76.63, 78, 98.24), ("B", 76.5, 78, 100.0), ("C", 76, 78, float("nan"))),
              ("text", "dec", "dec", "pct"))
    assert [t.places(i) for i in range(4)] == [None, 2, 0, 1]
    from reports.docx import cell_text
    shown = [[cell_text(v, t.kind(i), t.places(i)) for i, v in enumerate(r)] for r in t.rows]
    assert shown == [["A", "76,63", "78", "98,2%"], ["B", "76,50", "78", "100,0%"], ["C", "76,00", "78", "–"]]


def test_the_registration_list_has_a_line_per_participant_and_counts_them(tmp_path):
    rows = (docs.Registration("Nguyễn Thị Hoa", "Văn phòng Sở", "Chiến sĩ thi đua cơ sở", True),
            docs.Registration("Nguyễn Thị Hoa", "Văn phòng Sở", "Lao động tiên tiến", True),
            docs.Registration("Lò Văn Páo", "Thanh tra Sở", "Lao động tiên tiến", False),
            docs.Registration("Văn phòng Sở", "Sở KH&CN", "Tập thể lao động xuất sắc", True, collective=True))
    r = docs.RegistrationList("phong trào thi đua CCHC năm 2024", 2024, rows)
    text, tables = docx_text(render_docx(docs.registration_list(r, FRAME), tmp_path / "ds.docx"))
    assert "Có 01 tập thể và 02 cá nhân đăng ký; 2 đã ký cam kết." in text
    assert [row[1:] for row in tables[1][1:]] == [
        ["Văn phòng Sở", "Sở KH&CN", "Tập thể lao động xuất sắc", "Có"],
        ["Nguyễn Thị Hoa", "Văn phòng Sở", "Chiến sĩ thi đua cơ sở; Lao động tiên tiến", "Có"],
        ["Lò Văn Páo", "Thanh tra Sở", "Lao động tiên tiến", "Chưa"]]
