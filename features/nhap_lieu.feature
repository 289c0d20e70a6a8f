# language: vi
Tính năng: Nhập số liệu cải cách hành chính từ bảng tính
  Là cán bộ Văn phòng Sở phụ trách CCHC,
  tôi nhập các tệp Excel/CSV mà các phòng, đơn vị gửi lên,
  để số liệu vào hệ thống đúng, đủ và tệp sai bị từ chối kèm chỉ rõ chỗ sai.

  Bối cảnh:
    Cho danh mục đơn vị đã có Sở Khoa học và Công nghệ "SKHCN" và Sở Tư pháp "STP"

  Kịch bản: Nhập tệp có 121 văn bản ký số trên 120 văn bản đi
    Khi tôi nhập tệp số liệu "so_lieu_vb.xlsx" gồm:
      | Mã đơn vị | Kỳ báo cáo | Mã chỉ tiêu   | Giá trị |
      | SKHCN     | Năm 2024   | van_ban_di    | 120     |
      | SKHCN     | Năm 2024   | van_ban_ky_so | 121     |
    Thì tệp bị từ chối với lỗi "so_lieu_vb.xlsx, dòng 3, cột «Giá trị»: Văn bản đi được ký số (121) lớn hơn Tổng số văn bản đi (120)"
    Và không có dữ liệu nào được ghi

  Kịch bản: Nhập tệp số liệu đúng rồi nộp bản sửa
    Khi tôi nhập tệp số liệu "so_lieu_dau.xlsx" gồm:
      | Mã đơn vị | Kỳ báo cáo | Mã chỉ tiêu   | Giá trị |
      | SKHCN     | Năm 2024   | van_ban_di    | 120     |
      | SKHCN     | Năm 2024   | van_ban_ky_so | 118     |
    Và tôi nhập tệp số liệu "so_lieu_sua.xlsx" gồm:
      | Mã đơn vị | Kỳ báo cáo | Mã chỉ tiêu   | Giá trị |
      | SKHCN     | Năm 2024   | van_ban_ky_so | 120     |
    Thì số liệu hiện hành "van_ban_ky_so" của "SKHCN" kỳ "2024-NAM" là 120
    Và hệ thống vẫn lưu 2 giá trị của "van_ban_ky_so"

  Kịch bản: Nhập lại đúng tệp đã nhập thì không thêm gì
    Khi tôi nhập tệp số liệu "so_lieu.xlsx" gồm:
      | Mã đơn vị | Kỳ báo cáo | Mã chỉ tiêu | Giá trị |
      | STP       | Quý I/2024 | van_ban_di  | 45      |
    Và tôi nhập lại tệp "so_lieu.xlsx"
    Thì hệ thống báo tệp đã được nhập và không có dữ liệu nào được ghi

  Khung kịch bản: Tệp sai bị từ chối, chỉ rõ dòng và cột
    Khi tôi nhập tệp số liệu "sai.csv" gồm:
      | Mã đơn vị   | Kỳ báo cáo   | Mã chỉ tiêu   | Giá trị   |
      | <đơn vị>    | <kỳ>         | <chỉ tiêu>    | <giá trị> |
    Thì tệp bị từ chối với lỗi "<lỗi>"
    Và không có dữ liệu nào được ghi

    Dữ liệu:
      | đơn vị | kỳ         | chỉ tiêu       | giá trị  | lỗi                                                                               |
      | SYT    | Năm 2024   | van_ban_di     | 10       | dòng 2, cột «Mã đơn vị»: đơn vị «SYT» chưa có trong danh mục đơn vị               |
      | STP    | Năm 2024   | van_ban_di     | -3       | dòng 2, cột «Giá trị»: Tổng số văn bản đi: giá trị âm «-3» không hợp lệ           |
      | STP    | Năm 2024   | van_ban_di     | mười     | dòng 2, cột «Giá trị»: «mười» không phải là số                                    |
      | STP    | Quý 5/2024 | van_ban_di     | 10       | dòng 2, cột «Kỳ báo cáo»: không nhận ra kỳ báo cáo «Quý 5/2024»                   |
      | STP    | Năm 2024   | so_van_ban     | 10       | dòng 2, cột «Mã chỉ tiêu»: chỉ tiêu «so_van_ban» không có trong danh mục chỉ tiêu |
      | STP    | Năm 2024   | ty_le_hai_long | 100,5    | dòng 2, cột «Giá trị»: Tỷ lệ hài lòng của người dân                               |

  Kịch bản: Hồ sơ TTHC được tổng hợp thành chỉ tiêu theo kỳ báo cáo
    Khi tôi nhập tệp hồ sơ "ho_so.csv" gồm:
      | Mã đơn vị | Mã hồ sơ | Ngày tiếp nhận | Ngày hẹn trả | Ngày có kết quả | Hình thức nộp | Số lần yêu cầu bổ sung |
      | STP       | HS-01    | 15/12/2023     | 22/12/2023   | 20/12/2023      | Trực tuyến    | 0                      |
      | STP       | HS-02    | 04/03/2024     | 08/03/2024   | 11/03/2024      | Trực tiếp     | 0                      |
      | STP       | HS-03    | 02/07/2024     | 10/07/2024   | 05/07/2024      | Trực tuyến    | 2                      |
    Thì chỉ tiêu "hs_tiep_nhan" của "STP" kỳ "2024-Q1" là 2
    Và chỉ tiêu "hs_dung_han" của "STP" kỳ "2024-Q1" là 1
    Và chỉ tiêu "hs_truc_tuyen" của "STP" kỳ "2024-NAM" là 2
    Và chỉ tiêu "hs_qua_han" của "STP" kỳ "2024-Q3" là 1

  Kịch bản: Hồ sơ có ngày tiếp nhận ngoài kỳ dữ liệu năm
    Khi tôi nhập tệp hồ sơ "ho_so_2024.csv" của năm 2024 gồm:
      | Mã đơn vị | Mã hồ sơ | Ngày tiếp nhận | Ngày hẹn trả | Ngày có kết quả | Hình thức nộp | Số lần yêu cầu bổ sung |
      | STP       | HS-01    | 10/12/2024     | 13/12/2024   | 12/12/2024      | Trực tuyến    | 0                      |
      | STP       | HS-02    | 16/12/2024     | 20/12/2024   | 18/12/2024      | Trực tuyến    | 0                      |
    Thì tệp bị từ chối với lỗi "dòng 3, cột «Ngày tiếp nhận»: ngày tiếp nhận 16/12/2024 nằm ngoài kỳ dữ liệu năm 2024 (15/12/2023 – 14/12/2024)"
    Và không có dữ liệu nào được ghi
