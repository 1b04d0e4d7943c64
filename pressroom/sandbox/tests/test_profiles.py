"""Fault profiles: latency and failures by chance, in each platform's own shape, over HTTP."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime
from typing import Any

import httpx
import pytest

from pressroom.platforms.base import ChannelAccess, MediaFile, OutcomeKind, Publication
from pressroom.platforms.testing import RunningSandbox, publish
from pressroom.testing import make_image

ACCOUNTS = {
    "facebook": "100200300",
    "zalo": "4200000000000001",
    "telegram": "@kenh_thu",
    "mastodon": "so-tt",
}
PLATFORMS = tuple(ACCOUNTS)
# A Zalo article needs a title; the others take it as text only.
PUBLICATION = Publication(text="Thông báo lịch tiếp dân", title="Lịch tiếp dân")


def parse_time(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def send_message(sandbox: RunningSandbox, token: str, chat: str, text: str) -> httpx.Response:
    return httpx.post(
        f"{sandbox.base_for('telegram')}/bot{token}/sendMessage",
        json={"chat_id": chat, "text": text},
    )


# The control endpoint ------------------------------------------------------------------------


def test_profiles_are_set_listed_replaced_and_cleared(clean_sandbox: RunningSandbox) -> None:
    shown = clean_sandbox.set_profile(
        "telegram",
        latency_ms={"mean": 100, "jitter": 20},
        server_error_rate=0.1,
        timeout_after_create_rate=0.05,
        timeout_delay_s=30,
        rate_limit_rate=0.05,
        retry_after_s=2,
        reject_rate=0.01,
        seed=7,
    )
    assert shown == {
        "platform": "telegram",
        "latency_ms": {"mean": 100, "jitter": 20},
        "server_error_rate": 0.1,
        "timeout_after_create_rate": 0.05,
        "timeout_delay_s": 30,
        "rate_limit_rate": 0.05,
        "retry_after_s": 2,
        "reject_rate": 0.01,
        "seed": 7,
    }
    clean_sandbox.set_profile("*", latency_ms={"mean": 5, "jitter": 0})
    clean_sandbox.set_profile("telegram", account_id="@kenh", reject_rate=0.5)
    # The same platform and account again: replaced, not added.
    clean_sandbox.set_profile("telegram", account_id="@kenh", reject_rate=0.25)
    listing = clean_sandbox.profiles()
    assert [(p["platform"], p.get("account_id")) for p in listing["profiles"]] == [
        ("*", None),
        ("telegram", None),
        ("telegram", "@kenh"),
    ]
    assert listing["profiles"][2]["reject_rate"] == 0.25
    assert clean_sandbox.clear_profiles(platform="telegram", account_id="@kenh") == 1
    assert clean_sandbox.clear_profiles() == 2
    assert clean_sandbox.profiles() == {"profiles": [], "expired_tokens": []}


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ({"platform": "myspace"}, "platform"),
        ({"platform": "telegram", "server_error_rate": 1.5}, "server_error_rate"),
        ({"platform": "telegram", "reject_rate": 0.6, "rate_limit_rate": 0.6}, "add up"),
        ({"platform": "telegram", "latency_ms": {"mean": -1}}, "latency_ms.mean"),
        ({"platform": "telegram", "token_expired": "yes"}, "token_expired"),
        ({"platform": "telegram", "seed": "abc"}, "seed"),
        ({"platform": "telegram", "server_eror_rate": 0.1}, "unknown fields"),
    ],
)
def test_a_wrong_profile_is_refused_with_the_reason(
    clean_sandbox: RunningSandbox, spec: dict[str, Any], words: str
) -> None:
    response = httpx.put(f"{clean_sandbox.url}/_control/profile", json=spec)
    assert response.status_code == 400
    assert words in response.json()["error"]
    assert clean_sandbox.profiles()["profiles"] == []


def test_reset_clears_profiles_settings_and_expired_tokens(clean_sandbox: RunningSandbox) -> None:
    clean_sandbox.connect("mastodon", "so")
    clean_sandbox.set_profile("mastodon", account_id="so", token_expired=True)
    clean_sandbox.set_profile("*", server_error_rate=1.0)
    clean_sandbox.settings(enforce_limits=False)
    clean_sandbox.reset()
    assert clean_sandbox.profiles() == {"profiles": [], "expired_tokens": []}
    assert clean_sandbox.settings() == {"enforce_limits": True}
    access = clean_sandbox.connect("mastodon", "so")
    assert publish("mastodon", access, PUBLICATION).published


# Chance, with a seed -------------------------------------------------------------------------


def run_mix(sandbox: RunningSandbox, seed: int, calls: int = 200) -> Counter[str]:
    """How the calls on one bot ended: a status code, or "timeout" when the answer was held.

    The calls go out at once; whichever takes which draw, the draws are the seed's.
    """
    sandbox.reset()
    token = "700:seeded-bot-token"
    sandbox.add_account("telegram", "@mix", token)
    # The Bot API's own 30 messages a second would mix its 429s in.
    sandbox.settings(enforce_limits=False)
    sandbox.set_profile(
        "telegram",
        server_error_rate=0.10,
        timeout_after_create_rate=0.05,
        # Held well past the client's patience, and that patience well past a busy machine's
        # slowest ordinary answer, so that only the held answers count as time-outs.
        timeout_delay_s=8,
        rate_limit_rate=0.05,
        retry_after_s=3,
        reject_rate=0.01,
        seed=seed,
    )
    url = f"{sandbox.base_for('telegram')}/bot{token}/sendMessage"

    async def one(http: httpx.AsyncClient, n: int) -> str:
        try:
            response = await http.post(url, json={"chat_id": "@mix", "text": f"tin {n}"})
        except httpx.ReadTimeout:
            return "timeout"
        if response.status_code == 429:
            assert response.json()["parameters"] == {"retry_after": 3}
        return str(response.status_code)

    async def all_calls() -> list[str]:
        limits = httpx.Limits(max_connections=None, max_keepalive_connections=None)
        async with httpx.AsyncClient(timeout=4.0, limits=limits) as http:
            return list(await asyncio.gather(*(one(http, n) for n in range(calls))))

    results = asyncio.run(all_calls())
    timed_out = {f"tin {n}" for n, result in enumerate(results) if result == "timeout"}
    ledger = sandbox.ledger(platform="telegram", top_level=1)
    # Timeouts happen after the message was sent: the ledger has those, and no failed one.
    assert timed_out <= {entry["text"] for entry in ledger}
    assert len(ledger) == results.count("200") + len(timed_out)
    return Counter(results)


def test_a_seeded_profile_gives_the_mix_it_asks_for_and_repeats_it(
    clean_sandbox: RunningSandbox,
) -> None:
    counts = run_mix(clean_sandbox, seed=20260101)
    assert set(counts) <= {"200", "502", "timeout", "429", "400"}
    assert sum(counts.values()) == 200
    assert 10 <= counts["502"] <= 32  # 20 expected of 200
    assert 3 <= counts["timeout"] <= 18  # 10 expected
    assert 3 <= counts["429"] <= 18  # 10 expected
    assert counts["400"] <= 6  # 2 expected
    assert 140 <= counts["200"] <= 175  # 158 expected
    # The same seed, the same draws; another seed, others.
    assert run_mix(clean_sandbox, seed=20260101) == counts
    assert run_mix(clean_sandbox, seed=5) != counts


def test_latency_holds_every_request_before_it_is_handled(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("mastodon", "cham")
    clean_sandbox.set_profile("mastodon", latency_ms={"mean": 300, "jitter": 0})
    photo = MediaFile("a.png", make_image(), "image/png")
    assert publish("mastodon", access, Publication(text="chậm", media=(photo,))).published
    for entry in clean_sandbox.ledger(platform="mastodon"):
        # Arrived, waited, then created: the upload and the status alike.
        waited = parse_time(entry["created_at"]) - parse_time(entry["received_at"])
        assert waited >= 0.29, entry


def test_an_account_profile_overrides_its_platform_field_by_field(
    clean_sandbox: RunningSandbox,
) -> None:
    quiet = clean_sandbox.connect("telegram", "@yen")
    failing = clean_sandbox.connect("telegram", "@loi")
    clean_sandbox.set_profile("*", latency_ms={"mean": 200, "jitter": 0})
    clean_sandbox.set_profile("telegram", account_id="@loi", server_error_rate=1.0)
    assert publish("telegram", quiet, PUBLICATION).published
    outcome = publish("telegram", failing, PUBLICATION)
    assert outcome.kind is OutcomeKind.RETRY_LATER
    assert outcome.code == "502"
    # The account's profile kept the latency it did not set.
    [entry] = clean_sandbox.ledger(platform="telegram")
    assert parse_time(entry["created_at"]) - parse_time(entry["received_at"]) >= 0.19


def test_only_the_creating_call_is_faulted_not_the_uploads(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("mastodon", "anh")
    clean_sandbox.set_profile("mastodon", server_error_rate=1.0)
    photos = tuple(
        MediaFile(f"{n}.png", make_image(color=color), "image/png")
        for n, color in enumerate(("red", "blue"))
    )
    outcome = publish("mastodon", access, Publication(text="hai ảnh", media=photos))
    assert outcome.kind is OutcomeKind.RETRY_LATER
    assert outcome.code == "503"
    assert len(clean_sandbox.ledger(platform="mastodon", kind="media")) == 2
    assert clean_sandbox.ledger(platform="mastodon", kind="status") == []


# Each platform's own shape, and what the clients make of it ----------------------------------


def connect(sandbox: RunningSandbox, platform: str) -> ChannelAccess:
    return sandbox.connect(platform, ACCOUNTS[platform])


@pytest.mark.parametrize(
    ("platform", "code"),
    [("facebook", "2"), ("telegram", "502"), ("mastodon", "503")],
)
def test_server_errors_are_retried_later(
    clean_sandbox: RunningSandbox, platform: str, code: str
) -> None:
    access = connect(clean_sandbox, platform)
    clean_sandbox.set_profile(platform, server_error_rate=1.0)
    outcome = publish(platform, access, PUBLICATION)
    assert (outcome.kind, outcome.code) == (OutcomeKind.RETRY_LATER, code)
    assert clean_sandbox.ledger(platform=platform, top_level=1) == []


def test_zalo_server_error_on_create_is_looked_for_before_resending(
    clean_sandbox: RunningSandbox,
) -> None:
    """Zalo's -100 ("try again later") on article/create may hide a created article."""
    access = connect(clean_sandbox, "zalo")
    clean_sandbox.set_profile("zalo", server_error_rate=1.0)
    outcome = publish("zalo", access, PUBLICATION)
    assert (outcome.kind, outcome.code) == (OutcomeKind.UNKNOWN, "-100")
    assert clean_sandbox.ledger(platform="zalo", top_level=1) == []


