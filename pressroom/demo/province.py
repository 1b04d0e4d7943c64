"""The demo province: Lạng Sơn with its city, 10 districts and a few provincial agencies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from io import BytesIO
from typing import Any

import httpx
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from PIL import Image

from pressroom.channels.models import Channel
from pressroom.content import actions as content
from pressroom.content import library, packs
from pressroom.content.models import Asset
from pressroom.demo.alerts import demo_templates
from pressroom.demo.listening import account_extra
from pressroom.orgs.models import Membership, Role, Unit
from pressroom.platforms.base import new_sandbox_token
from pressroom.platforms.registry import DESCRIPTORS, descriptor_for
from pressroom.publishing import scheduling


def demo_image(*, size: tuple[int, int], kind: str, color: str) -> bytes:
    """A plain picture for the demo posts (no image files in the repository)."""
    buffer = BytesIO()
    Image.new("RGB", size, color).save(buffer, format=kind)
    return buffer.getvalue()


DEMO_PASSWORD = "pressroom-demo"

PROVINCE = ("Tỉnh Lạng Sơn", "lang-son")
CITY = ("Thành phố Lạng Sơn", "tp-lang-son")
DISTRICTS = [
    ("Huyện Tràng Định", "trang-dinh"),
    ("Huyện Văn Lãng", "van-lang"),
    ("Huyện Văn Quan", "van-quan"),
    ("Huyện Bình Gia", "binh-gia"),
    ("Huyện Bắc Sơn", "bac-son"),
    ("Huyện Hữu Lũng", "huu-lung"),
    ("Huyện Chi Lăng", "chi-lang"),
    ("Huyện Cao Lộc", "cao-loc"),
    ("Huyện Lộc Bình", "loc-binh"),
    ("Huyện Đình Lập", "dinh-lap"),
]
AGENCIES = [
    ("Báo Lạng Sơn", "bao-lang-son"),
    ("Đài Phát thanh và Truyền hình Lạng Sơn", "dai-ptth"),
    ("Trung tâm Kiểm soát bệnh tật tỉnh (CDC)", "cdc-lang-son"),
]

# username, unit slug, role, full name
USERS = [
    ("admin", "lang-son", Role.ADMIN, "Quản trị tỉnh"),
    ("bientap", "lang-son", Role.EDITOR, "Nguyễn Thị Biên Tập"),
    ("pheduyet", "lang-son", Role.APPROVER, "Trần Văn Phê Duyệt"),
    ("lanhdao", "lang-son", Role.VIEWER, "Hoàng Văn Lãnh Đạo"),
    ("caoloc.bientap", "cao-loc", Role.EDITOR, "Lý Thị Cao Lộc"),
    ("caoloc.pheduyet", "cao-loc", Role.APPROVER, "Vi Văn Cao Lộc"),
]

# How the demo names its channels, by platform (any other: by the platform's brand name).
PLATFORM_NAMES = {
    "facebook": "Trang Facebook",
    "zalo": "Zalo OA",
    "telegram": "Kênh Telegram",
    "mastodon": "Mastodon",
}


@dataclass
class DemoResult:
    created: bool
    units: int
    channels: int


def point_channels_at_sandbox(sandbox_url: str) -> int:
    """(Re)register every sandbox channel with the sandbox at this address."""
    sandbox_url = sandbox_url.rstrip("/")
    count = 0
    with httpx.Client(timeout=10) as http:
        for channel in Channel.objects.filter(is_sandbox=True):
            descriptor = descriptor_for(channel.platform)
            channel.api_base = sandbox_url + descriptor.sandbox_path
            viewer = f"{sandbox_url}/view/{channel.platform}/{channel.external_id}"
            channel.options = {**channel.options, "viewer_url": viewer, "permalink_base": viewer}
            channel.save(update_fields=["api_base", "options"])
            token = next(iter(channel.credentials.values()))
            extra: dict[str, Any] = account_extra(channel)
            if channel.options.get("max_characters"):
                # The account's own limit (a Mastodon instance's), as the channel says.
                extra["max_characters"] = channel.options["max_characters"]
            response = http.post(
                f"{sandbox_url}/_control/accounts",
                json={
                    "platform": channel.platform,
                    "account_id": channel.external_id,
                    "token": token,
                    "name": channel.name,
                    **extra,
                },
            )
            response.raise_for_status()
            count += 1
    return count


def _channel(unit: Unit, platform: str) -> Channel:
    """A sandbox channel of the unit: an account id shaped like the platform's, and a token
    shaped like a bot token (fine for every platform)."""
    descriptor = descriptor_for(platform)
    channel = Channel(
        unit=unit,
        platform=platform,
        name=f"{PLATFORM_NAMES.get(platform, descriptor.label)} {unit.name}",
        external_id=descriptor.sandbox_account(number=unit.pk, name=unit.slug.replace("-", "_")),
        is_sandbox=True,
    )
    token = new_sandbox_token()
    channel.credentials = descriptor.sandbox_credentials(token)
    return channel


@transaction.atomic
def load_demo() -> DemoResult:
    """Create the demo province once; a second call changes nothing."""
    if Unit.objects.filter(slug=PROVINCE[1]).exists():
        return DemoResult(False, Unit.objects.count(), Channel.objects.count())
    province = Unit.objects.create(name=PROVINCE[0], slug=PROVINCE[1], kind=Unit.Kind.PROVINCE)
    units = [
        province,
        Unit.objects.create(name=CITY[0], slug=CITY[1], kind="city", parent=province),
    ]
    units += [
        Unit.objects.create(name=name, slug=slug, kind=Unit.Kind.DISTRICT, parent=province)
        for name, slug in DISTRICTS
    ]
    units += [
        Unit.objects.create(name=name, slug=slug, kind=Unit.Kind.AGENCY, parent=province)
        for name, slug in AGENCIES
    ]
    by_slug = {unit.slug: unit for unit in units}
    user_model = get_user_model()
    users = {}
    for username, slug, role, full_name in USERS:
        first, _, last = full_name.rpartition(" ")
        user = user_model.objects.create_user(
            username=username,
            password=DEMO_PASSWORD,
            email=f"{username}@langson.example.gov.vn",
            first_name=last,
            last_name=first,
            is_staff=username == "admin",
            is_superuser=username == "admin",
        )
        Membership.objects.create(user=user, unit=by_slug[slug], role=role)
        users[username] = user
    for unit in units:
        for platform in DESCRIPTORS:
            _channel(unit, platform).save()
    _demo_content(province, by_slug["cao-loc"], users)
    return DemoResult(True, len(units), Channel.objects.count())


def _demo_content(province: Unit, district: Unit, users: dict[str, Any]) -> None:
    today = timezone.localdate()
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    quarter_end = (quarter_start + timedelta(days=95)).replace(day=1) - timedelta(days=1)
    admin = users["admin"]
    themes = [
        content.save_theme(
            by=admin,
            unit=province,
            name=name,
            description=description,
            starts_on=quarter_start,
            ends_on=quarter_end,
        )
        for name, description in [
            ("Chuyển đổi số", "Dịch vụ công trực tuyến, chính quyền số, kinh tế số."),
            ("Phòng chống thiên tai", "Mưa lũ, sạt lở, rét đậm rét hại: cảnh báo và hướng dẫn."),
            ("Du lịch xứ Lạng", "Di tích, lễ hội, ẩm thực và con người Lạng Sơn."),
        ]
    ]
    province_channels = list(province.channels.all())
    district_channels = list(district.channels.all())
    editor, approver = users["bientap"], users["pheduyet"]
    now = timezone.now()
    posts = [
        # (title, body, theme, channels, state, minutes from now)
        (
            "Lạng Sơn đẩy mạnh dịch vụ công trực tuyến toàn trình",
            (
                "Từ tháng này, người dân có thể nộp hồ sơ cấp đổi giấy phép lái xe, đăng ký khai "
                "sinh và nhiều thủ tục khác hoàn toàn trực tuyến trên Cổng dịch vụ công tỉnh."
            ),
            themes[0],
            province_channels,
            "now",
            0,
        ),
        (
            "Cao Lộc: chủ động ứng phó mưa lớn, sạt lở đất",
            (
                "UBND huyện Cao Lộc đề nghị các xã rà soát khu vực có nguy cơ sạt lở, sẵn sàng "
                "phương án di dời dân khi có mưa lớn kéo dài."
            ),
            themes[1],
            district_channels,
            "now",
            0,
        ),
        (
            "Lễ hội Kỳ Lừa: nét văn hóa đặc sắc của xứ Lạng",
            (
                "Lễ hội Kỳ Lừa diễn ra từ ngày 14 đến 24 tháng Giêng hằng năm tại phố Kỳ Lừa, "
                "thu hút đông đảo du khách."
            ),
            themes[2],
            province_channels,
            "at",
            3,
        ),
        (
            "Hướng dẫn thanh toán học phí không dùng tiền mặt",
            (
                "Phụ huynh học sinh có thể thanh toán học phí qua ứng dụng ngân hàng hoặc "
                "Cổng dịch vụ công quốc gia."
            ),
            themes[0],
            province_channels + district_channels,
            "at",
            6,
        ),
        (
            "Cảnh báo rét đậm, rét hại vùng núi cao",
            (
                "Nhiệt độ tại Mẫu Sơn có thể xuống dưới 0°C. Người dân cần giữ ấm, che chắn "
                "chuồng trại cho gia súc."
            ),
            themes[1],
            district_channels,
            "at",
            10,
        ),
        (
            "Tuần lễ ẩm thực xứ Lạng",
            "Vịt quay, khâu nhục, phở chua: mời du khách thưởng thức tại phố đi bộ.",
            themes[2],
            province_channels,
            "review",
            0,
        ),
        (
            "Bản nháp: kế hoạch truyền thông quý tới",
            "Nội dung đang soạn thảo.",
            themes[0],
            province_channels[:2],
            "draft",
            0,
        ),
    ]
    for index, (title, body, theme, channels, state, minutes) in enumerate(posts):
        images = []
        if index in (0, 3):
            images = [
                content.NewImage(
                    f"anh-{index}-{n}.jpg",
                    demo_image(size=(800, 500), kind="JPEG", color=color),
                    f"Ảnh minh họa {n}: {title}",
                )
                for n, color in enumerate(["seagreen", "steelblue"][: 1 + index // 3], start=1)
            ]
        post = content.save_post(
            by=editor,
            unit=channels[0].unit,
            title=title,
            body=body,
            theme=theme,
            channels=channels,
            images=images,
        )
        if state == "draft":
            continue
        content.submit_post(post=post, by=editor)
        if state == "review":
            continue
        content.approve_post(post=post, by=approver)
        scheduling.schedule_post(
            post=post,
            by=approver,
            at=None if state == "now" else now + timedelta(minutes=minutes),
        )
    _demo_pack(province, users, themes[0])
    demo_templates(by=admin, unit=province)


# A one-page PDF: the media library keeps documents as well as images.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _demo_pack(province: Unit, users: dict[str, Any], theme: Any) -> None:
    """The province's media library gets a document, and a content pack goes to every unit
    below it (the demo's districts can adopt it)."""
    today = timezone.localdate()
    document, _new = library.add_to_library(
        unit=province,
        upload=library.Upload.of_bytes("Kế hoạch truyền thông chuyển đổi số.pdf", DEMO_PDF),
        description="Kế hoạch truyền thông về chuyển đổi số của tỉnh",
        by=users["admin"],
    )
    image = Asset.objects.filter(unit=province, kind=Asset.Kind.IMAGE).order_by("pk").first()
    packs.send_pack(
        by=users["pheduyet"],
        unit=province,
        title="Hưởng ứng Ngày Chuyển đổi số quốc gia",
        body=(
            "Mỗi người dân hãy cài đặt ứng dụng định danh điện tử và dùng dịch vụ công trực "
            "tuyến. Các đơn vị đăng bài hưởng ứng trên kênh của mình."
        ),
        theme=theme,
        assets=[asset for asset in (image, document) if asset is not None],
        starts_on=today,
        ends_on=today + timedelta(days=14),
        units=list(province.children.filter(is_active=True)),
        variants={
            "mastodon": {
                "text": "Hưởng ứng Ngày Chuyển đổi số quốc gia: dùng dịch vụ công trực tuyến."
            }
        },
    )
