# language: vi
Tính năng: Hội đồng Thi đua - Khen thưởng bỏ phiếu kín trên cổng
  Văn phòng mở phiên bỏ phiếu cho danh sách đề nghị trong chỉ tiêu của phong trào. Mỗi thành viên đọc hồ sơ
  và bỏ phiếu một lần cho từng người, từng hình thức: tại cuộc họp, hoặc vắng mặt thì gửi ý kiến bằng văn bản
  trên cổng trước khi phiên kết thúc. Tỷ lệ đồng ý tính trên tổng số thành viên Hội đồng (emulation/thresholds.yaml);
  phiên cần 2/3 thành viên có mặt và 80% thành viên tham gia (kể cả ý kiến bằng văn bản), thiếu thì không hợp
  lệ. Phiếu kín: không nơi nào ghi ai chọn gì.

  Kịch bản: Hội đồng 10 thành viên, 2 người vắng mặt gửi ý kiến bằng văn bản
    Cho phong trào có 3 người được đề nghị Chiến sĩ thi đua cơ sở năm 2024
    Và Hội đồng 10 thành viên, văn phòng đã mở phiên bỏ phiếu
    Khi 8 thành viên có mặt và 2 thành viên gửi ý kiến bằng văn bản, số phiếu đồng ý lần lượt 10, 8, 7
    Và văn phòng kết thúc phiên
    Thì phiên hợp lệ, biên bản ghi 10 thành viên, 8 có mặt, 2 ý kiến bằng văn bản
    Và kết quả lần lượt là "Đạt", "Đạt", "Không đạt"
    Và không bảng nào có dòng ghi cả thành viên lẫn lựa chọn của họ

  Kịch bản: Hội đồng 9 thành viên, 2 người gửi ý kiến bằng văn bản: 7/9 phiếu đồng ý chưa đạt 80%
    Cho phong trào có 3 người được đề nghị Chiến sĩ thi đua cơ sở năm 2024
    Và Hội đồng 9 thành viên, văn phòng đã mở phiên bỏ phiếu
    Khi 7 thành viên có mặt và 2 thành viên gửi ý kiến bằng văn bản, số phiếu đồng ý lần lượt 9, 8, 7
    Và văn phòng kết thúc phiên
    Thì phiên hợp lệ, biên bản ghi 9 thành viên, 7 có mặt, 2 ý kiến bằng văn bản
    Và kết quả lần lượt là "Đạt", "Đạt", "Không đạt"

  Kịch bản: Phiên chưa đủ số thành viên tham gia thì không hợp lệ
    Cho phong trào có 3 người được đề nghị Chiến sĩ thi đua cơ sở năm 2024
    Và Hội đồng 9 thành viên, văn phòng đã mở phiên bỏ phiếu
    Khi 6 thành viên có mặt và 1 thành viên gửi ý kiến bằng văn bản, số phiếu đồng ý lần lượt 7, 7, 7
    Và văn phòng kết thúc phiên
    Thì phiên không hợp lệ với lý do "không đủ số thành viên để kiểm phiếu"
    Và không phiếu nào được ghi vào kết quả của phong trào

  Kịch bản: Phiếu đã bỏ không bỏ lại, không sửa được
    Cho phong trào có 3 người được đề nghị Chiến sĩ thi đua cơ sở năm 2024
    Và Hội đồng 3 thành viên, văn phòng đã mở phiên bỏ phiếu
    Khi một thành viên bỏ phiếu đồng ý cho người thứ nhất
    Và thành viên đó bỏ phiếu lại không đồng ý cho người thứ nhất
    Thì phiếu sau bị từ chối với lý do "không sửa được"
    Và người thứ nhất chỉ được tính 1 phiếu
