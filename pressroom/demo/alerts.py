"""The demo province's pre-approved alert templates (called at the end of the demo data)."""

from __future__ import annotations

from django.contrib.auth.models import User

from pressroom.emergency.actions import save_template
from pressroom.emergency.models import EmergencyTemplate, Hazard
from pressroom.orgs.models import Unit

# What the composer shows for the fields most templates share; a template may say otherwise.
LABELS = {
    "khu_vuc": "Khu vực",
    "thoi_gian": "Thời gian",
    "muc_do": "Mức độ",
    "huong_dan": "Hướng dẫn người dân",
}

# Short enough for a Mastodon post of 500 characters once the fields are filled.
DEMO_TEMPLATES: list[tuple[str, str, str, dict[str, str]]] = [
    (
        Hazard.LANDSLIDE,
        "Cảnh báo lũ quét, sạt lở đất tại {khu_vuc}",
        (
            "Từ {thoi_gian}, mưa lớn có thể gây lũ quét, sạt lở đất tại {khu_vuc}. "
            "Mức độ rủi ro: {muc_do}.\n"
            "{huong_dan}\n"
            "Khi cần hỗ trợ, gọi ngay chính quyền địa phương hoặc số 112."
        ),
        {**LABELS, "muc_do": "Mức độ rủi ro"},
    ),
    (
        Hazard.STORM,
        "Cảnh báo bão: {khu_vuc}",
        (
            "Bão dự kiến ảnh hưởng trực tiếp đến {khu_vuc} từ {thoi_gian}, "
            "cấp độ rủi ro thiên tai: {muc_do}.\n"
            "{huong_dan}\n"
            "Người dân theo dõi thông tin chính thức trên các kênh của chính quyền."
        ),
        {**LABELS, "muc_do": "Cấp độ rủi ro thiên tai"},
    ),
    (
        Hazard.OUTBREAK,
        "Thông báo dịch bệnh tại {khu_vuc}",
        (
            "Ghi nhận ổ dịch tại {khu_vuc} từ {thoi_gian}. Mức độ: {muc_do}.\n"
            "{huong_dan}\n"
            "Khi có triệu chứng, liên hệ trạm y tế gần nhất; không tự ý dùng thuốc."
        ),
        LABELS,
    ),
    (
        Hazard.COLD,
        "Cảnh báo rét đậm, rét hại",
        (
            "Từ {thoi_gian}, {khu_vuc} có rét đậm, rét hại; nhiệt độ thấp nhất {muc_do}.\n"
            "{huong_dan}\n"
            "Giữ ấm cho người già và trẻ nhỏ, che chắn chuồng trại cho gia súc."
        ),
        {**LABELS, "muc_do": "Nhiệt độ thấp nhất"},
    ),
]


def demo_templates(*, by: User, unit: Unit) -> list[EmergencyTemplate]:
    return [
        save_template(by=by, unit=unit, hazard=hazard, title=title, text=text, labels=labels)
        for hazard, title, text, labels in DEMO_TEMPLATES
    ]