@pytest.mark.parametrize(
    ("platform", "code", "retry_after_s"),
    [
        # Facebook counts in whole minutes (estimated_time_to_regain_access).
        ("facebook", "32", 60.0),
        ("telegram", "429", 5.0),
        ("mastodon", "429", 5.0),
        # Zalo gives no time.
        ("zalo", "-32", None),
    ],
)
def test_rate_limits_say_when_to_come_back(
    clean_sandbox: RunningSandbox, platform: str, code: str, retry_after_s: float | None
) -> None:
    access = connect(clean_sandbox, platform)
    clean_sandbox.set_profile(platform, rate_limit_rate=1.0, retry_after_s=5)
    outcome = publish(platform, access, PUBLICATION)
    assert (outcome.kind, outcome.code) == (OutcomeKind.RETRY_LATER, code)
    if retry_after_s is None:
        assert outcome.retry_after_s is None
    else:
        # Mastodon's is a reset time, read a moment later.
        assert outcome.retry_after_s == pytest.approx(retry_after_s, abs=0.5)
    assert clean_sandbox.ledger(platform=platform, top_level=1) == []


@pytest.mark.parametrize(
    ("platform", "code"),
    [("facebook", "100"), ("telegram", "400"), ("mastodon", "422"), ("zalo", "-210")],
)
def test_rejections_are_final(clean_sandbox: RunningSandbox, platform: str, code: str) -> None:
    access = connect(clean_sandbox, platform)
    clean_sandbox.set_profile(platform, reject_rate=1.0)
    outcome = publish(platform, access, PUBLICATION)
    assert (outcome.kind, outcome.code) == (OutcomeKind.REJECTED, code)
    assert clean_sandbox.ledger(platform=platform, top_level=1) == []


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_timeout_after_create_is_unknown_and_the_post_exists(
    clean_sandbox: RunningSandbox, platform: str
) -> None:
    access = connect(clean_sandbox, platform)
    clean_sandbox.set_profile(platform, timeout_after_create_rate=1.0, timeout_delay_s=3)
    outcome = publish(platform, access, PUBLICATION, timeout=0.5)
    assert outcome.kind is OutcomeKind.UNKNOWN
    [entry] = clean_sandbox.ledger(platform=platform, top_level=1)
    assert entry["account_id"] == ACCOUNTS[platform]
    # The post is there, its title shown as the title or the first line of the text.
    assert PUBLICATION.text in entry["text"]
    assert PUBLICATION.title in (entry["title"], entry["text"].splitlines()[0])


