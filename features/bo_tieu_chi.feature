# language: vi
Tính năng: Chấm điểm theo bộ tiêu chí và giải thích từng điểm
  Bộ tiêu chí được viết thành dữ liệu (YAML), có căn cứ cho từng tiêu chí;
  mỗi điểm được giải thích bằng số liệu, giá trị, mức áp dụng và căn cứ.

  Kịch bản: Duy trì 53/53 quy trình nội bộ ở dịch vụ công trực tuyến mức độ 4
    Cho bộ tiêu chí "thi-dua-cchc-skhcn-ninh-thuan-2024"
    Và Sở Khoa học và Công nghệ có số liệu đạt đủ mọi nội dung thi đua
    Và số quy trình nội bộ ở mức độ 4 là 53 trên 53
    Khi chấm điểm
    Thì tiêu chí "2.3" được 10 điểm
    Và lời giải thích tiêu chí "2.3" là "Quy trình nội bộ được duy trì dịch vụ công trực tuyến cấp độ 4 (53/53) 53/53 = 100% ≥ 100% → 10/10 điểm"

  Kịch bản: Một quy trình nội bộ chưa ở mức độ 4 thì mất điểm
    Cho bộ tiêu chí "thi-dua-cchc-skhcn-ninh-thuan-2024"
    Và Sở Khoa học và Công nghệ có số liệu đạt đủ mọi nội dung thi đua
    Và số quy trình nội bộ ở mức độ 4 là 52 trên 53
    Khi chấm điểm
    Thì tiêu chí "2.3" được 0 điểm
    Và tổng điểm là 90 và xếp loại "Hoàn thành xuất sắc"

  Khung kịch bản: Ít nhất 20% thủ tục hành chính được đơn giản hóa
    Cho bộ tiêu chí "thi-dua-cchc-skhcn-ninh-thuan-2024"
    Và Sở Khoa học và Công nghệ có số liệu đạt đủ mọi nội dung thi đua
    Và số TTHC được đơn giản hóa là <đơn giản hóa> trên 53
    Khi chấm điểm
    Thì tiêu chí "2.4" được <điểm> điểm

    Dữ liệu:
      | đơn giản hóa | điểm |
      | 10           | 0    |
      | 11           | 8    |
      | 53           | 8    |

  Kịch bản: Ký số 100% văn bản, trừ văn bản mật
    Cho bộ tiêu chí "thi-dua-cchc-skhcn-ninh-thuan-2024"
    Và Sở Khoa học và Công nghệ có số liệu đạt đủ mọi nội dung thi đua
    Và Sở có 120 văn bản đi, trong đó 2 văn bản mật và 118 văn bản ký số
    Khi chấm điểm
    Thì tiêu chí "4.2" được 10 điểm
    Và lời giải thích tiêu chí "4.2" là "Tỷ lệ văn bản ký số 118/118 = 100% ≥ 100% → 10/10 điểm"

  Kịch bản: Ký số 118 trên 120 văn bản không mật
    Cho bộ tiêu chí "thi-dua-cchc-skhcn-ninh-thuan-2024"
    Và Sở Khoa học và Công nghệ có số liệu đạt đủ mọi nội dung thi đua
    Và Sở có 120 văn bản đi, trong đó 0 văn bản mật và 118 văn bản ký số
    Khi chấm điểm
    Thì tiêu chí "4.2" được 0 điểm
    Và lời giải thích tiêu chí "4.2" là "Tỷ lệ văn bản ký số 118/120 = 98,3% < 100% → 0/10 điểm"

  Kịch bản: Tỷ lệ hồ sơ trực tuyến dưới 50% được tính theo tỷ lệ (Quyết định 766)
    Cho bộ tiêu chí "qd766-2022"
    Và một UBND xã tiếp nhận 1000 hồ sơ, trong đó 412 hồ sơ trực tuyến
    Khi chấm điểm
    Thì tiêu chí "3.3" được 6,592 điểm
    Và lời giải thích tiêu chí "3.3" là "Tỷ lệ hồ sơ nộp trực tuyến 412/1.000 = 41,2% < 50%, tính theo tỷ lệ 41,2 × 8 ÷ 50 → 6,59/8 điểm"

  Kịch bản: Bộ tiêu chí có biểu thức gọi hàm lạ bị từ chối khi nạp
    Cho một bộ tiêu chí có tiêu chí "1.1" với giá trị "__import__('os').system('rm -rf /')"
    Thì bộ tiêu chí bị từ chối với lỗi "tiêu chí 1.1: chỉ được gọi các hàm min, max, clip, where, coalesce, abs, round"

  Kịch bản: Biểu thức lồng quá sâu bị từ chối khi nạp, không làm treo chương trình
    Cho một bộ tiêu chí có tiêu chí "1.1" với giá trị là 1000 dấu trừ lồng nhau trước "a"
    Thì bộ tiêu chí bị từ chối với lỗi "x.yaml, dòng 7, tiêu chí 1.1: biểu thức lồng quá sâu (quá 100 mức"

  Kịch bản: Tệp YAML có bí danh nhân bản tới hàng tỷ nút bị từ chối ngay khi đọc
    Cho một bộ tiêu chí có 9 tầng bí danh YAML, mỗi tầng gọi tầng dưới 9 lần
    Thì bộ tiêu chí bị từ chối với lỗi "tệp YAML quá lớn khi mở rộng các bí danh (alias «*»): hơn 100.000 nút"
