"""The sandbox's Zalo users: ids of Zalo's shape and Vietnamese names, the same every time."""

from __future__ import annotations

import hashlib

FAMILY_NAMES = (
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
)
MIDDLE_NAMES = ("Văn", "Thị", "Minh", "Thu", "Đức", "Ngọc", "Quang", "Thanh", "Hữu", "Kim")
GIVEN_NAMES = (
    "An",
    "Bình",
    "Chi",
    "Dũng",
    "Hà",
    "Hải",
    "Hoa",
    "Hùng",
    "Lan",
    "Linh",
    "Mai",
    "Nam",
    "Phương",
    "Quân",
    "Sơn",
    "Thảo",
    "Trang",
    "Tuấn",
    "Vy",
    "Yến",
)


def _number(*parts: str) -> int:
    return int.from_bytes(hashlib.sha256(":".join(parts).encode()).digest()[:8], "big")


def follower_id(account_id: str, number: int) -> str:
    """The OA's n-th follower, always the same id: a number of 19 digits, as Zalo's user ids
    (64-bit numbers)."""
    return str(10**18 + _number(account_id, str(number)) % (9 * 10**18))


def user_id_by_app(app_id: str, user_id: str) -> str:
    """The same person's id as the app sees it (webhooks carry it as `user_id_by_app`)."""
    return str(10**17 + _number("app", app_id, user_id) % (9 * 10**17))


def vietnamese_name(account_id: str, number: int) -> str:
    value = _number("name", account_id, str(number))
    family = FAMILY_NAMES[value % len(FAMILY_NAMES)]
    middle = MIDDLE_NAMES[value // 16 % len(MIDDLE_NAMES)]
    given = GIVEN_NAMES[value // 160 % len(GIVEN_NAMES)]
    return f"{family} {middle} {given}"
