"""Mastodon.py at its default settings, only its base URL the sandbox's, reading what Pressroom
counts: an account's followers (`account()`), a status's replies, boosts and favourites
(`status()`), the same figures the client reads; a status gone is the library's not-found."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from mastodon import Mastodon, MastodonNotFoundError

from pressroom.platforms.base import ChannelAccess
from pressroom.platforms.mastodon.sandbox.people import citizen_id
from pressroom.platforms.mastodon.tests.test_inbound_client import ACCOUNT, Citizens, run
from pressroom.platforms.metrics import MetricsRequest, Reading
from pressroom.platforms.testing import RunningSandbox


@pytest.fixture
def sandbox(clean_sandbox: RunningSandbox) -> Iterator[RunningSandbox]:
    # A warning from the library means the emulator answered oddly.
    with warnings.catch_warnings():
        warnings.filterwarnings("error", module=r"mastodon(\.|$)")
        yield clean_sandbox


def library(sandbox: RunningSandbox, access: ChannelAccess) -> Mastodon:
    return Mastodon(
        api_base_url=sandbox.base_for("mastodon"),
        access_token=access.credentials["access_token"],
    )


def today() -> date:
    return datetime.now(tz=UTC).date()


def reading(access: ChannelAccess, *post_ids: str) -> Reading:
    request = MetricsRequest(since=today() - timedelta(days=1), until=today(), post_ids=post_ids)
    found = run(access, lambda client: client.read_metrics(request))
    assert isinstance(found, Reading), found
    return found


def test_account_gives_the_followers_the_client_reads(sandbox: RunningSandbox) -> None:
    access = sandbox.connect("mastodon", ACCOUNT, username="ubnd", followers_count=740)
    Citizens(sandbox).act("follow", account_id=ACCOUNT, citizen=1)
    api = library(sandbox, access)
    account = api.account(ACCOUNT)
    assert account.id == ACCOUNT
    assert account.acct == "ubnd"
    assert account.followers_count == 741
    assert api.account_verify_credentials().followers_count == 741
    [followers] = reading(access).values
    assert followers.value == account.followers_count


def test_account_of_a_citizen_and_of_nobody(sandbox: RunningSandbox) -> None:
    access = sandbox.connect("mastodon", ACCOUNT)
    Citizens(sandbox).act("follow", account_id=ACCOUNT, citizen=2)
    api = library(sandbox, access)
    remote = api.account(citizen_id(2))
    assert remote.acct.endswith("@xa-hoi.example")
    assert remote.following_count == 1
    with pytest.raises(MastodonNotFoundError):
        api.account("no-such-account")


def test_an_account_is_public_without_a_token(sandbox: RunningSandbox) -> None:
    sandbox.connect("mastodon", ACCOUNT, followers_count=12)
    answer = httpx.get(f"{sandbox.base_for('mastodon')}/api/v1/accounts/{ACCOUNT}")
    assert answer.status_code == 200
    assert answer.json()["followers_count"] == 12


def test_status_gives_the_counts_the_client_reads(sandbox: RunningSandbox) -> None:
    access = sandbox.connect("mastodon", ACCOUNT)
    api = library(sandbox, access)
    posted = api.status_post("Lịch tiếp công dân tháng 12")
    status_id = str(posted.id)
    citizens = Citizens(sandbox)
    citizens.comment(status_id, "Thứ bảy có tiếp không ạ?", citizen=1)
    citizens.act("react", status_id=status_id, citizen=2)
    citizens.act("react", status_id=status_id, citizen=3, reaction="reblog")
    citizens.act("react", status_id=status_id, citizen=4, reaction="reblog")
    status = api.status(posted.id)
    assert (status.replies_count, status.reblogs_count, status.favourites_count) == (1, 2, 1)
    [post] = reading(access, status_id).posts
    assert {value.metric: value.value for value in post.values} == {
        "replies_count": status.replies_count,
        "reblogs_count": status.reblogs_count,
        "favourites_count": status.favourites_count,
    }
    with pytest.raises(MastodonNotFoundError):
        api.status("110000000000009999")
