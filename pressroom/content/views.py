"""Pages of posts: the list, the composer, the post page and its workflow buttons.

The calendar and the themes have their own modules (calendar_views, theme_views)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from pressroom.content import actions, preview_views
from pressroom.content.access import get_post_for, visible_posts, visible_themes
from pressroom.content.forms import (
    PostFilterForm,
    RejectForm,
    ScheduleForm,
    filter_posts,
)
from pressroom.content.history import history_of
from pressroom.content.models import Post
from pressroom.core.dates import VIETNAM
from pressroom.core.errors import ActionError, add_to_form, add_to_messages
from pressroom.core.http import AuthenticatedHttpRequest
from pressroom.orgs.access import units_for
from pressroom.orgs.models import Capability
from pressroom.publishing import looking, queue, scheduling
from pressroom.publishing.rows import any_running, delivery_rows

POSTS_PER_PAGE = 25


# Statuses in which what blocks a post (problems_of) is worth showing.
BEFORE_PUBLISHING = (Post.Status.DRAFT, Post.Status.IN_REVIEW, Post.Status.APPROVED)

POST_STATUS_HELP: dict[str, Any] = {
    Post.Status.DRAFT: gettext_lazy("A draft: it can still be changed, then sent for review."),
    Post.Status.IN_REVIEW: gettext_lazy("Waiting for an approver of the unit."),
    Post.Status.APPROVED: gettext_lazy("Approved: an approver can publish it now or schedule it."),
    Post.Status.SCHEDULED: gettext_lazy(
        "Scheduled: it goes out at its time on every chosen channel."
    ),
    Post.Status.PUBLISHED: gettext_lazy("Published on every chosen channel."),
    Post.Status.PARTLY_FAILED: gettext_lazy(
        "Published on some channels only: see the deliveries below for what to do."
    ),
    Post.Status.FAILED: gettext_lazy(
        "It could not be published: see the deliveries below for what to do."
    ),
    Post.Status.CANCELLED: gettext_lazy(
        "Cancelled before it was confirmed: it was never sent and cannot be changed."
    ),
}


# Posts list


@login_required
@require_GET
def post_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    units = units_for(request.user, Capability.VIEW)
    form = PostFilterForm(request.GET or None, units=units, themes=visible_themes(request.user))
    posts = (
        visible_posts(request.user)
        .select_related("unit", "author", "theme")
        .prefetch_related("channels")
    )
    if form.is_valid():
        posts = filter_posts(posts, form.cleaned_data)
    page = Paginator(posts.order_by("-created_at"), POSTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "content/post_list.html",
        {
            "form": form,
            "page": page,
            "can_compose": units_for(request.user, Capability.COMPOSE).exists(),
        },
    )


# The post page and its workflow


@login_required
@require_GET
def post_detail(request: AuthenticatedHttpRequest, post_id: int) -> HttpResponse:
    post, capabilities = get_post_for(request, post_id)
    return _render_post(request, post, capabilities)


@login_required
@require_GET
def post_image(request: AuthenticatedHttpRequest, post_id: int, media_id: int) -> FileResponse:
    """An image of a post, only for people who may see the post (drafts are not public)."""
    post, _capabilities = get_post_for(request, post_id)
    media = get_object_or_404(post.media, pk=media_id)
    response = FileResponse(media.file.open("rb"), content_type=media.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_GET
def post_deliveries(request: AuthenticatedHttpRequest, post_id: int) -> HttpResponse:
    """The deliveries table alone; htmx polls it while a delivery is under way."""
    post, capabilities = get_post_for(request, post_id)
    if not request.htmx:
        # A plain visit (no JavaScript, or a bookmarked address) gets the whole page.
        return redirect(reverse("post_detail", args=[post.pk]) + "#deliveries")
    context = {**_deliveries(post), "allowed": _allowed(request, post, capabilities)}
    response = render(request, "content/post_detail.html#deliveries", {"post": post, **context})
    if not context["deliveries_running"]:
        # Polling only runs while deliveries are under way: they just finished, so reload
        # the page once to show the post's new status too.
        response["HX-Refresh"] = "true"
    return response


def _deliveries(post: Post) -> dict[str, Any]:
    deliveries = list(post.deliveries.select_related("channel", "channel__unit"))
    return {
        "delivery_rows": delivery_rows(deliveries),
        "deliveries_running": any_running(deliveries),
    }


@dataclass(frozen=True)
class Allowed:
    """Which workflow buttons the user sees on the post page."""

    edit: bool
    submit: bool
    approve: bool
    reject: bool
    withdraw: bool
    schedule: bool
    answer_look: bool


def _allowed(request: HttpRequest, post: Post, capabilities: set[str]) -> Allowed:
    compose = Capability.COMPOSE in capabilities
    approve = Capability.APPROVE in capabilities
    own = post.author_id == request.user.pk
    draft = post.status == Post.Status.DRAFT
    # Whoever changed this version may not approve it (the action refuses it too).
    edited = post.editors.filter(pk=request.user.pk or 0).exists()
    return Allowed(
        edit=compose and draft,
        submit=compose and draft,
        approve=approve and not own and not edited and post.status == Post.Status.IN_REVIEW,
        reject=approve and not own and post.status in (Post.Status.IN_REVIEW, Post.Status.APPROVED),
        withdraw=(
            compose
            and own
            and not post.is_emergency
            and post.status in (Post.Status.IN_REVIEW, Post.Status.APPROVED)
        ),
        schedule=approve and post.status == Post.Status.APPROVED,
        answer_look=approve,
    )


def _render_post(
    request: HttpRequest,
    post: Post,
    capabilities: set[str],
    *,
    reject_form: RejectForm | None = None,
    schedule_form: ScheduleForm | None = None,
) -> HttpResponse:
    channels = list(post.channels.select_related("unit"))
    variants = list(post.variants.all())
    media = list(post.media.all())
    context = {
        "post": post,
        "allowed": _allowed(request, post, capabilities),
        "status_help": POST_STATUS_HELP.get(post.status, ""),
        "channels": channels,
        "variants": variants,
        "media": media,
        **preview_views.preview_context(post, capabilities, channels, variants, media),
        "problems": actions.problems_of(post) if post.status in BEFORE_PUBLISHING else [],
        "history": history_of(post),
        "reject_form": reject_form or RejectForm(),
        "schedule_form": schedule_form or ScheduleForm(),
        **_deliveries(post),
    }
    return render(request, "content/post_detail.html", context)


def _refuse(request: HttpRequest, post: Post, message: str) -> HttpResponse:
    messages.error(request, message)
    return redirect("post_detail", post_id=post.pk)


@login_required
@require_POST
def post_submit(request: AuthenticatedHttpRequest, post_id: int) -> HttpResponse:
    post, capabilities = get_post_for(request, post_id)
    if Capability.COMPOSE not in capabilities:
        return _refuse(
            request, post, _("You may not send posts of %(unit)s for review.") % {"unit": post.unit}
        )
    try:
        actions.submit_post(post=post, by=request.user)
    except ActionError as error:
        messages.error(request, _("It cannot be sent for review yet:"))
        add_to_messages(request, error)
    else:
        messages.success(request, _("The post is sent for review."))
    return redirect("post_detail", post_id=post.pk)


@login_required
@require_POST
def post_withdraw(request: AuthenticatedHttpRequest, post_id: int) -> HttpResponse:
    post, _capabilities = get_post_for(request, post_id)
    try:
        actions.withdraw_post(post=post, by=request.user)
    except ActionError as error:
        messages.error(request, _("The post was not withdrawn:"))
        add_to_messages(request, error)
    else:
        messages.success(
            request, _("The post is a draft again: change it, then send it for review again.")
        )
    return redirect("post_detail", post_id=post.pk)


@login_required
@require_POST
def delivery_look(
    request: AuthenticatedHttpRequest, post_id: int, delivery_id: int
) -> HttpResponse:
    """Someone looked at the channel: the post is there, or it is not and goes out again."""
    post, capabilities = get_post_for(request, post_id)
    delivery = get_object_or_404(post.deliveries, pk=delivery_id)
    if Capability.APPROVE not in capabilities:
        return _refuse(
            request, post, _("Only an approver can say whether an unconfirmed send arrived.")
        )
    found = request.POST.get("found") == "yes"
    looking.record_look(delivery=delivery, by=request.user, found=found)
    if found:
        messages.success(
            request, _("Marked as published on %(channel)s.") % {"channel": delivery.channel.name}
        )
    else:
        messages.success(
            request, _("It will be sent again to %(channel)s.") % {"channel": delivery.channel.name}
        )
    return redirect("post_detail", post_id=post.pk)


@login_required
@require_POST
def post_approve(request: AuthenticatedHttpRequest, post_id: int) -> HttpResponse:
    post, capabilities = get_post_for(request, post_id)
    if Capability.APPROVE not in capabilities:
        return _refuse(
            request,
            post,
            _("Only an approver of %(unit)s can approve this post.") % {"unit": post.unit},
        )
    try:
        actions.approve_post(post=post, by=request.user)
    except ActionError as error:
        add_to_messages(request, error)
    else:
        messages.success(request, _("The post is approved. Publish it now or schedule it."))
    return redirect("post_detail", post_id=post.pk)


@login_required
@require_POST
def post_reject(request: AuthenticatedHttpRequest, post_id: int) -> HttpResponse:
    post, capabilities = get_post_for(request, post_id)
    if Capability.APPROVE not in capabilities:
        return _refuse(
            request,
            post,
            _("Only an approver of %(unit)s can send this post back.") % {"unit": post.unit},
        )
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            actions.reject_post(post=post, by=request.user, reason=form.cleaned_data["reason"])
        except ActionError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The post is sent back to its author as a draft."))
            return redirect("post_detail", post_id=post.pk)
    messages.error(request, _("The post was not sent back."))
    return _render_post(request, post, capabilities, reject_form=form)


def _vietnam_time(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment, VIETNAM), "SHORT_DATETIME_FORMAT")


@login_required
@require_POST
def post_schedule(request: AuthenticatedHttpRequest, post_id: int) -> HttpResponse:
    post, capabilities = get_post_for(request, post_id)
    if Capability.APPROVE not in capabilities:
        return _refuse(
            request,
            post,
            _("Only an approver of %(unit)s can publish this post.") % {"unit": post.unit},
        )
    if request.POST.get("when") == "queue":
        try:
            slots = queue.queue_post(post=post, by=request.user)
        except ActionError as error:
            messages.error(request, _("The post was not put in the queue:"))
            add_to_messages(request, error)
        else:
            names = dict(post.channels.values_list("pk", "name"))
            messages.success(
                request,
                _("In the queue: %(slots)s (Vietnam time).")
                % {
                    "slots": "; ".join(
                        f"{names.get(pk, pk)} "
                        + formats.date_format(
                            timezone.localtime(due, VIETNAM), "SHORT_DATETIME_FORMAT"
                        )
                        for pk, due in sorted(slots.items(), key=lambda item: item[1])
                    )
                },
            )
        return redirect("post_detail", post_id=post.pk)
    if request.POST.get("when") == "now":
        if request.POST.get("confirmed") != "yes" and post.status == Post.Status.APPROVED:
            # Publishing reaches the public at once and cannot be taken back: one more look.
            return render(
                request,
                "content/post_publish_confirm.html",
                {"post": post, "channels": list(post.channels.select_related("unit"))},
            )
        try:
            scheduling.schedule_post(post=post, by=request.user, at=None)
        except ActionError as error:
            messages.error(request, _("The post was not published:"))
            add_to_messages(request, error)
        else:
            messages.success(request, _("The post is going out now."))
        return redirect("post_detail", post_id=post.pk)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        at: datetime = form.cleaned_data["at"]
        try:
            scheduling.schedule_post(post=post, by=request.user, at=at)
        except ActionError as error:
            add_to_form(form, error, "at")
        else:
            messages.success(
                request,
                _("The post will go out at %(when)s (Vietnam time).")
                % {
                    "when": formats.date_format(
                        timezone.localtime(at, VIETNAM), "SHORT_DATETIME_FORMAT"
                    )
                },
            )
            return redirect("post_detail", post_id=post.pk)
    messages.error(request, _("The post was not scheduled."))
    return _render_post(request, post, capabilities, schedule_form=form)