def test_mastodon_resend_after_a_timeout_finds_the_original(
    clean_sandbox: RunningSandbox,
) -> None:
    access = connect(clean_sandbox, "mastodon")
    clean_sandbox.set_profile("mastodon", timeout_after_create_rate=1.0, timeout_delay_s=3)
    publication = Publication(text="Chỉ một lần", idempotency_key="delivery-42")
    assert publish("mastodon", access, publication, timeout=0.5).kind is OutcomeKind.UNKNOWN
    clean_sandbox.clear_profiles()
    outcome = publish("mastodon", access, publication)
    assert outcome.published
    [entry] = clean_sandbox.ledger(platform="mastodon", top_level=1)
    assert entry["remote_id"] == outcome.remote_id
    assert entry["idempotency_key"] == "delivery-42"


# Expired tokens and reconnecting -------------------------------------------------------------


@pytest.mark.parametrize(
    ("platform", "code"),
    [("facebook", "190"), ("telegram", "401"), ("mastodon", "401"), ("zalo", "-216")],
)
def test_an_expired_token_fails_until_a_new_one_is_registered(
    clean_sandbox: RunningSandbox, platform: str, code: str
) -> None:
    access = connect(clean_sandbox, platform)
    shown = clean_sandbox.set_profile(platform, account_id=ACCOUNTS[platform], token_expired=True)
    assert shown["accounts_affected"] == 1
    for _ in range(2):
        outcome = publish(platform, access, PUBLICATION)
        assert (outcome.kind, outcome.code) == (OutcomeKind.CREDENTIALS_EXPIRED, code)
    assert clean_sandbox.profiles()["expired_tokens"] == [
        {"platform": platform, "account_id": ACCOUNTS[platform]}
    ]
    # The administrator reconnects: a new token for the same account.
    renewed = connect(clean_sandbox, platform)
    assert publish(platform, renewed, PUBLICATION).published
    # The old token stays dead.
    outcome = publish(platform, access, PUBLICATION)
    assert outcome.kind is OutcomeKind.CREDENTIALS_EXPIRED
    assert len(clean_sandbox.ledger(platform=platform, top_level=1)) == 1


