"""Titles and award forms of the Law on Emulation and Commendation 2022 by code: their names, what people write
for them (a decision file's cell, a campaign's form, a stored award), and who decides them. The one table the
ingestion, the eligibility, the campaigns and the office read."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from base.vn import fold

# The titles and award forms a decision of the province, its departments or communes may grant (Luật TĐKT 2022
# Đ.22–28, 74, 75), by participant kind: code → label, the labels of the titles rule sets (base/rule_uses.yaml:
# person_titles, collective_titles).
FORMS = {
    "ca_nhan": {
        "lao_dong_tien_tien": "Lao động tiên tiến",
        "chien_si_thi_dua_co_so": "Chiến sĩ thi đua cơ sở",
        "chien_si_thi_dua_cap_tinh": "Chiến sĩ thi đua cấp tỉnh",
        "bang_khen_chu_tich_tinh": "Bằng khen của Chủ tịch UBND tỉnh",
        "giay_khen": "Giấy khen",
    },
    "tap_the": {
        "tap_the_lao_dong_tien_tien": "Tập thể lao động tiên tiến",
        "tap_the_lao_dong_xuat_sac": "Tập thể lao động xuất sắc",
        "bang_khen_tap_the": "Bằng khen của Chủ tịch UBND tỉnh (tập thể)",
        "giay_khen_tap_the": "Giấy khen (tập thể)",
        "co_thi_dua_cap_tinh": "Cờ thi đua cấp tỉnh",
    },
}
# Forms above the province (the Prime Minister's, the Government's, the nation's): a department proposes them
# through the province, and their conditions are not those of the province's forms of the same name.
ABOVE_PROVINCE = {
    "bang_khen_thu_tuong": "Bằng khen của Thủ tướng Chính phủ",
    "co_thi_dua_chinh_phu": "Cờ thi đua của Chính phủ",
    "chien_si_thi_dua_toan_quoc": "Chiến sĩ thi đua toàn quốc",
}
# What people write for a form, whatever the participant: the collective's code is chosen by the kind.
SAME_FOR_COLLECTIVE = {"bang_khen_chu_tich_tinh": "bang_khen_tap_the", "giay_khen": "giay_khen_tap_the"}
WORDS = {
    **{label: code for forms in FORMS.values() for code, label in forms.items()},
    **{code: code for forms in FORMS.values() for code in forms},
    "LĐTT": "lao_dong_tien_tien", "CSTĐCS": "chien_si_thi_dua_co_so", "CSTĐ cấp tỉnh": "chien_si_thi_dua_cap_tinh",
    "Bằng khen": "bang_khen_chu_tich_tinh", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh": "bang_khen_chu_tich_tinh",
    "Bằng khen UBND tỉnh": "bang_khen_chu_tich_tinh", "Giấy khen của Giám đốc sở": "giay_khen",
    "TTLĐTT": "tap_the_lao_dong_tien_tien", "TTLĐXS": "tap_the_lao_dong_xuat_sac",
    "Cờ thi đua của UBND tỉnh": "co_thi_dua_cap_tinh",
    # «sỹ» as many write it, and a Giấy khen named by whoever gives it (a sở's director, a commune's chairman)
    "Chiến sỹ thi đua cơ sở": "chien_si_thi_dua_co_so", "Chiến sỹ thi đua cấp tỉnh": "chien_si_thi_dua_cap_tinh",
    # the Law's own names (Đ.21–22: «cấp cơ sở», «cấp bộ, ban, ngành, tỉnh»), and the committee for its chairman
    "Chiến sĩ thi đua cấp cơ sở": "chien_si_thi_dua_co_so", "Chiến sỹ thi đua cấp cơ sở": "chien_si_thi_dua_co_so",
    "Chiến sĩ thi đua bộ, ban, ngành, tỉnh": "chien_si_thi_dua_cap_tinh",
    "Chiến sĩ thi đua cấp bộ, ban, ngành, tỉnh": "chien_si_thi_dua_cap_tinh",
    "Cờ thi đua của Ủy ban nhân dân tỉnh": "co_thi_dua_cap_tinh", "Cờ thi đua của Chủ tịch UBND tỉnh": "co_thi_dua_cap_tinh",
    "Bằng khen của UBND tỉnh": "bang_khen_chu_tich_tinh", "Bằng khen của Ủy ban nhân dân tỉnh": "bang_khen_chu_tich_tinh",
    **{f"Giấy khen của {who}": "giay_khen" for who in (
        "Giám đốc", "Thủ trưởng", "Thủ trưởng đơn vị", "Chủ tịch UBND xã", "Chủ tịch UBND phường",
        "Chủ tịch Ủy ban nhân dân xã", "Chủ tịch Ủy ban nhân dân phường", "Chủ tịch UBND đặc khu")},
}
# Free text (a campaign's «Bằng khen của Chủ tịch UBND tỉnh cho tập thể …», a stored form): the first phrase found
# names the form, the forms (Bằng khen, Giấy khen, Cờ) before the titles they may be given for. Each phrase as
# written (lower case, «sỹ» read as «sĩ») or as a code.
_NATIONAL = ("thủ tướng", "chính phủ", "chinh_phu", "thu_tuong")
_PHRASES = (
    (("chiến sĩ thi đua toàn quốc", "chien_si_thi_dua_toan_quoc"), (), "chien_si_thi_dua_toan_quoc"),
    (("bằng khen", "bang_khen"), _NATIONAL, "bang_khen_thu_tuong"),
    (("cờ thi đua", "co_thi_dua"), _NATIONAL, "co_thi_dua_chinh_phu"),
    (("bằng khen", "bang_khen"), (), "bang_khen_chu_tich_tinh"),
    (("giấy khen", "giay_khen"), (), "giay_khen"),
    (("cờ thi đua", "co_thi_dua"), (), "co_thi_dua_cap_tinh"),
    (("chiến sĩ thi đua cấp tỉnh", "chiến sĩ thi đua tỉnh", "chiến sĩ thi đua cấp bộ", "chiến sĩ thi đua bộ",
      "cstđ cấp tỉnh", "chien_si_thi_dua_cap_tinh"), (), "chien_si_thi_dua_cap_tinh"),
    (("chiến sĩ thi đua cơ sở", "chiến sĩ thi đua cấp cơ sở", "cstđcs", "chien_si_thi_dua_co_so"), (),
     "chien_si_thi_dua_co_so"),
    (("tập thể lao động xuất sắc", "ttlđxs", "tap_the_lao_dong_xuat_sac"), (), "tap_the_lao_dong_xuat_sac"),
    (("tập thể lao động tiên tiến", "ttlđtt", "tap_the_lao_dong_tien_tien"), (), "tap_the_lao_dong_tien_tien"),
    (("lao động tiên tiến", "lđtt", "lao_dong_tien_tien"), (), "lao_dong_tien_tien"),
)
# Who decides (Luật TĐKT 2022 Đ.80; NĐ 129/2025 Đ.59; DOMAIN.md §4.6): the Chairman of the province's People's
# Committee gives these; heads of the province's departments and chairmen of communes give Lao động tiên tiến,
# Chiến sĩ thi đua cơ sở, Tập thể lao động tiên tiến and Giấy khen. A division of a department decides none.
PROVINCE_DECIDES = frozenset({"chien_si_thi_dua_cap_tinh", "bang_khen_chu_tich_tinh", "bang_khen_tap_the",
                              "co_thi_dua_cap_tinh", "tap_the_lao_dong_xuat_sac"})
# Forms given as often as they are earned, under decisions of their own (Luật TĐKT 2022 Đ.74, 75: for the year, for
# a campaign, for a sudden deed); a title (danh hiệu) is held once a year.
REPEATED_FORMS = frozenset({"bang_khen_chu_tich_tinh", "giay_khen", "bang_khen_tap_the", "giay_khen_tap_the"})


_FOLDED = {fold(k): v for k, v in WORDS.items()}


def _free_text(text: str) -> str | None:
    t = re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(text)).lower()).replace("sỹ", "sĩ")
    return next((code for words, also, code in _PHRASES
                 if any(w in t for w in words) and (not also or any(w in t for w in also))), None)


@cache  # a few forms, read for every stored award
def form_code(text: str, kind: str = "ca_nhan") -> str | None:
    """A form as written — its label, code or short name, or free text naming it — → its code for a participant of
    ``kind`` (ca_nhan | tap_the); None: no form this table knows."""
    code = _FOLDED.get(fold(text)) or _free_text(text)
    if code is not None and kind == "tap_the":
        code = SAME_FOR_COLLECTIVE.get(code, code)
    return code


def decided_by(form: str) -> str:
    """«tinh» when the provincial People's Committee (its chairman) decides ``form`` or proposes it above, on the
    department's proposal (tờ trình); else «don_vi»: the department's head decides it."""
    code = form_code(form)
    return "tinh" if code in PROVINCE_DECIDES or code in ABOVE_PROVINCE else "don_vi"


# A form as the decision granting it names it (Luật TĐKT 2022 Đ.74: the Bằng khen is the Chairman's, whoever the
# plan that registered it said gave it — «Bằng khen của Ủy ban nhân dân tỉnh»), spelled out as a decision writes;
# by the individual's code, the collective's being the same form.
DECIDED_NAMES = {"bang_khen_chu_tich_tinh": "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"}


def decided_name(form: str) -> str:
    """``form`` as a decision of the province names it: the Law's name where the table has one, else as written."""
    return DECIDED_NAMES.get(form_code(form) or "", form)
