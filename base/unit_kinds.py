"""The kinds of units a province's reform cycle knows, by code, with the words the templates use."""

UNIT_KINDS = {
    "tinh": "UBND tỉnh",
    "so_nganh": "Sở, ban, ngành",
    "xa_phuong": "UBND xã, phường",
    "phong_ban": "Phòng, đơn vị trực thuộc",
}
