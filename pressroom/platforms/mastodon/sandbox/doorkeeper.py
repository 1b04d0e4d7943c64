"""What the emulated OAuth server's parts (oauth.py) share: Doorkeeper's words for what goes
wrong (config/locales/doorkeeper.en.yml) and OAuthError, its rules for a redirect URI, where
authorisation codes and app tokens are kept, and the scopes an account's token was granted.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.responses import JSONResponse

from pressroom.platforms.mastodon.sandbox import scopes
from pressroom.sandbox.store import Account, SandboxStore

OOB = "urn:ietf:wg:oauth:2.0:oob"
CODES = "mastodon:oauth_codes"
APP_TOKENS = "mastodon:app_tokens"

# Doorkeeper's words (config/locales/doorkeeper.en.yml).
DESCRIPTIONS = {
    "access_denied": "The resource owner or authorization server denied the request.",
    "invalid_client": (
        "Client authentication failed due to unknown client, no client authentication "
        "included, or unsupported authentication method."
    ),
    "invalid_grant": (
        "The provided authorization grant is invalid, expired, revoked, does not match the "
        "redirection URI used in the authorization request, or was issued to another client."
    ),
    "invalid_redirect_uri": "The redirect uri included is not valid.",
    "invalid_request": (
        "The request is missing a required parameter, includes an unsupported parameter "
        "value, or is otherwise malformed."
    ),
    "invalid_scope": "The requested scope is invalid, unknown, or malformed.",
    "unsupported_grant_type": (
        "The authorization grant type is not supported by the authorization server."
    ),
    "unsupported_response_type": ("The authorization server does not support this response type."),
    "invalid_code_challenge_method": "The code_challenge_method must be S256.",
    "unauthorized_client": "You are not authorized to revoke this token",
}


def missing(name: str) -> str:
    return f"Missing required parameter: {name}."


class OAuthError(Exception):
    """An OAuth answer with `error` and `error_description` (a 400 unless said otherwise)."""

    def __init__(self, error: str, description: str | None = None, status: int = 400) -> None:
        super().__init__(error)
        self.error = error
        self.description = description or DESCRIPTIONS[error]
        self.status = status

    def response(self) -> JSONResponse:
        return JSONResponse(
            {"error": self.error, "error_description": self.description},
            status_code=self.status,
        )


def granted_scopes(account: Account) -> list[str] | None:
    """The scopes the account's token was granted; None for every scope."""
    found = account.extra.get("token_scopes")
    return scopes.parse(found) if found is not None else None


def redirect_uri_problem(uri: str) -> str | None:
    """What Doorkeeper's redirect URI validator says about one URI, if anything."""
    if uri == OOB:
        return None
    try:
        parts = urlsplit(uri)
    except ValueError:
        return "must be a valid URI."
    if parts.fragment:
        return "cannot contain a fragment."
    if not parts.scheme:
        return "must be an absolute URI."
    if any(char.isspace() for char in uri):
        return "must be a valid URI."
    return None


class ServerPart:
    """One part of the OAuth server (apps.py, authorize.py, tokens.py): the store it keeps its
    records in."""

    def __init__(self, store: SandboxStore) -> None:
        self.store = store
