"""The demo province's pre-approved alert templates (called at the end of the demo data)."""

from __future__ import annotations

from django.contrib.auth.models import User

from pressroom.emergency.actions import save_template
from pressroom.emergency.models import EmergencyTemplate, Hazard
from pressroom.orgs.models import Unit

# Short enough for a Mastodon post of 500 characters once the fields are filled.
DEMO_TEMPLATES = [
    (
        Hazard.LANDSLIDE,
        "Cảnh báo lũ quét, sạt lở đất tại {khu_vuc}",
        (
            "Từ {thoi_gian}, mưa lớn có thể gây lũ quét, sạt lở đất tại {khu_vuc}. "
            "Mức độ rủi ro: {muc_do}.\n"
            "{huong_dan}\n"
            "Khi cần hỗ trợ, gọi ngay chính quyền địa phương hoặc số 112."
        ),
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
    ),
    (
        Hazard.OUTBREAK,
        "Thông báo dịch bệnh tại {khu_vuc}",
        (
            "Ghi nhận ổ dịch tại {khu_vuc} từ {thoi_gian}. Mức độ: {muc_do}.\n"
            "{huong_dan}\n"
            "Khi có triệu chứng, liên hệ trạm y tế gần nhất; không tự ý dùng thuốc."
        ),
    ),
    (
        Hazard.COLD,
        "Cảnh báo rét đậm, rét hại",
        (
            "Từ {thoi_gian}, {khu_vuc} có rét đậm, rét hại; nhiệt độ thấp nhất {muc_do}.\n"
            "{huong_dan}\n"
            "Giữ ấm cho người già và trẻ nhỏ, che chắn chuồng trại cho gia súc."
        ),
    ),
]


def demo_templates(*, by: User, unit: Unit) -> list[EmergencyTemplate]:
    return [
        save_template(by=by, unit=unit, hazard=hazard, title=title, text=text)
        for hazard, title, text in DEMO_TEMPLATES
    ]
