"""The language of the pages: Vietnamese unless the person chose otherwise.

The browser's Accept-Language is not asked: a public administration's desk speaks
Vietnamese first, and an English-language browser on a shared office computer must not
switch the interface. A choice made with the switch in the header is kept with the person
(and so follows them to another device), in the session and in a cookie (for the sign-in
page and after signing out).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

SESSION_KEY = "pressroom_language"


def supported(code: object) -> str | None:
    """The code if Pressroom speaks it, else None."""
    if isinstance(code, str) and code in dict(settings.LANGUAGES):
        return code
    return None


def language_of(request: HttpRequest) -> str:
    """The person's language: the session's (from their stored choice), the cookie's, or vi."""
    session = getattr(request, "session", None)
    chosen = supported(session.get(SESSION_KEY)) if session is not None else None
    return (
        chosen
        or supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        or settings.LANGUAGE_CODE
    )


class LanguageMiddleware:
    """Activates the person's language for the request; stands where LocaleMiddleware would."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = language_of(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


def _remember(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def stored_language(user: Any) -> str:
    """The language a person chose for themselves (for what is sent to them), else vi."""
    from pressroom.core.models import Preferences

    stored = Preferences.objects.filter(user=user).values_list("language", flat=True).first()
    return supported(stored) or settings.LANGUAGE_CODE


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The header's switch: keeps the choice with the person, in the session and a cookie."""
    from pressroom.core.models import Preferences

    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    language = supported(request.POST.get("language"))
    if language is None:
        return response
    request.session[SESSION_KEY] = language
    if request.user.is_authenticated:
        Preferences.objects.update_or_create(user=request.user, defaults={"language": language})
    _remember(response, language)
    return response


@receiver(user_logged_in, dispatch_uid="pressroom-language-at-sign-in")
def _stored_language_at_sign_in(
    sender: Any, request: HttpRequest | None, user: Any, **_: Any
) -> None:
    """At sign-in, on any device, the person's stored choice becomes the session's."""
    from pressroom.core.models import Preferences

    if request is None or not hasattr(request, "session"):
        return
    if Preferences.objects.filter(user=user).exists():
        request.session[SESSION_KEY] = stored_language(user)
