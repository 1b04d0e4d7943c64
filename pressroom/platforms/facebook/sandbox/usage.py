"""The Graph API's usage for the sandbox: Business Use Case usage per Page, the app's per hour.

Usage headers on every answer to a Page token, in percent as Facebook sends them:
- `X-Business-Use-Case-Usage`: the page's calls in the last 24 hours against 4,800 times its
  engaged users (account setting `engaged_users`, default 100; or `calls_per_day` to set the
  allowance itself). Over 100 % the page gets code 80001 until its oldest counted hour leaves
  the window, with `estimated_time_to_regain_access` in minutes.
- `X-App-Usage`: the app's calls this hour against 200 per page that called; not enforced, as
  page tokens fall under the Business Use Case limits.
"""

from __future__ import annotations

import json
import math

from pressroom.sandbox.store import Account

CALLS_PER_ENGAGED_USER_PER_DAY = 4800
DEFAULT_ENGAGED_USERS = 100
APP_CALLS_PER_USER_PER_HOUR = 200
HOUR_S = 3600


class UsageLimits:
    """Business Use Case usage per page (24 hourly buckets) and the app's usage this hour."""

    def __init__(self) -> None:
        self._page_hours: dict[str, dict[int, int]] = {}
        self._app_hour = (-1, 0)
        self._pages: set[str] = set()

    def _page_calls(self, page_id: str, hour: int) -> int:
        hours = self._page_hours.get(page_id, {})
        return sum(count for bucket, count in hours.items() if bucket > hour - 24)

    def _page_limit(self, account: Account) -> int:
        if account.extra.get("calls_per_day"):
            return max(1, int(account.extra["calls_per_day"]))
        engaged = account.extra.get("engaged_users", DEFAULT_ENGAGED_USERS)
        return CALLS_PER_ENGAGED_USER_PER_DAY * max(1, int(engaged))

    def _regain_s(self, page_id: str, hour: int, now: float) -> float:
        """Seconds until the page's oldest counted hour leaves the 24-hour window."""
        hours = [bucket for bucket in self._page_hours.get(page_id, {}) if bucket > hour - 24]
        return max(1.0, (min(hours, default=hour) + 24) * HOUR_S - now)

    def admit(self, account: Account, *, operation: str, creates: bool, now: float) -> float | None:
        hour = int(now // HOUR_S)
        page_id = account.account_id
        self._pages.add(page_id)
        app_hour, app_calls = self._app_hour
        self._app_hour = (hour, (app_calls if app_hour == hour else 0) + 1)
        hours = self._page_hours.setdefault(page_id, {})
        for bucket in [bucket for bucket in hours if bucket <= hour - 24]:
            del hours[bucket]
        hours[hour] = hours.get(hour, 0) + 1
        if self._page_calls(page_id, hour) > self._page_limit(account):
            return self._regain_s(page_id, hour, now)
        return None

    def headers(self, account: Account, *, operation: str, now: float) -> dict[str, str]:
        hour = int(now // HOUR_S)
        page_id = account.account_id
        calls = self._page_calls(page_id, hour)
        page_percent = min(100, calls * 100 // self._page_limit(account))
        regain = (
            math.ceil(self._regain_s(page_id, hour, now) / 60)
            if calls > self._page_limit(account)
            else 0
        )
        usage = {
            page_id: [
                {
                    "type": "pages",
                    "call_count": page_percent,
                    "total_cputime": page_percent,
                    "total_time": page_percent,
                    "estimated_time_to_regain_access": regain,
                }
            ]
        }
        app_hour, app_calls = self._app_hour
        app_limit = APP_CALLS_PER_USER_PER_HOUR * max(1, len(self._pages))
        app_percent = min(100, (app_calls if app_hour == hour else 0) * 100 // app_limit)
        return {
            "X-Business-Use-Case-Usage": json.dumps(usage, separators=(",", ":")),
            "X-App-Usage": json.dumps(
                {
                    "call_count": app_percent,
                    "total_cputime": app_percent,
                    "total_time": app_percent,
                },
                separators=(",", ":"),
            ),
        }

    def reset(self) -> None:
        self._page_hours.clear()
        self._app_hour = (-1, 0)
        self._pages.clear()
