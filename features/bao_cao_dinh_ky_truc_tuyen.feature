# language: vi
Tính năng: Báo cáo CCHC định kỳ gửi trên Cổng CCHC
  Mỗi sở, ban, ngành và UBND xã, phường lập báo cáo định kỳ của mình trên cổng: nhập số liệu kho dữ liệu chưa có,
  viết từng mục của báo cáo theo mẫu của Bộ, lưu nháp, nộp; trước 17:00 ngày hết hạn có thể rút về để sửa. Báo cáo
  nộp sau hạn vẫn được nhận nhưng là trễ hạn. Sổ theo dõi báo cáo của văn phòng và báo cáo tổng hợp đọc báo cáo nộp
  trên cổng như đọc tệp sổ theo dõi.

  Bối cảnh:
    Cho tỉnh mô phỏng có cán bộ của "SKHCN", "STP" và xã "XA0001" trên cổng

  Kịch bản: Một xã nộp báo cáo quý muộn một tuần
    Khi cán bộ "XA0001" nhập "van_ban_di" là "120", viết mục "iso" là "Xã áp dụng ISO cho 12 TTHC." và nộp báo cáo kỳ "Quý I/2025" ngày "27/03/2025"
    Và cán bộ "SKHCN" viết mục "iso" là "Duy trì ISO 9001:2015." và nộp báo cáo kỳ "Quý I/2025" ngày "18/03/2025"
    Thì ngày "01/04/2025", sổ theo dõi kỳ "Quý I/2025" ghi "XA0001" là "trễ hạn" 7 ngày, qua "Cổng CCHC"
    Và ngày "01/04/2025", sổ theo dõi kỳ "Quý I/2025" ghi "SKHCN" là "đúng hạn" 0 ngày, qua "Cổng CCHC"
    Và ngày "01/04/2025", sổ theo dõi kỳ "Quý I/2025" ghi "STP" là "chưa gửi"
    Và báo cáo tổng hợp kỳ "Quý I/2025" dẫn lời "XA0001" ở mục "iso": "Xã áp dụng ISO cho 12 TTHC."

  Kịch bản: Rút báo cáo trước hạn để sửa rồi nộp lại
    Khi cán bộ "SKHCN" viết mục "de_xuat" là "Đề nghị tập huấn." và nộp báo cáo kỳ "Quý I/2025" ngày "18/03/2025"
    Và cán bộ "SKHCN" rút báo cáo kỳ "Quý I/2025" lúc "16:30 20/03/2025"
    Thì ngày "20/03/2025", sổ theo dõi kỳ "Quý I/2025" ghi "SKHCN" là "chưa đến hạn"
    Khi cán bộ "SKHCN" viết mục "de_xuat" là "Đề nghị tập huấn nghiệp vụ kiểm soát TTHC." và nộp báo cáo kỳ "Quý I/2025" ngày "20/03/2025"
    Thì ngày "01/04/2025", sổ theo dõi kỳ "Quý I/2025" ghi "SKHCN" là "đúng hạn" 0 ngày, qua "Cổng CCHC"
    Và báo cáo tổng hợp kỳ "Quý I/2025" dẫn lời "SKHCN" ở mục "de_xuat": "Đề nghị tập huấn nghiệp vụ kiểm soát TTHC."

  Kịch bản: Sau 17:00 ngày hết hạn không rút được báo cáo
    Khi cán bộ "SKHCN" viết mục "iso" là "Duy trì ISO." và nộp báo cáo kỳ "Quý I/2025" ngày "20/03/2025"
    Thì cán bộ "SKHCN" rút báo cáo kỳ "Quý I/2025" lúc "17:05 20/03/2025" bị từ chối vì "văn phòng đã tổng hợp"

  Kịch bản: Số liệu sai bị từ chối, nêu rõ ô sai, không ghi gì
    Khi cán bộ "SKHCN" lưu nháp kỳ "Quý I/2025" với "van_ban_di" là "120" và "van_ban_ky_so" là "121"
    Thì bị từ chối ở ô "van_ban_ky_so" vì "lớn hơn Tổng số văn bản đi (120)" và không có gì được ghi

  Kịch bản: Không lập được báo cáo của đơn vị khác
    Khi cán bộ "SKHCN" lưu nháp báo cáo kỳ "Quý I/2025" của "STP"
    Thì bị từ chối vì không có quyền và không có gì được ghi