def test_an_expired_token_fails_every_call_not_only_publishing(
    clean_sandbox: RunningSandbox,
) -> None:
    token = "mastodon-token-expired-123"
    clean_sandbox.add_account("mastodon", "het-han", token)
    zalo_token = "zalo-token-expired-123"
    clean_sandbox.add_account("zalo", "42", zalo_token)
    clean_sandbox.set_profile("*", token_expired=True)
    who = httpx.get(
        f"{clean_sandbox.base_for('mastodon')}/api/v1/accounts/verify_credentials",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert who.status_code == 401
    assert who.json() == {"error": "The access token is invalid"}
    articles = httpx.get(
        f"{clean_sandbox.base_for('zalo')}/v2.0/article/getslice",
        headers={"access_token": zalo_token},
    )
    # Zalo: inside HTTP 200.
    assert articles.status_code == 200
    assert articles.json()["error"] == -216
    clean_sandbox.set_profile("*", token_expired=False)
    assert clean_sandbox.profiles()["expired_tokens"] == []
    again = httpx.get(
        f"{clean_sandbox.base_for('mastodon')}/api/v1/accounts/verify_credentials",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert again.status_code == 200


def test_an_account_registered_under_an_expired_profile_starts_expired(
    clean_sandbox: RunningSandbox,
) -> None:
    clean_sandbox.set_profile("telegram", account_id="@moi", token_expired=True)
    first = clean_sandbox.connect("telegram", "@moi")
    assert publish("telegram", first, PUBLICATION).kind is OutcomeKind.CREDENTIALS_EXPIRED
    second = clean_sandbox.connect("telegram", "@moi")
    assert publish("telegram", second, PUBLICATION).published


# The raw answers -----------------------------------------------------------------------------


def test_each_platform_answers_faults_in_its_own_shape(clean_sandbox: RunningSandbox) -> None:
    clean_sandbox.add_account("facebook", "55", "fb-token-123456")
    clean_sandbox.add_account("zalo", "66", "zalo-token-123456")
    clean_sandbox.add_account("telegram", "@hinh", "77:telegram-token")
    clean_sandbox.add_account("mastodon", "hinh", "mastodon-token-123456")

    def create(platform: str) -> httpx.Response:
        base = clean_sandbox.base_for(platform)
        if platform == "facebook":
            return httpx.post(
                f"{base}/55/feed",
                data={"message": "x"},
                headers={"Authorization": "Bearer fb-token-123456"},
            )
        if platform == "zalo":
            article = {"title": "x", "body": [{"type": "text", "content": "x"}]}
            return httpx.post(
                f"{base}/v2.0/article/create",
                json=article,
                headers={"access_token": "zalo-token-123456"},
            )
        if platform == "telegram":
            return send_message(clean_sandbox, "77:telegram-token", "@hinh", "x")
        return httpx.post(
            f"{base}/api/v1/statuses",
            data={"status": "x"},
            headers={"Authorization": "Bearer mastodon-token-123456"},
        )

    clean_sandbox.set_profile("*", server_error_rate=1.0)
    facebook = create("facebook")
    assert facebook.status_code == 500
    assert facebook.json()["error"]["code"] == 2
    assert facebook.json()["error"]["is_transient"] is True
    zalo = create("zalo")
    assert (zalo.status_code, zalo.json()["error"]) == (200, -100)
    telegram = create("telegram")
    assert telegram.status_code == 502
    assert telegram.json() == {"ok": False, "error_code": 502, "description": "Bad Gateway"}
    mastodon = create("mastodon")
    assert (mastodon.status_code, mastodon.json()) == (503, {"error": "Service Unavailable"})

    clean_sandbox.set_profile("*", rate_limit_rate=1.0, retry_after_s=90)
    facebook = create("facebook")
    assert facebook.json()["error"]["code"] == 32
    usage = facebook.headers["x-business-use-case-usage"]
    assert '"estimated_time_to_regain_access":2' in usage.replace(" ", "")
    zalo = create("zalo")
    assert (zalo.status_code, zalo.json()["error"]) == (200, -32)
    telegram = create("telegram")
    assert telegram.status_code == 429
    assert telegram.json()["parameters"] == {"retry_after": 90}
    mastodon = create("mastodon")
    assert mastodon.status_code == 429
    assert mastodon.headers["x-ratelimit-remaining"] == "0"
    reset_in = parse_time(mastodon.headers["x-ratelimit-reset"]) - datetime.now().timestamp()
    assert 80 < reset_in <= 90

    clean_sandbox.set_profile("*", reject_rate=1.0)
    assert create("facebook").json()["error"]["code"] == 100
    assert create("zalo").json()["error"] == -210
    assert create("telegram").status_code == 400
    assert create("mastodon").status_code == 422
    assert clean_sandbox.ledger() == []


def test_mastodon_repeated_idempotency_key_is_answered_before_any_fault(
    clean_sandbox: RunningSandbox,
) -> None:
    """A resend after a lost answer gets the original status even if the platform would
    refuse a new request now (as Mastodon's idempotency cache does)."""
    access = connect(clean_sandbox, "mastodon")
    keyed = Publication(text="Thông báo lịch tiếp dân", idempotency_key="delivery-42")
    first = publish("mastodon", access, keyed)
    assert first.kind is OutcomeKind.PUBLISHED
    clean_sandbox.set_profile("mastodon", reject_rate=1.0)
    again = publish("mastodon", access, keyed)
    assert (again.kind, again.remote_id) == (OutcomeKind.PUBLISHED, first.remote_id)
    assert len(clean_sandbox.ledger(platform="mastodon", top_level=1)) == 1
