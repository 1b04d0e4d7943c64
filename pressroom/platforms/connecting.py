"""Connecting a channel: what a platform's connector (`<platform>/connect.py`) takes and gives.

A connector talks to the platform (or to the training sandbox) for the app's connect pages:
- an OAuth platform (Facebook, Zalo, Mastodon) `begin`s a consent (where to send the person,
  and what to keep until they come back) and `finish`es it with what the platform's redirect
  brought (the accounts the person may connect, each with its credentials);
- a platform without OAuth (Telegram) `check`s what the administrator typed.
Connectors are synchronous (the web pages call them) and never touch the database: the app
keeps the flow, the apps registered per Mastodon instance and the channels.
"""

from __future__ import annotations

import base64
import hashlib
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx
from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext as _

# How long a connector waits for one answer of the platform.
CONNECT_TIMEOUT_S = 15.0
# The app the training sandbox knows Pressroom by, when no real app is configured.
TRAINING_APP_ID = "1000000000000001"


class ConnectRefused(Exception):
    """The platform, or the person, said no: the message says what happened and what to do."""

    def __init__(self, message: str | Promise, *, code: str = "") -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.code = code


@dataclass(frozen=True)
class Target:
    """Where the platform is for this connection: the real service or the training sandbox."""

    sandbox: bool
    # The platform's addresses by name, e.g. {"graph": …, "dialog": …}.
    bases: Mapping[str, str]
    # The app as registered with the platform (Facebook and Zalo): id and secret.
    app_id: str = ""
    app_secret: str = ""

    def base(self, name: str) -> str:
        return self.bases[name].rstrip("/")


@dataclass(frozen=True)
class Setup:
    """One connection attempt, as the connector sees it."""

    target: Target
    # Where the platform sends the person back (the app's callback page).
    redirect_uri: str
    # The random value that ties the platform's answer to this attempt.
    state: str


@dataclass(frozen=True)
class Consent:
    """Where to send the person, and what the app keeps (encrypted) until they come back."""

    url: str
    flow: dict[str, Any] = field(default_factory=dict)
    # An app registered on the way (a Mastodon instance's): the app keeps it for next time.
    registered_app: dict[str, Any] | None = None


@dataclass(frozen=True)
class Found:
    """An account the person may connect: a Page, an OA, a channel, a Mastodon account."""

    external_id: str
    name: str
    api_base: str
    credentials: dict[str, Any]
    options: dict[str, Any] = field(default_factory=dict)
    # What the account lacks (permissions, tasks, rights), in words for the administrator;
    # an account with problems cannot be connected.
    problems: tuple[str, ...] = ()
    # Facts worth showing: "verified", "12,300 followers", the instance's limits…
    details: tuple[str, ...] = ()
    # Other ids the same account may have on a channel (a Telegram channel's @username).
    aliases: tuple[str, ...] = ()

    @property
    def connectable(self) -> bool:
        return not self.problems


class AppRegistry(Protocol):
    """The apps the app registered on Mastodon instances, kept by the app."""

    def get(self, platform: str, instance: str) -> dict[str, Any] | None: ...


def pkce_challenge(verifier: str) -> str:
    """PKCE's S256 challenge (RFC 7636): BASE64URL(SHA-256(verifier)) without padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def client() -> httpx.Client:
    """The HTTP client connectors use: no proxies from the environment, a firm time limit."""
    return httpx.Client(timeout=CONNECT_TIMEOUT_S, trust_env=False, follow_redirects=False)


def get_json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def training_app_secret(platform: str) -> str:
    """The training app's secret: derived from the server's secret key, the same every start."""
    from django.utils.crypto import salted_hmac

    return salted_hmac(
        f"pressroom.training-app.{platform}", "secret", algorithm="sha256"
    ).hexdigest()[:32]


def unreachable(platform: str, error: Exception) -> ConnectRefused:
    return ConnectRefused(
        _("%(platform)s could not be reached (%(error)s). Try again in a moment.")
        % {"platform": platform, "error": type(error).__name__},
        code="unreachable",
    )


def denied(platform: str) -> ConnectRefused:
    return ConnectRefused(
        _(
            "Permission was not given on %(platform)s, so nothing was connected. "
            "Start again and allow Pressroom when %(platform)s asks."
        )
        % {"platform": platform},
        code="denied",
    )


@dataclass(frozen=True)
class ConnectField:
    """Something the connect form asks before the platform is reached (Mastodon's instance,
    Telegram's bot token and channel)."""

    key: str
    label: str | Promise
    help_text: str | Promise = ""
    secret: bool = False
    placeholder: str = ""


class Connector(ABC):
    """A platform's way of connecting channels; each platform's connect.py has one."""

    platform: str = ""
    label: str = ""
    # Whether the person is sent to the platform to give consent (OAuth), or types what the
    # platform gave them (Telegram's bot token) and `check` verifies it.
    uses_consent: bool = True
    fields: tuple[ConnectField, ...] = ()
    # What the connect page says before the person starts, and (without consent page) the
    # steps to take on the platform first.
    hint: str | Promise = ""
    steps: tuple[str | Promise, ...] = ()
    # The training sandbox's page that plays those steps, under the sandbox's address.
    sandbox_helper: str = ""

    # The settings naming the app registered with the platform (its id, its secret), for
    # platforms whose consent is given to an app (Facebook, Zalo).
    app_settings: tuple[str, str] | None = None

    @abstractmethod
    def target(self, sandbox_url: str | None) -> Target:
        """Where the platform is: the real service, or the training sandbox at this address."""

    def app_target(self, *, sandbox: bool, bases: Mapping[str, str]) -> Target:
        """A target with the app from the settings; the sandbox has a training app when the
        server has no real one."""
        assert self.app_settings is not None
        id_setting, secret_setting = self.app_settings
        app_id = str(getattr(settings, id_setting, "") or "")
        app_secret = str(getattr(settings, secret_setting, "") or "")
        if sandbox:
            app_id = app_id or TRAINING_APP_ID
            app_secret = app_secret or training_app_secret(self.platform)
        return Target(sandbox=sandbox, bases=bases, app_id=app_id, app_secret=app_secret)

    def training_app_webhooks(self, webhook_url: str) -> dict[str, Any]:
        """What the training sandbox's app record needs so the emulator delivers this
        platform's webhooks to the app at `webhook_url`, signed as the app will check them
        (the platform's own names for its console's fields); empty where the platform sets
        webhooks per channel or has none."""
        return {}

    def missing_settings(self, target: Target) -> list[str]:
        """The settings a real connection needs that this server lacks."""
        if self.app_settings is None:
            return []
        given = (target.app_id, target.app_secret)
        return [name for name, value in zip(self.app_settings, given, strict=True) if not value]

    def begin(self, setup: Setup, fields: Mapping[str, str], apps: AppRegistry) -> Consent:
        raise ConnectRefused(_("This platform is connected with a form, not a consent page."))

    def finish(
        self, setup: Setup, flow: Mapping[str, Any], query: Mapping[str, str]
    ) -> list[Found]:
        raise ConnectRefused(_("This platform is connected with a form, not a consent page."))

    def check(self, target: Target, fields: Mapping[str, str]) -> Found:
        raise ConnectRefused(_("This platform is connected through its consent page."))

    def after_connect(self, found: Found) -> dict[str, Any]:
        """Work once the channel is stored (Facebook's webhook subscription); answers options
        to keep on the channel. Failures are reported, not raised: the channel stays."""
        return {}

    def disconnect(self, api_base: str, external_id: str, credentials: Mapping[str, Any]) -> bool:
        """Give the platform's access back where it allows; answers whether it did."""
        return False
