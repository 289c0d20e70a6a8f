# language: vi
Tính năng: Xét danh hiệu thi đua, hình thức khen thưởng theo Luật Thi đua, khen thưởng 2022
  Mỗi kết luận đủ hay chưa đủ điều kiện đều kèm lý do; các ranh giới của luật được kiểm tra cả hai phía.

  Kịch bản: Hoàn thành tốt nhiệm vụ nhưng bị kỷ luật trong năm
    Cho một công chức xếp loại "Hoàn thành tốt nhiệm vụ" năm 2024
    Và công chức đó bị kỷ luật khiển trách năm 2024
    Khi xét danh hiệu năm 2024
    Thì công chức đó chưa đủ điều kiện "Lao động tiên tiến" vì "bị kỷ luật trong năm"

  Kịch bản: Hai năm liên tục Chiến sĩ thi đua cơ sở thì đủ điều kiện Bằng khen
    Cho một công chức xếp loại "Hoàn thành xuất sắc nhiệm vụ" các năm 2023, 2024
    Khi xét danh hiệu năm 2024
    Thì công chức đó đủ điều kiện "Bằng khen của Chủ tịch UBND tỉnh"
    Và kết luận đó dẫn "Luật TĐKT 2022, Điều 74 khoản 1 điểm d" và nêu "2 năm liên tục Chiến sĩ thi đua cơ sở (2023–2024)"

  Kịch bản: Hai năm không liên tục thì chưa đủ điều kiện Bằng khen
    Cho một công chức xếp loại "Hoàn thành xuất sắc nhiệm vụ" các năm 2022, 2024
    Khi xét danh hiệu năm 2024
    Thì công chức đó chưa đủ điều kiện "Bằng khen của Chủ tịch UBND tỉnh" vì "cần 2 năm liên tục Chiến sĩ thi đua cơ sở, hiện có 1 năm"

  Kịch bản: Một sáng kiến không vừa là căn cứ Chiến sĩ thi đua cơ sở năm thứ ba vừa là sáng kiến cấp tỉnh
    Cho một công chức xếp loại "Hoàn thành tốt nhiệm vụ" các năm 2022, 2023, 2024
    Và công chức đó có sáng kiến "SK22" được công nhận cấp cơ sở năm 2022
    Và công chức đó có sáng kiến "SK23" được công nhận cấp cơ sở năm 2023
    Và công chức đó có sáng kiến "SKT" được công nhận cấp tỉnh năm 2024
    Khi xét danh hiệu năm 2024
    Thì công chức đó chưa đủ điều kiện "Chiến sĩ thi đua cấp tỉnh" vì "sáng kiến SKT đã là căn cứ của danh hiệu Chiến sĩ thi đua cơ sở năm 2024"

  Kịch bản: Sáng kiến đã làm căn cứ quyết định Chiến sĩ thi đua cơ sở thì không làm căn cứ Chiến sĩ thi đua cấp tỉnh
    Cho một công chức xếp loại "Hoàn thành xuất sắc nhiệm vụ" các năm 2022, 2023
    Và một công chức xếp loại "Hoàn thành tốt nhiệm vụ" năm 2024
    Và công chức đó có sáng kiến "SKT" được công nhận cấp tỉnh năm 2024
    Và đơn vị "S1" quyết định tặng "CB1" danh hiệu "chien_si_thi_dua_co_so" năm 2024 căn cứ sáng kiến "SKT"
    Khi xét danh hiệu năm 2024
    Thì công chức đó chưa đủ điều kiện "Chiến sĩ thi đua cấp tỉnh" vì "sáng kiến SKT đã là căn cứ của «Chiến sĩ thi đua cơ sở» năm 2024"

  Kịch bản: Sáng kiến cấp tỉnh khác với sáng kiến làm căn cứ Chiến sĩ thi đua cơ sở thì đủ điều kiện
    Cho một công chức xếp loại "Hoàn thành tốt nhiệm vụ" các năm 2022, 2023, 2024
    Và công chức đó có sáng kiến "SK22" được công nhận cấp cơ sở năm 2022
    Và công chức đó có sáng kiến "SK23" được công nhận cấp cơ sở năm 2023
    Và công chức đó có sáng kiến "SK24" được công nhận cấp cơ sở năm 2024
    Và công chức đó có sáng kiến "SKT" được công nhận cấp tỉnh năm 2024
    Khi xét danh hiệu năm 2024
    Thì công chức đó đủ điều kiện "Chiến sĩ thi đua cấp tỉnh"
    Và kết luận đó dẫn "Luật TĐKT 2022, Điều 22 khoản 1" và nêu "căn cứ sáng kiến SKT"

  Khung kịch bản: Tập thể lao động tiên tiến cần từ 70% thành viên đạt Lao động tiên tiến
    Cho một tập thể hoàn thành tốt nhiệm vụ có 100 thành viên, trong đó <số> người đạt Lao động tiên tiến
    Khi xét danh hiệu tập thể
    Thì tập thể <kết quả> "Tập thể lao động tiên tiến"

    Dữ liệu:
      | số | kết quả                |
      | 69 | chưa đủ điều kiện      |
      | 70 | đủ điều kiện           |

  Kịch bản: Chỉ tiêu 1 người, hai người bằng thành tích
    Cho chỉ tiêu Bằng khen là 1 cá nhân
    Và hai người cùng hoàn thành xuất sắc nhiệm vụ, cùng 2 năm Chiến sĩ thi đua cơ sở, một nam một nữ
    Khi xếp thứ tự đề nghị
    Thì người nữ được đề nghị trong chỉ tiêu, người nam xếp sau

  Khung kịch bản: Hội đồng bỏ phiếu kín, tỷ lệ tính trên tổng số thành viên
    Cho Hội đồng có <thành viên> thành viên
    Khi <đồng ý> thành viên đồng ý đề nghị "Chiến sĩ thi đua cơ sở"
    Thì đề nghị <kết quả>

    Dữ liệu:
      | thành viên | đồng ý | kết quả    |
      | 100        | 79     | không đạt  |
      | 100        | 80     | đạt        |
      | 10         | 8      | đạt        |

  Kịch bản: Kỷ luật còn hiệu lực sang năm sau thì năm sau cũng chưa được xét
    Cho một công chức xếp loại "Hoàn thành tốt nhiệm vụ" các năm 2023, 2024, 2025
    Và công chức đó bị kỷ luật "Khiển trách" theo quyết định ngày 01/06/2023
    Khi xét danh hiệu năm 2024
    Thì công chức đó chưa đủ điều kiện "Lao động tiên tiến" vì "đang trong thời hạn kỷ luật: Khiển trách quyết định ngày 01/06/2023"

  Kịch bản: Đã được quyết định Chiến sĩ thi đua cơ sở nhưng bị cảnh cáo trong năm thì chưa được Chiến sĩ thi đua cấp tỉnh
    Cho một công chức xếp loại "Hoàn thành xuất sắc nhiệm vụ" các năm 2022, 2023, 2024
    Và đơn vị "S1" quyết định tặng "CB1" danh hiệu "chien_si_thi_dua_co_so" năm 2022
    Và đơn vị "S1" quyết định tặng "CB1" danh hiệu "chien_si_thi_dua_co_so" năm 2023
    Và đơn vị "S1" quyết định tặng "CB1" danh hiệu "chien_si_thi_dua_co_so" năm 2024
    Và công chức đó có sáng kiến "SKT" được công nhận cấp tỉnh năm 2024
    Và công chức đó bị kỷ luật "Cảnh cáo" theo quyết định ngày 15/12/2024
    Khi xét danh hiệu năm 2024
    Thì công chức đó chưa đủ điều kiện "Chiến sĩ thi đua cấp tỉnh" vì "bị kỷ luật trong năm"

  Kịch bản: Kỷ luật năm trước còn trong thời hạn thì chưa được Chiến sĩ thi đua cấp tỉnh
    Cho một công chức xếp loại "Hoàn thành xuất sắc nhiệm vụ" các năm 2022, 2023, 2024
    Và đơn vị "S1" quyết định tặng "CB1" danh hiệu "chien_si_thi_dua_co_so" năm 2022
    Và đơn vị "S1" quyết định tặng "CB1" danh hiệu "chien_si_thi_dua_co_so" năm 2023
    Và đơn vị "S1" quyết định tặng "CB1" danh hiệu "chien_si_thi_dua_co_so" năm 2024
    Và công chức đó có sáng kiến "SKT" được công nhận cấp tỉnh năm 2024
    Và công chức đó bị kỷ luật "Khiển trách" theo quyết định ngày 20/12/2023
    Khi xét danh hiệu năm 2024
    Thì công chức đó chưa đủ điều kiện "Chiến sĩ thi đua cấp tỉnh" vì "đang trong thời hạn kỷ luật: Khiển trách quyết định ngày 20/12/2023"

  Kịch bản: Hết thời hạn kỷ luật thì được xét lại
    Cho một công chức xếp loại "Hoàn thành tốt nhiệm vụ" các năm 2023, 2024, 2025
    Và công chức đó bị kỷ luật "Khiển trách" theo quyết định ngày 01/06/2023
    Khi xét danh hiệu năm 2025
    Thì công chức đó đủ điều kiện "Lao động tiên tiến"

  Kịch bản: Đang bị điều tra thì chưa được khen thưởng
    Cho một công chức xếp loại "Hoàn thành xuất sắc nhiệm vụ" năm 2024
    Và công chức đó bị "dieu_tra" từ ngày 15/09/2024
    Khi xét danh hiệu năm 2024
    Thì công chức đó chưa đủ điều kiện "Lao động tiên tiến" vì "đang bị xem xét kỷ luật hoặc điều tra"

  Kịch bản: Vụ thanh tra đã kết thúc trước khi xét thì không còn cản
    Cho một công chức xếp loại "Hoàn thành xuất sắc nhiệm vụ" năm 2024
    Và công chức đó bị "thanh_tra" từ ngày 15/03/2024
    Và vụ việc đó kết thúc ngày 30/06/2024
    Khi xét danh hiệu năm 2024
    Thì công chức đó đủ điều kiện "Chiến sĩ thi đua cơ sở"

  Kịch bản: Quyết định danh hiệu của sở này không làm thay đổi lịch sử của người ở sở khác
    Cho hai công chức "A" thuộc đơn vị "P1" và "B" thuộc đơn vị "P2" cùng xếp loại "Hoàn thành xuất sắc nhiệm vụ" các năm 2023, 2024
    Và đơn vị "S1" quyết định tặng "A" danh hiệu "lao_dong_tien_tien" năm 2023
    Khi xét danh hiệu năm 2024
    Thì "A" chưa đủ điều kiện "Bằng khen của Chủ tịch UBND tỉnh"
    Và "B" đủ điều kiện "Bằng khen của Chủ tịch UBND tỉnh"
