# language: vi
Tính năng: Xem trước bộ tiêu chí mới và xếp hàng thẩm định theo rủi ro
  Trước khi tỉnh ban hành một bộ tiêu chí mới, văn phòng thấy ai được, ai mất điểm, hạng, xếp loại
  trên số liệu năm trước, không ghi gì; trước khi thẩm định, số liệu đơn vị tự kê khai mâu thuẫn với
  dữ liệu đã có được đưa lên đầu hàng đợi, kèm lý do.

  Kịch bản: Nâng ngưỡng xếp loại làm hai sở xuống một bậc, thấy được trước khi áp dụng
    Cho tỉnh mô phỏng đã chấm điểm năm 2024 theo bộ "chi-so-cchc-so-nganh"
    Khi văn phòng nâng ngưỡng xếp loại vừa đủ để hai sở có kết quả thấp nhất của một loại xuống loại dưới
    Và xem trước bộ tiêu chí mới trên số liệu năm 2024
    Thì bản xem trước nêu đúng hai sở đó, mỗi sở xuống một bậc xếp loại, giữ nguyên điểm
    Và không có gì được ghi vào cơ sở dữ liệu

  Kịch bản: Một xã kê khai 100% trực tuyến trong khi hồ sơ cho thấy ít hơn nhiều đứng đầu hàng đợi thẩm định
    Cho tỉnh mô phỏng với số liệu năm 2024
    Và một xã có dưới một nửa hồ sơ nộp trực tuyến kê khai 100% thủ tục trực tuyến toàn trình
    Khi lập hàng đợi thẩm định năm 2024
    Thì xã đó đứng đầu hàng đợi
    Và lý do nêu tỷ lệ kê khai 100% và tỷ lệ theo dữ liệu hồ sơ
