# language: vi
Tính năng: Lịch báo cáo cải cách hành chính
  Kỳ báo cáo CCHC không trùng quý dương lịch: số liệu tính từ ngày 15 tháng cuối kỳ trước
  đến ngày 14 tháng cuối kỳ, hạn gửi báo cáo là ngày 20 tháng cuối kỳ (Công văn 581/BNV-CCHC).

  Khung kịch bản: Khoảng số liệu và hạn gửi của từng kỳ
    Khi tôi xem kỳ "<kỳ>"
    Thì số liệu tính từ ngày "<từ>" đến ngày "<đến>"
    Và hạn gửi báo cáo là ngày "<hạn>"

    Dữ liệu:
      | kỳ           | từ         | đến        | hạn        |
      | Quý I/2024   | 15/12/2023 | 14/03/2024 | 20/03/2024 |
      | 6 tháng 2024 | 15/12/2023 | 14/06/2024 | 20/06/2024 |
      | Quý III/2024 | 15/06/2024 | 14/09/2024 | 20/09/2024 |
      | 9 tháng 2024 | 15/12/2023 | 14/09/2024 | 20/09/2024 |
      | Năm 2024     | 15/12/2023 | 14/12/2024 | 20/12/2024 |

  Kịch bản: Ngày 15 tháng 12 đã thuộc năm báo cáo sau
    Khi một hồ sơ được tiếp nhận ngày "15/12/2024"
    Thì hồ sơ thuộc năm báo cáo 2025
