# language: vi
Tính năng: Cổng CCHC: đơn vị tự đánh giá, tổ thẩm định thẩm định, văn phòng công bố
  Mỗi đơn vị tự đánh giá các tiêu chí kèm tài liệu kiểm chứng và nộp; thẩm định viên chấm lại tiêu chí có lý do
  và yêu cầu bổ sung; đơn vị trả lời; văn phòng công bố; ai cũng xem được thứ hạng và lý do thẩm định.

  Kịch bản: Sở Khoa học và Công nghệ tự đánh giá, được thẩm định và công bố
    Cho tỉnh mô phỏng có đợt tự đánh giá Chỉ số CCHC sở, ban, ngành năm 2024 đang mở
    Khi cán bộ "SKHCN" khai "van_ban_ky_so" là 0 và "td_ke_hoach_cchc" là 3, tải lên tài liệu cho tiêu chí "1.7.1" và nộp
    Và thẩm định viên chấm tiêu chí "1.1.2" còn 1 điểm với lý do "Kế hoạch ban hành muộn"
    Và thẩm định viên yêu cầu bổ sung tiêu chí "1.7.1"
    Và cán bộ "SKHCN" trả lời "Đã tải sổ văn bản đi"
    Và văn phòng công bố kết quả đợt
    Thì bảng xếp hạng công bố có "SKHCN"
    Và phiếu điểm của "SKHCN" ghi lý do "Kế hoạch ban hành muộn" ở tiêu chí "1.1.2"
