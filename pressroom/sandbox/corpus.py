"""What the simulated public writes and what it is called: Vietnamese as people type it.

Questions, complaints, suggestions, thanks, spam and a known false claim (for the correction
desk), some typed without diacritics, some with emoji, a few in decomposed Unicode (NFD, as
some phones and browsers send it). Names are Vietnamese, stable per citizen number.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

QUESTION = "question"
COMPLAINT = "complaint"
SUGGESTION = "suggestion"
THANKS = "thanks"
SPAM = "spam"
FALSE_CLAIM = "false_claim"
# Said in answer to someone, under a post.
FOLLOW_UP = "follow_up"

# The claim that is not true, as the correction desk knows it.
KNOWN_FALSE_CLAIM = "Nghe nói từ tháng sau phải nộp phí khi làm căn cước"

TEXTS: dict[str, tuple[str, ...]] = {
    QUESTION: (
        "Lịch tiêm ở phường tôi là khi nào?",
        "Cho em hỏi thủ tục đăng ký khai sinh cần giấy tờ gì ạ?",
        "Hồ sơ xin giấy phép xây dựng nộp ở đâu vậy ạ?",
        "Đường Lê Lợi khi nào thông xe lại vậy admin?",
        "Mai có cắt điện khu vực chợ không ạ?",
        "Làm lại căn cước bị mất thì mất bao lâu ạ?",
        "Trường hợp nhà em ở trọ thì đăng ký tạm trú online được không?",
        "Cho hỏi điểm tiêm gần nhất cho trẻ 2 tuổi ở đâu?",
        "Bao giờ thì có kết quả xét duyệt hồ sơ hộ nghèo ạ?",
        "Xin hỏi số điện thoại đường dây nóng của phường là số nào?",
    ),
    COMPLAINT: (
        "Rác ở đầu hẻm 12 ba ngày rồi chưa ai dọn, hôi quá!",
        "Đèn đường trước trường tiểu học hỏng cả tháng nay, tối đi rất nguy hiểm.",
        "Nộp hồ sơ online mà vẫn bắt lên phường nộp bản giấy, mất cả buổi.",
        "Công trình đào đường xong không trả lại mặt bằng, mưa là ngập.",
        "Gọi đường dây nóng mãi không ai nghe máy.",
        "Karaoke hàng xóm hát đến 12 giờ đêm, báo rồi mà không ai xử lý.",
        "Cổng dịch vụ công cứ báo lỗi khi tải giấy tờ lên.",
    ),
    SUGGESTION: (
        "Đề nghị phường lắp thêm đèn ở công viên, buổi tối tối quá.",
        "Nên có lịch tiêm đăng trước một tuần để người dân sắp xếp.",
        "Mong UBND mở thêm quầy tiếp dân vào sáng thứ bảy.",
        "Có thể gửi thông báo cắt nước qua Zalo cho từng tổ dân phố không?",
        "Nên làm thêm vạch sang đường trước chợ, xe chạy nhanh lắm.",
    ),
    THANKS: (
        "Cảm ơn phường đã xử lý nhanh vụ cây đổ hôm qua.",
        "Thông tin rất hữu ích, cảm ơn ad!",
        "Cán bộ một cửa hướng dẫn rất nhiệt tình, cảm ơn nhiều.",
        "Tuyệt vời, đường sạch đẹp hẳn.",
        "Cảm ơn đã thông báo kịp thời.",
    ),
    SPAM: (
        "Kiếm tiền online 500k mỗi ngày tại nhà, inbox ngay!!! http://kiem-tien-nhanh.example/dk",
        "Vay tiền nhanh không cần thế chấp, duyệt trong 5 phút: https://vay-nhanh.example",
        "Bán sim số đẹp giá rẻ, liên hệ 09xx xxx xxx",
        "Nhận like, tăng follow giá rẻ: https://tang-like.example",
        "Click nhận quà tri ân khách hàng 👉 http://qua-tang.example/nhan",
    ),
    FALSE_CLAIM: (
        KNOWN_FALSE_CLAIM,
        "Nghe nói từ tháng sau phải nộp phí khi làm căn cước, có đúng không ạ?",
        "Có phải từ tháng sau làm căn cước phải nộp phí không mọi người?",
        "Mọi người đi làm căn cước sớm đi, nghe nói từ tháng sau phải nộp phí.",
    ),
    FOLLOW_UP: (
        "Mình cũng đang thắc mắc câu này.",
        "Đồng ý với bạn!",
        "Vẫn chưa thấy ai trả lời ạ?",
        "Cảm ơn ad, vậy cần mang theo giấy tờ gì ạ?",
        "Không đúng đâu bạn ơi, mình vừa đi làm hôm qua.",
        "Ad ơi trả lời giúp em với.",
    ),
}

# What people write in private, rather than under a post.
PRIVATE = (QUESTION, COMPLAINT, SUGGESTION, THANKS, FALSE_CLAIM)
# How often each kind is written.
KIND_WEIGHTS: dict[str, float] = {
    QUESTION: 0.35,
    COMPLAINT: 0.2,
    SUGGESTION: 0.1,
    THANKS: 0.15,
    SPAM: 0.1,
    FALSE_CLAIM: 0.1,
}
EMOJI = ("🙏", "😡", "👍", "❤️", "😢", "🤔", "👏", "😂")
NO_DIACRITICS_SHARE = 0.2
EMOJI_SHARE = 0.25
DECOMPOSED_SHARE = 0.05

FAMILY = (
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
MIDDLE = ("Văn", "Thị", "Minh", "Ngọc", "Thanh", "Đức", "Hữu", "Thu", "Hoài", "Quốc", "Bảo")
GIVEN = (
    "An",
    "Bình",
    "Chi",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hiếu",
    "Hoa",
    "Hùng",
    "Hương",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Ngân",
    "Nhung",
    "Phúc",
    "Phương",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Trung",
    "Tuấn",
    "Vy",
    "Yến",
)


@dataclass(frozen=True)
class Phrase:
    kind: str
    text: str


def without_diacritics(text: str) -> str:
    """As typed on a keyboard without Vietnamese input: "Lịch tiêm" → "Lich tiem"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def phrase(rng: random.Random, kind: str | None = None, *, private: bool = False) -> Phrase:
    """Something a citizen writes: of `kind`, or one picked by `KIND_WEIGHTS` (no spam in
    private), as it might be typed."""
    if kind is None:
        kinds = [name for name in KIND_WEIGHTS if not private or name in PRIVATE]
        kind = rng.choices(kinds, weights=[KIND_WEIGHTS[name] for name in kinds])[0]
    text = rng.choice(TEXTS[kind])
    if rng.random() < NO_DIACRITICS_SHARE:
        text = without_diacritics(text).lower()
    if rng.random() < EMOJI_SHARE:
        text = f"{text} {rng.choice(EMOJI)}"
    if rng.random() < DECOMPOSED_SHARE:
        text = unicodedata.normalize("NFD", text)
    return Phrase(kind, text)


def name(number: int) -> str:
    """The name citizen `number` goes by: the same for the same number, some written the
    Western way round or without diacritics, as people set up their profiles."""
    rng = random.Random(number)
    family, middle, given = rng.choice(FAMILY), rng.choice(MIDDLE), rng.choice(GIVEN)
    style = number % 10
    if style == 3:
        return f"{given} {family}"
    if style == 7:
        return without_diacritics(f"{family} {given}")
    if style == 9:
        return f"{given} {middle}"
    return f"{family} {middle} {given}"
