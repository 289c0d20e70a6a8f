# language: vi
Tính năng: Cần cải thiện ít nhất những gì để đạt mục tiêu
  Sau mỗi kỳ báo cáo, lãnh đạo đơn vị hỏi: phải cải thiện ít nhất những gì để đạt xếp loại, thứ hạng hay số
  điểm mong muốn? Câu trả lời là phương án ít tốn kém nhất theo chi phí văn phòng đặt cho từng chỉ tiêu, các
  đơn vị khác giữ nguyên như lượt chấm đã lưu; mỗi thay đổi ghi tiêu chí và số điểm nó mang lại.

  Kịch bản: Đơn vị dưới xếp loại Khá nhận phương án ít tốn kém nhất để đạt Khá
    Cho tỉnh mô phỏng đã có kết quả chấm điểm năm 2024
    Và "Sở Xây dựng" xếp loại "Trung bình"
    Khi hỏi "Sở Xây dựng" cần cải thiện những gì để đạt xếp loại "Khá"
    Thì câu trả lời bắt đầu bằng "Để đạt xếp loại Khá (từ"
    Và mỗi thay đổi ghi tiêu chí và số điểm tăng thêm
    Và thực hiện các thay đổi rồi chấm lại thì "Sở Xây dựng" xếp loại "Khá"
    Và bớt bất kỳ thay đổi nào một đơn vị thì không còn đạt xếp loại "Khá"

  Kịch bản: Mục tiêu không thể đạt trong kỳ thì nói rõ hạng cao nhất có thể đạt
    Cho tỉnh mô phỏng đã có kết quả chấm điểm năm 2024
    Và văn phòng chỉ tính chi phí cho "hs_thanh_toan_truc_tuyen"
    Khi hỏi "Sở Xây dựng" cần cải thiện những gì để đạt hạng 1
    Thì câu trả lời bắt đầu bằng "Sở Xây dựng không thể đạt hạng 1"
    Và câu trả lời nêu hạng cao nhất có thể đạt trong kỳ này

  Kịch bản: Hỏi một xếp loại không có thì bị từ chối
    Cho tỉnh mô phỏng đã có kết quả chấm điểm năm 2024
    Khi hỏi "Sở Xây dựng" cần cải thiện những gì để đạt xếp loại "Xuất sắc"
    Thì bị từ chối với lời "không có xếp loại «Xuất sắc» (có: Tốt, Khá, Trung bình, Yếu)"

  Kịch bản: Dự báo cả năm của một đơn vị sau báo cáo 6 tháng
    Cho tỉnh mô phỏng đã có kết quả chấm điểm năm 2024
    Khi dự báo cả năm từ số liệu 6 tháng năm 2024
    Thì "Sở Xây dựng" có dự báo cả năm là một khoảng điểm và một khoảng hạng
    Và điểm cả năm của "Sở Xây dựng" gần với dự báo

  Kịch bản: Sau báo cáo 6 tháng, dự báo cả năm theo diễn biến các năm trước được ghi vào báo cáo của đơn vị
    Cho tỉnh mô phỏng có hồ sơ 3 năm trước năm 2024, theo mùa vụ
    Khi văn phòng lập báo cáo định kỳ 6 tháng năm 2024
    Thì báo cáo 6 tháng của "Sở Xây dựng" ghi dự báo cả năm là một khoảng điểm và một khoảng hạng
    Và dự báo đã học từ diễn biến 3 năm trước
    Và dự báo điểm cả năm sai ít hơn lấy điểm 6 tháng làm điểm cả năm

  Kịch bản: Kế hoạch khắc phục trích câu trả lời đã lưu khi chấm điểm cả năm, không tính lại
    Cho tỉnh mô phỏng có Sở Khoa học và Công nghệ dưới mục tiêu PAR INDEX, đã chấm chỉ số CCHC sở, ban, ngành năm 2024
    Khi văn phòng lưu việc cần làm để đạt mục tiêu của từng đơn vị theo lượt chấm năm 2024
    Thì kế hoạch khắc phục của "Sở Khoa học và Công nghệ" có mục "MỤC TIÊU VÀ VIỆC CẦN LÀM" với mục tiêu "Chỉ số PAR INDEX từ 85 điểm trở lên"
    Và kế hoạch ghi từng việc cần làm, số liệu hiện nay, số cần đạt và số điểm tăng thêm ở từng tiêu chí
    Và khi câu trả lời đã lưu được sửa thì kế hoạch khắc phục ghi đúng câu đã lưu
