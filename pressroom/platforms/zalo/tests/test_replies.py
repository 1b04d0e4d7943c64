"""Replies to citizens through message/cs, against the sandbox over HTTP: the free replies of
the 48-hour window, proactive messages after them, both recipient forms, a lost answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
import time_machine

from pressroom.platforms.base import OutcomeKind
from pressroom.platforms.inbound import OutgoingReply, ReplyWay
from pressroom.platforms.zalo.tests.conftest import OA, Official, answer


def test_eight_replies_are_free_and_the_ninth_is_proactive(official: Official) -> None:
    question = official.writes("Khi nào có lịch tiêm chủng?")
    remains = []
    for number in range(8):
        outcome = official.reply(f"Trả lời {number + 1}", question)
        assert outcome.kind is OutcomeKind.PUBLISHED
        assert outcome.raw["quota"]["quota_type"] == "reply"
        remains.append(outcome.raw["quota_remain"])
    assert remains == [7, 6, 5, 4, 3, 2, 1, 0]
    ninth = official.reply("Trả lời 9", question)
    assert ninth.kind is OutcomeKind.PUBLISHED
    assert ninth.raw["quota"]["quota_type"] == "sub_quota"
    assert ninth.raw["quota_remain"] == 999
    sent = [entry for entry in official.messages() if entry["text"].startswith("Trả lời")]
    assert [entry["remote_id"] for entry in sent][-1] == ninth.remote_id
    assert len(sent) == 9


def test_a_new_message_opens_a_new_window(official: Official) -> None:
    question = official.writes("Câu hỏi thứ nhất")
    for number in range(8):
        official.reply(f"Trả lời {number}", question)
    again = official.writes("Câu hỏi thứ hai")
    outcome = official.reply("Trả lời câu hai", again)
    assert outcome.raw["quota"]["quota_type"] == "reply"
    assert outcome.raw["quota_remain"] == 7


def test_after_48_hours_a_reply_is_proactive(official: Official) -> None:
    question = official.writes("Giấy tờ cần những gì?")
    later = datetime.now(tz=UTC) + timedelta(hours=49)
    with time_machine.travel(later, tick=True):
        outcome = official.reply("Cần căn cước công dân", question)
    assert outcome.kind is OutcomeKind.PUBLISHED
    assert outcome.raw["quota"]["quota_type"] == "sub_quota"


def test_out_of_proactive_quota_the_reply_is_refused(official: Official) -> None:
    official.settings(proactive_quota=1)
    question = official.writes("Hỏi")
    for number in range(9):
        assert official.reply(f"Trả lời {number}", question).published
    refused = official.reply("Trả lời thứ mười", question)
    assert refused.kind is OutcomeKind.REJECTED
    assert refused.code == "-211"
    assert "Trả lời thứ mười" not in {entry["text"] for entry in official.messages()}


def test_after_seven_days_without_a_message_the_person_cannot_be_answered(
    official: Official,
) -> None:
    question = official.writes("Hỏi")
    with time_machine.travel(datetime.now(tz=UTC) + timedelta(days=8), tick=True):
        refused = official.reply("Muộn quá", question)
    assert refused.kind is OutcomeKind.REJECTED
    assert refused.code == "-230"


def test_a_reply_to_someone_who_never_wrote_is_refused(official: Official) -> None:
    stranger = official.citizen(5)
    reply = OutgoingReply(
        way=ReplyWay.MESSAGE,
        text="Chào bạn",
        thread=f"person:{stranger.id}",
        in_reply_to="",
        person=stranger.id,
    )
    outcome = official.run(lambda client: client.send_reply(reply))
    assert outcome.kind is OutcomeKind.REJECTED
    assert outcome.code == "-230"
    assert official.messages() == []


@pytest.mark.parametrize(
    ("form", "quota_type"),
    [("message_id", "reply"), ("user_id", "sub_quota")],
)
def test_both_recipient_forms_reach_the_person(
    official: Official, form: str, quota_type: str
) -> None:
    # The OA set as the help desk reads Zalo: only a reply naming the message is free.
    official.settings(reply_needs_message_id=True)
    question = official.writes("Xin số điện thoại tiếp dân")
    outcome = official.with_options(reply_recipient=form).reply("0283 822 1234", question)
    assert outcome.kind is OutcomeKind.PUBLISHED
    assert outcome.raw["user_id"] == question.data["user_id"]
    assert outcome.raw["quota"]["quota_type"] == quota_type
    [entry] = [entry for entry in official.messages() if entry["text"] == "0283 822 1234"]
    assert entry["remote_id"] == outcome.remote_id


def test_the_default_form_names_the_message_and_falls_back_to_the_person(
    official: Official,
) -> None:
    official.settings(reply_needs_message_id=True)
    question = official.writes("Hỏi")
    assert official.reply("Đáp", question).raw["quota"]["quota_type"] == "reply"
    without_message = OutgoingReply(
        way=ReplyWay.MESSAGE,
        text="Đáp lại",
        thread=f"person:{question.data['user_id']}",
        in_reply_to="",
    )
    outcome = official.run(lambda client: client.send_reply(without_message))
    assert outcome.published
    assert outcome.raw["quota"]["quota_type"] == "sub_quota"


def test_an_answer_without_its_quota_is_still_a_reply(official: Official) -> None:
    official.settings(quota_in_answer=False)
    question = official.writes("Hỏi")
    outcome = official.reply("Đáp", question)
    assert outcome.published
    assert "quota" not in outcome.raw
    assert "quota_remain" not in outcome.raw


def test_a_lost_answer_is_found_in_the_conversation(official: Official) -> None:
    question = official.writes("Hồ sơ của tôi đến đâu rồi?")
    official.reply("Một câu khác trước đó", question)
    since = datetime.now(tz=UTC)
    official.sandbox.add_fault("zalo", "timeout_after_create", operation="message/cs", delay_s=3)
    reply = answer("Hồ sơ đang được xử lý", question)
    lost = official.run(lambda client: client.send_reply(reply), timeout=1)
    assert lost.kind is OutcomeKind.UNKNOWN
    [sent] = [entry for entry in official.messages() if entry["text"] == reply.text]
    found = official.run(lambda client: client.look_for_reply(reply, since))
    assert found is not None
    assert found.kind is OutcomeKind.PUBLISHED
    assert found.remote_id == sent["remote_id"]


def test_a_reply_that_never_left_is_not_found(official: Official) -> None:
    question = official.writes("Hỏi")
    official.reply("Đã gửi", question)
    since = datetime.now(tz=UTC)
    # The citizen's own words are not the OA's reply.
    never_sent, citizens_own = answer("Chưa gửi", question), answer("Hỏi", question)
    assert official.run(lambda client: client.look_for_reply(never_sent, since)) is None
    assert official.run(lambda client: client.look_for_reply(citizens_own, since)) is None


def test_an_old_reply_with_the_same_words_is_not_this_one(official: Official) -> None:
    question = official.writes("Hỏi")
    official.reply("Cảm ơn bạn", question)
    later = datetime.now(tz=UTC) + timedelta(hours=1)
    with time_machine.travel(later, tick=True):
        again = answer("Cảm ơn bạn", question)
        assert official.run(lambda client: client.look_for_reply(again, later)) is None


@pytest.mark.parametrize(
    ("fault", "kind"),
    [
        ({"kind": "token_expired"}, OutcomeKind.CREDENTIALS_EXPIRED),
        ({"kind": "rate_limit"}, OutcomeKind.RETRY_LATER),
        ({"kind": "server_error"}, OutcomeKind.UNKNOWN),
    ],
)
def test_errors_of_a_reply_are_outcomes(
    official: Official, fault: dict[str, str], kind: OutcomeKind
) -> None:
    question = official.writes("Hỏi")
    official.sandbox.add_fault("zalo", operation="message/cs", **fault)
    outcome = official.reply("Đáp", question)
    assert outcome.kind is kind
    assert [entry["text"] for entry in official.messages()] == ["Hỏi"]


def test_the_viewer_shows_the_conversation_with_the_oas_answer(official: Official) -> None:
    question = official.writes("Hỏi về <b>hộ khẩu</b>")
    official.reply("Mời bạn đến phường", question)
    page = httpx.get(f"{official.sandbox.url}/view/zalo/{OA}").text
    assert official.citizen().name in page
    assert "Hỏi về &lt;b&gt;hộ khẩu&lt;/b&gt;" in page
    assert '<div class="message page"><b>UBND phường Bến Thành</b>' in page
    assert "Mời bạn đến phường" in page
