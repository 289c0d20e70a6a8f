# language: vi
Tính năng: Chu trình cải cách hành chính của năm
  Văn phòng theo dõi báo cáo định kỳ (hạn gửi ngày 20 tháng cuối kỳ), kiểm tra trên 30% cơ quan, đơn vị
  mỗi năm (Kế hoạch 3617/KH-UBND tỉnh Lai Châu), và chấm điểm có thẩm định: điểm nào được điều chỉnh
  cũng có lý do và được ghi trong phiếu điểm.

  Kịch bản: Báo cáo gửi sau hạn bị đánh dấu trễ hạn, đơn vị không gửi bị ghi chưa gửi
    Cho danh mục đơn vị có Sở Khoa học và Công nghệ, Sở Tư pháp và UBND xã Bản Hon
    Khi sổ theo dõi ghi nhận các báo cáo:
      | Mã đơn vị | Kỳ báo cáo | Ngày gửi   | Số hiệu văn bản |
      | SKHCN     | Quý I/2024 | 18/03/2024 | 12/BC-SKHCN     |
      | STP       | Quý I/2024 | 25/03/2024 | 30/BC-STP       |
    Thì ngày 01/04/2024, báo cáo Quý I/2024 của "STP" là "trễ hạn" 5 ngày
    Và báo cáo Quý I/2024 của "SKHCN" là "đúng hạn"
    Và báo cáo Quý I/2024 của "XA0001" là "chưa gửi"

  Kịch bản: Kiểm tra trên 30% đơn vị, đơn vị rủi ro cao được kiểm tra trước
    Cho tỉnh mô phỏng đã có kết quả chấm điểm năm 2024
    Khi văn phòng lập kế hoạch kiểm tra năm 2025
    Thì số đơn vị được kiểm tra lớn hơn 30% số đơn vị được chấm điểm
    Và đơn vị điểm thấp nhất trong số chưa được kiểm tra gần đây được kiểm tra ngay tháng 3

  Kịch bản: Điểm thẩm định điều chỉnh làm thay đổi thứ hạng
    Cho tỉnh mô phỏng đã có kết quả chấm điểm năm 2024
    Khi tổ thẩm định chấm lại tiêu chí "3.3" của đơn vị xếp cuối 8 điểm vì "xác minh: hồ sơ trực tuyến đủ điều kiện"
    Thì đơn vị đó được xếp hạng cao hơn trong lượt chấm mới
    Và phiếu điểm của đơn vị đó ghi "thẩm định 8/8 điểm — xác minh: hồ sơ trực tuyến đủ điều kiện"
