# language: vi
Tính năng: Tỷ lệ hồ sơ có kết quả điện tử của TTHC trả kết quả bản giấy (QĐ 766, chỉ số 4.1)
  Là cán bộ Sở Nội vụ theo dõi Bộ chỉ số 766,
  tôi cần chỉ số 4.1 tính đúng như Quyết định: hồ sơ có kết quả điện tử chia cho hồ sơ đã giải quyết
  của các TTHC trả kết quả bản giấy; tệp hồ sơ thiếu cột đó thì phiếu điểm phải nói rõ cách đã tính.

  Bối cảnh:
    Cho Sở Tư pháp "STP" đã giải quyết 4 hồ sơ của TTHC trả kết quả bản giấy, 1 hồ sơ có kết quả điện tử
    Và Sở Tư pháp "STP" đã giải quyết 6 hồ sơ của TTHC không trả kết quả bản giấy, 6 hồ sơ có kết quả điện tử

  Kịch bản: Tệp có cột «TTHC trả kết quả bản giấy»: mẫu số chỉ gồm hồ sơ của các TTHC đó
    Khi tôi nhập tệp hồ sơ có cột "TTHC trả kết quả bản giấy" và chấm điểm theo bộ "qd766-2022"
    Thì lời giải thích chỉ số "4.1" của "STP" có "1/4 = 25%"
    Và phiếu điểm của "STP" không có ghi chú nào về cột "TTHC trả kết quả bản giấy"
    Và phiếu điểm của "STP" có ghi chú "5.4. Tính bằng 100% trừ tỷ lệ hồ sơ quá hạn"

  Kịch bản: Tệp thiếu cột: tính trên mọi hồ sơ đã giải quyết và phiếu điểm nói rõ
    Khi tôi nhập tệp hồ sơ không có cột "TTHC trả kết quả bản giấy" và chấm điểm theo bộ "qd766-2022"
    Thì lời giải thích chỉ số "4.1" của "STP" có "7/10 = 70%"
    Và phiếu điểm của "STP" có ghi chú "4.1. Tệp hồ sơ không có cột «TTHC trả kết quả bản giấy» (10 hồ sơ): mẫu số là mọi hồ sơ đã giải quyết"

  Kịch bản: Một ô ghi sai thì cả tệp bị từ chối, nêu dòng và cột
    Cho ô "TTHC trả kết quả bản giấy" của hồ sơ thứ 2 ghi "giấy tờ"
    Khi tôi nhập tệp hồ sơ có cột "TTHC trả kết quả bản giấy"
    Thì tệp bị từ chối với lỗi ở dòng 3, cột "TTHC trả kết quả bản giấy": "«giấy tờ» không thuộc các giá trị cho phép"
    Và không có hồ sơ nào được ghi
