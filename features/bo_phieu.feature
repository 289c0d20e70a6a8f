# language: vi
Tính năng: Bỏ phiếu kín của Hội đồng Thi đua - Khen thưởng
  Phiếu được ghi theo từng người và từng hình thức khen thưởng. Hội đồng chỉ kiểm phiếu khi đủ 2/3 thành viên
  có mặt và 80% thành viên tham gia, kể cả ý kiến bằng văn bản (emulation/thresholds.yaml); người được đề nghị trong chỉ tiêu mà tệp kết quả
  bỏ phiếu bỏ sót thì được nêu tên, và không phiếu nào được ghi.

  Kịch bản: Hội đồng họp chưa đủ số thành viên thì không kiểm phiếu
    Cho phong trào "skhcn-ninh-thuan-2024" đã xếp thứ tự đề nghị năm 2024
    Và tệp kết quả bỏ phiếu có phiếu của mọi người được đề nghị trong chỉ tiêu
    Khi Hội đồng 10 thành viên, 6 có mặt, 1 có ý kiến bằng văn bản ghi kết quả bỏ phiếu
    Thì không phiếu nào được ghi
    Và lý do là "phiên họp không đủ số thành viên để kiểm phiếu"

  Kịch bản: Người được đề nghị bị bỏ sót trong tệp kết quả bỏ phiếu được nêu tên
    Cho phong trào "skhcn-ninh-thuan-2024" đã xếp thứ tự đề nghị năm 2024
    Và tệp kết quả bỏ phiếu bỏ sót người đứng đầu danh sách đề nghị
    Khi Hội đồng 10 thành viên, 9 có mặt, 1 có ý kiến bằng văn bản ghi kết quả bỏ phiếu
    Thì không phiếu nào được ghi
    Và lý do nêu mã và họ tên người bị bỏ sót
