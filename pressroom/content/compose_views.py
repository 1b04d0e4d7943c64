"""The composer: write a post or change a draft, from scratch or from a content pack, with
images from the media library (those uploaded with a form that has errors stay chosen)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pressroom.channels import sets
from pressroom.content import actions, library, packs
from pressroom.content.access import get_post_for
from pressroom.content.forms import PostForm
from pressroom.content.models import ContentPack, Post
from pressroom.core.errors import ActionError, add_to_form, add_to_messages
from pressroom.core.http import AuthenticatedHttpRequest
from pressroom.orgs.access import units_for
from pressroom.orgs.models import Capability, Unit


def _number(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


@login_required
@require_http_methods(["GET", "POST"])
def post_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    compose_units = units_for(request.user, Capability.COMPOSE)
    if not compose_units.exists():
        messages.error(request, _("You may not write posts in any unit."))
        return redirect("post_list")
    return _compose(request, compose_units=compose_units, post=None)


@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request: AuthenticatedHttpRequest, post_id: int) -> HttpResponse:
    post, capabilities = get_post_for(request, post_id)
    if Capability.COMPOSE not in capabilities:
        messages.error(request, _("You may not change posts of %(unit)s.") % {"unit": post.unit})
        return redirect("post_detail", post_id=post.pk)
    if not post.is_editable:
        messages.info(
            request, _("Only a draft can be changed. An approver can send it back to draft.")
        )
        return redirect("post_detail", post_id=post.pk)
    compose_units = units_for(request.user, Capability.COMPOSE)
    return _compose(request, compose_units=compose_units, post=post)


def _compose(
    request: AuthenticatedHttpRequest, *, compose_units: QuerySet[Unit], post: Post | None
) -> HttpResponse:
    if request.method == "POST":
        form = PostForm(
            request.POST, request.FILES, user=request.user, compose_units=compose_units, post=post
        )
        refused: list[str] = []
        if form.is_valid():
            try:
                saved = actions.save_post(by=request.user, post=post, **form.save_arguments())
            except ActionError as error:
                add_to_form(form, error)
                refused = error.messages
            else:
                _save_channel_set(request, saved, form.cleaned_data.get("save_set_as", ""))
                return _after_save(request, saved)
        form = _keep_uploads(request, form, compose_units, post, refused)
        messages.error(request, _("The post was not saved. Correct what is marked below."))
    else:
        initial = _initial_for(request, compose_units) if post is None else {}
        form = PostForm(
            user=request.user,
            compose_units=compose_units,
            post=post,
            **({"initial": initial} if post is None else {}),
        )
    return render(
        request,
        "content/post_form.html",
        {"form": form, "post": post, "pack": _pack_of(form)},
    )


def _initial_for(
    request: AuthenticatedHttpRequest, compose_units: QuerySet[Unit]
) -> dict[str, Any]:
    """A new post: from a content pack sent to one of the person's units (`?pack=`), else
    empty (with the unit chosen when there is one)."""
    if pack_id := request.GET.get("pack", ""):
        pack = get_object_or_404(packs.received_by(request.user), pk=_number(pack_id))
        units = pack.units.filter(pk__in=compose_units.values("pk")).order_by("path")
        unit = units.filter(pk=_number(request.GET.get("unit"))).first() or units.first()
        if unit is not None:
            return packs.initial_post(pack, unit)
    if compose_units.count() == 1:
        return {"unit": compose_units.first()}
    return {}


def _pack_of(form: PostForm) -> ContentPack | None:
    value = form["pack"].value()
    if not value or form.post is not None:
        return None
    return ContentPack.objects.select_related("unit").filter(pk=str(value)).first()


def _keep_uploads(
    request: AuthenticatedHttpRequest,
    form: PostForm,
    compose_units: QuerySet[Unit],
    post: Post | None,
    refused: list[str],
) -> PostForm:
    """Images chosen in a form that has errors go into the media library at once and stay
    chosen, so nothing is chosen again."""
    images = form.cleaned_data.get("new_images") or []
    if not images:
        return form
    unit = form.cleaned_data.get("unit") or (post.unit if post else compose_units.first())
    if unit is None:
        return form
    data = request.POST.copy()
    numbers = form.cleaned_data.get("new_image_numbers") or []
    for number, image in zip(numbers, images, strict=True):
        try:
            asset, _new = library.add_to_library(
                unit=unit,
                upload=library.Upload.of_bytes(image.filename, image.content),
                description=image.description,
                by=request.user,
            )
        except ActionError as error:
            add_to_messages(request, error)
            continue
        # The slot now holds the library item, its description still beside it.
        data[f"new_image_{number}_asset"] = str(asset.pk)
    kept = PostForm(data, user=request.user, compose_units=compose_units, post=post)
    kept.is_valid()
    for message in refused:
        kept.add_error(None, message)
    messages.info(
        request, _("The images you chose are kept in the media library and stay chosen below.")
    )
    return kept


def _save_channel_set(request: AuthenticatedHttpRequest, post: Post, name: str) -> None:
    if not name.strip():
        return
    try:
        saved = sets.save_channel_set(
            unit=post.unit, name=name, channels=list(post.channels.all()), by=request.user
        )
    except ActionError as error:
        messages.warning(request, _("The channel set was not saved:"))
        add_to_messages(request, error)
    else:
        messages.success(
            request,
            _("The channels are saved as the set “%(name)s”.") % {"name": saved.name},
        )


def _after_save(request: AuthenticatedHttpRequest, post: Post) -> HttpResponse:
    messages.success(request, _("The draft is saved."))
    if request.POST.get("then") == "submit":
        try:
            actions.submit_post(post=post, by=request.user)
        except ActionError as error:
            messages.error(request, _("It cannot be sent for review yet:"))
            add_to_messages(request, error)
        else:
            messages.success(request, _("The post is sent for review."))
    elif actions.problems_of(post):
        # The post page lists the problems; the message only points at them.
        messages.warning(
            request, _("Before it can be sent for review, fix what is listed on this page.")
        )
    return redirect("post_detail", post_id=post.pk)
