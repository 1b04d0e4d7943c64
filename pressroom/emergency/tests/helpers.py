"""Shared set-up of the emergency tests: channels on the tree, an alert, TOTP codes."""

from __future__ import annotations

from typing import Any

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from pressroom.channels.models import Channel
from pressroom.emergency import actions
from pressroom.emergency.models import EmergencyAlert, EmergencyTemplate, Hazard
from pressroom.orgs.models import Unit

TITLE = "Cảnh báo lũ quét tại xã Hợp Thành"
TEXT = "Mưa lớn kéo dài, nguy cơ lũ quét. Người dân vùng trũng di chuyển lên nơi cao."
TEMPLATE_TITLE = "Cảnh báo lũ quét, sạt lở đất tại {khu_vuc}"
TEMPLATE_TEXT = (
    "Từ {thoi_gian}, mưa lớn có thể gây lũ quét, sạt lở đất tại {khu_vuc}. "
    "Mức độ rủi ro: {muc_do}.\n{huong_dan}"
)
VALUES = {
    "khu_vuc": "xã Hợp Thành",
    "thoi_gian": "18 giờ hôm nay",
    "muc_do": "cấp 3",
    "huong_dan": "Di chuyển người già, trẻ nhỏ ra khỏi khu vực ven suối.",
}


class AlertSetup:
    """Channels: two in the district, two in the commune below it, one in the sibling."""

    district: Unit
    commune: Unit
    sibling: Unit
    owner: Any
    make_channel: Any

    def make_channels(self) -> None:
        self.district_facebook = self.make_channel(self.district, "facebook")
        self.district_telegram = self.make_channel(self.district, "telegram")
        self.commune_zalo = self.make_channel(self.commune, "zalo")
        self.commune_mastodon = self.make_channel(self.commune, "mastodon", max_characters=500)
        self.sibling_facebook = self.make_channel(self.sibling, "facebook")
        self.subtree_channels: list[Channel] = [
            self.district_facebook,
            self.district_telegram,
            self.commune_zalo,
            self.commune_mastodon,
        ]

    def make_template(self, unit: Unit | None = None, **fields: Any) -> EmergencyTemplate:
        values: dict[str, Any] = {
            "unit": unit or self.district,
            "hazard": Hazard.LANDSLIDE,
            "title": TEMPLATE_TITLE,
            "text": TEMPLATE_TEXT,
        }
        values.update(fields)
        return EmergencyTemplate.objects.create(**values)

    def compose(self, **overrides: Any) -> EmergencyAlert:
        values: dict[str, Any] = {
            "by": self.owner,
            "unit": self.district,
            "hazard": Hazard.FLOOD,
            "title": TITLE,
            "text": TEXT,
        }
        values.update(overrides)
        return actions.compose_alert(**values)


def add_totp_device(user: Any) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Pressroom", confirmed=True)


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def wrong_code_for(device: TOTPDevice) -> str:
    """A code that none of the accepted time steps (now, just before, just after) shows."""
    accepted = {
        totp(device.bin_key, step=device.step, digits=device.digits, drift=drift)
        for drift in (-1, 0, 1)
    }
    return next(f"{code:06d}" for code in range(1_000_000) if code not in accepted)
