# language: vi
Tính năng: Tính lại điểm khi dữ liệu thay đổi
  Điểm đi theo dữ liệu: khi một đơn vị nộp bổ sung số liệu hay hồ sơ, chỉ đơn vị đó được tính lại; thứ hạng
  và xếp loại được tính lại cho tất cả; mỗi lần tính lại là một lượt chấm mới, ghi rõ ai thay đổi, bao nhiêu,
  do tiêu chí và số liệu nào. Kết quả đã công bố không bao giờ bị sửa.

  Kịch bản: Sở Xây dựng nộp bổ sung hồ sơ trực tuyến
    Cho tỉnh mô phỏng đã có kết quả chấm điểm năm 2024
    Khi "Sở Xây dựng" nộp bổ sung 118 hồ sơ trực tuyến năm 2024
    Thì điểm và thứ hạng được tính lại trong một lượt chấm mới, chỉ "Sở Xây dựng" được tính lại
    Và các đơn vị khác giữ nguyên điểm
    Và thay đổi của "Sở Xây dựng" ghi "tiêu chí 3.3 tăng" do "Hồ sơ nộp trực tuyến"

  Kịch bản: Thay đổi sau khi công bố là một phiên bản mới, bản đã công bố giữ nguyên
    Cho tỉnh mô phỏng đã có kết quả chấm điểm năm 2024
    Và kết quả năm 2024 đã được công bố
    Khi "Sở Tư pháp" nộp bổ sung 118 hồ sơ trực tuyến năm 2024
    Thì bản đã công bố giữ nguyên
    Và phiên bản mới ghi "Đính chính kết quả đã công bố"
