"""Vietnamese names the demo province is built from (seeds 000, 003 and 004; Lai Châu place names)."""

PROVINCE = ("TINH", "UBND tỉnh Lai Châu")

# The departments named in seed 003, then the other usual departments of a province.
DEPARTMENTS = [
    ("SNV", "Sở Nội vụ"),
    ("VPUBND", "Văn phòng UBND tỉnh"),
    ("STP", "Sở Tư pháp"),
    ("STTTT", "Sở Thông tin và Truyền thông"),
    ("SKHCN", "Sở Khoa học và Công nghệ"),
    ("STC", "Sở Tài chính"),
    ("SKHDT", "Sở Kế hoạch và Đầu tư"),
    ("SCT", "Sở Công Thương"),
    ("SXD", "Sở Xây dựng"),
    ("SGDDT", "Sở Giáo dục và Đào tạo"),
    ("SYT", "Sở Y tế"),
    ("SNNPTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
    ("STNMT", "Sở Tài nguyên và Môi trường"),
    ("SGTVT", "Sở Giao thông vận tải"),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
    ("SLDTBXH", "Sở Lao động - Thương binh và Xã hội"),
    ("TTT", "Thanh tra tỉnh"),
    ("BDT", "Ban Dân tộc"),
]

# The divisions of the Department of Science and Technology (seeds 000 and 004).
# The demo's issuers: (unit, abbreviation, place, signer, title, authority, usual recipients). Invented names.
ISSUERS = [
    ("TINH", "UBND", "Lai Châu", "Vàng Văn Thành", "PHÓ CHỦ TỊCH", "KT. CHỦ TỊCH", ""),
    ("SKHCN", "SKHCN", "Lai Châu", "Tống Thanh Hải", "", "GIÁM ĐỐC", ""),
]

SKHCN_DIVISIONS = [
    ("SKHCN-VP", "Văn phòng Sở"),
    ("SKHCN-TT", "Thanh tra Sở"),
    ("SKHCN-QLKH", "Phòng Quản lý khoa học và công nghệ"),
    ("SKHCN-TDC", "Chi cục Tiêu chuẩn Đo lường Chất lượng"),
    ("SKHCN-TTKD", "Trung tâm Kiểm định và Phát triển khoa học công nghệ"),
]

COMMUNE_NAMES = [
    "Bản Lang", "Nậm Tăm", "Pa Tần", "Mường Tè", "Sìn Hồ", "Tam Đường", "Phong Thổ", "Than Uyên", "Tân Uyên",
    "Nậm Nhùn", "Bum Nưa", "Bum Tở", "Ka Lăng", "Thu Lũm", "Pa Ủ", "Mù Cả", "Tà Tổng", "Kan Hồ", "Hua Bum",
    "Nậm Hàng", "Lê Lợi", "Pú Đao", "Chăn Nưa", "Nậm Cha", "Căn Co", "Tả Ngảo", "Làng Mô", "Phăng Sô Lin",
    "Tủa Sín Chải", "Nậm Mạ", "Pa Khóa", "Noong Hẻo", "Lùng Thàng", "Hồng Thu", "Phìn Hồ", "Ma Quai", "Dào San",
    "Mù Sang", "Sì Lở Lầu", "Vàng Ma Chải", "Khổng Lào", "Bản Giang", "Bản Hon", "Nà Tăm", "Bình Lư",
    "Sơn Bình", "Khun Há", "Hồ Thầu", "Giang Ma", "Tả Lèng", "Nùng Nàng", "Bản Bo", "Mường Kim", "Tà Hừa",
    "Pha Mu", "Khoen On", "Mường Than", "Phúc Than", "Ta Gia", "Tà Mít", "Nậm Sỏ", "Phúc Khoa", "Mường Khoa",
    "Trung Đồng", "Thân Thuộc", "Hố Mít", "Nậm Cần", "Pắc Ta", "Nậm Xe", "Huổi Luông", "Mồ Sì San", "Sin Suối Hồ",
    "Ma Li Pho", "Lả Nhì Thàng", "Pa Vây Sử", "Bản Lang Hạ", "Chăn Nưa Thượng", "Mường Mô", "Nậm Ban",
    "Trung Chải", "Hua Nà", "Mường Cang", "Pắc Ma", "Tá Bạ", "Vàng San", "Pa Vệ Sử", "Tá Pạ", "Nậm Khao",
    "Bum Nưa Hạ", "Lê Lợi Thượng", "Sì Thâu Chải", "Nậm Pì", "Hoang Thèn", "Dào San Thượng", "Thèn Sin",
    "Xà Dề Phìn", "Nà Khuầy", "Lản Nhì Thàng", "Sà Dề Phìn", "Nậm Hăn",
]
WARDS = ["Tân Phong", "Đoàn Kết", "Quyết Thắng", "Quyết Tiến", "Đông Phong", "Tân Uyên Trung"]

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lò", "Tòng",
          "Giàng", "Vàng", "Sùng", "Lường", "Tao", "Lý", "Phàn", "Chảo", "Lèo", "Điêu"]
MIDDLE_MALE = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Thanh", "Xuân", "A"]
MIDDLE_FEMALE = ["Thị", "Thị", "Thanh", "Ngọc", "Thu", "Minh", "Hồng"]
GIVEN_MALE = ["Hùng", "Dũng", "Hải", "Tuấn", "Long", "Nam", "Sơn", "Bình", "Thắng", "Chiến", "Páo", "Sính",
              "Chứ", "Pháng", "Cường", "Khánh", "Phong", "Quân", "Trung", "Việt", "Hưng", "Lâm", "Toàn", "Nghĩa"]
GIVEN_FEMALE = ["Hoa", "Lan", "Hương", "Mai", "Thảo", "Phương", "Trang", "Huyền", "Linh", "Quỳnh", "Dua", "Mỷ",
                "Hằng", "Nga", "Yến", "Thủy", "Hạnh", "Ngân", "Vân", "Nhung", "Tâm", "Xuân", "Oanh", "Liên"]

DEPARTMENT_POSITIONS = ["Chuyên viên", "Chuyên viên", "Chuyên viên", "Chuyên viên chính", "Phó Trưởng phòng",
                        "Trưởng phòng", "Kế toán", "Văn thư", "Kiểm định viên", "Thanh tra viên", "Nhân viên"]
COMMUNE_POSITIONS = ["Công chức Văn phòng - Thống kê", "Công chức Tư pháp - Hộ tịch",
                     "Công chức Địa chính - Xây dựng", "Công chức Tài chính - Kế toán",
                     "Công chức Văn hóa - Xã hội", "Phó Chủ tịch UBND", "Chủ tịch UBND"]

INITIATIVE_TOPICS = [
    "Số hóa quy trình tiếp nhận hồ sơ", "Ứng dụng chữ ký số trong phát hành văn bản",
    "Rút ngắn thời gian thẩm định hồ sơ", "Chuẩn hóa biểu mẫu điện tử cho TTHC",
    "Tra cứu kết quả giải quyết TTHC qua mã QR", "Quản lý lịch công tác trên TD-Office",
    "Thanh toán trực tuyến phí, lệ phí", "Lưu trữ điện tử hồ sơ công việc",
    "Hướng dẫn nộp hồ sơ trực tuyến cho người dân", "Theo dõi tiến độ nhiệm vụ bằng bảng điều khiển",
]
