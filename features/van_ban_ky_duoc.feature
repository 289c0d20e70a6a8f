# language: vi
Tính năng: Văn bản thi đua, khen thưởng ký được ngay khi in ra
  Bằng khen là thẩm quyền của Ủy ban nhân dân tỉnh (Luật Thi đua, khen thưởng 2022, Đ.80): sở gửi tờ trình,
  quyết định mang tiêu đề, số hiệu và người ký của tỉnh. Biên bản họp xét do Chủ tịch và Thư ký Hội đồng ký.

  Bối cảnh:
    Cho tỉnh mô phỏng Lai Châu có Sở Khoa học và Công nghệ phát động phong trào "skhcn-ninh-thuan-2024"
    Khi Hội đồng Thi đua - Khen thưởng của sở họp xét, bỏ phiếu và có quyết định khen thưởng năm 2024

  Kịch bản: Tờ trình Bằng khen của sở trở thành quyết định của tỉnh
    Thì sở có tờ trình số hiệu "/TTr-SKHCN" gửi "Ủy ban nhân dân tỉnh Lai Châu" đề nghị "Bằng khen"
    Và quyết định khen thưởng mang tiêu đề "ỦY BAN NHÂN DÂN TỈNH LAI CHÂU" và số hiệu "/QĐ-UBND"
    Và quyết định được ký thay Chủ tịch: "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH" và tên người ký của tỉnh
    Và quyết định căn cứ "Nghị định số 98/2023/NĐ-CP" và xét tờ trình của Giám đốc sở
    Và quyết định không mang tiêu đề, số hiệu của sở

  Kịch bản: Biên bản họp xét của sở do Chủ tịch và Thư ký Hội đồng ký
    Thì biên bản mang tiêu đề "SỞ KHOA HỌC VÀ CÔNG NGHỆ" và số hiệu "/BB-SKHCN"
    Và biên bản được ký bởi "THƯ KÝ" bên trái và "CHỦ TỊCH HỘI ĐỒNG" bên phải, mỗi bên có tên người ký
    Và không văn bản nào của phong trào có chữ ký "THỦ TRƯỞNG ĐƠN VỊ"
