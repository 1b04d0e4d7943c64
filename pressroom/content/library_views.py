"""Pages of the media library: the list (with what units above offer), an upload (several
files at once; the composer's uploader asks for JSON), an item (where it is used, its
description), its file."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pressroom.content import library, media_files
from pressroom.content.catalogue import get_in_tree_for
from pressroom.content.library_forms import (
    DescribeForm,
    LibraryFilterForm,
    UploadForm,
    filter_assets,
)
from pressroom.content.models import Asset
from pressroom.core.errors import ActionError, add_to_messages
from pressroom.core.http import AuthenticatedHttpRequest
from pressroom.orgs.access import units_for, with_ancestors
from pressroom.orgs.models import Capability

PER_PAGE = 30


def _wants_json(request: AuthenticatedHttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def shown(asset: Asset) -> dict[str, Any]:
    """What the composer's uploader needs of a stored item."""
    return {
        "id": asset.pk,
        "name": asset.name,
        "kind": asset.kind,
        "description": asset.description,
        "url": reverse("library_file", args=[asset.pk]),
        "page": reverse("library_item", args=[asset.pk]),
        "notes": media_files.platform_notes(asset.kind, asset.content_type, asset.size),
    }


@login_required
@require_GET
def library_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    view_units = units_for(request.user, Capability.VIEW)
    form = LibraryFilterForm(request.GET or None, units=with_ancestors(view_units).order_by("path"))
    assets = library.with_use_counts(library.visible_assets(request.user))
    if form.is_valid():
        assets = filter_assets(assets, form.cleaned_data)
    page = Paginator(assets.order_by("-uploaded_at", "-id"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    own = set(view_units.values_list("pk", flat=True))
    compose_units = units_for(request.user, Capability.COMPOSE)
    upload = UploadForm(units=compose_units) if compose_units.exists() else None
    return render(
        request,
        "content/library_list.html",
        {"form": form, "page": page, "own_units": own, "upload": upload},
    )


@login_required
@require_POST
def library_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Keep the files in the chosen unit's library; each file that cannot be kept says why,
    the others are kept."""
    form = UploadForm(
        request.POST, request.FILES, units=units_for(request.user, Capability.COMPOSE)
    )
    stored: list[Asset] = []
    errors: list[str] = []
    if form.is_valid():
        for upload in form.cleaned_data["file"]:
            try:
                asset, _new = library.add_to_library(
                    unit=form.cleaned_data["unit"],
                    upload=library.Upload(name=upload.name or "", file=upload),
                    description=form.cleaned_data["description"],
                    by=request.user,
                )
            except ActionError as error:
                errors += error.messages
            else:
                stored.append(asset)
    else:
        errors += [str(error) for errors_of in form.errors.values() for error in errors_of]
    if _wants_json(request):
        return JsonResponse(
            {"items": [shown(asset) for asset in stored], "errors": errors},
            status=200 if stored or not errors else 400,
        )
    for message in errors:
        messages.error(request, message)
    if stored:
        messages.success(
            request,
            _("%(count)d files are in the media library.") % {"count": len(stored)}
            if len(stored) > 1
            else _("%(name)s is in the media library.") % {"name": stored[0].name},
        )
    if len(stored) == 1:
        return redirect("library_item", asset_id=stored[0].pk)
    return redirect("library_list")


@login_required
@require_http_methods(["GET", "POST"])
def library_item(request: AuthenticatedHttpRequest, asset_id: int) -> HttpResponse:
    asset, capabilities = get_in_tree_for(request, Asset.objects.all(), asset_id)
    can_edit = Capability.COMPOSE in capabilities
    form = DescribeForm(request.POST or None, initial={"description": asset.description})
    if request.method == "POST":
        if not can_edit:
            messages.error(
                request,
                _("You may not change the media library of %(unit)s.") % {"unit": asset.unit},
            )
            return redirect("library_item", asset_id=asset.pk)
        if form.is_valid():
            try:
                library.describe_asset(
                    asset=asset, description=form.cleaned_data["description"], by=request.user
                )
            except ActionError as error:
                add_to_messages(request, error)
            else:
                messages.success(request, _("The description is saved."))
                return redirect("library_item", asset_id=asset.pk)
    visible = units_for(request.user, Capability.VIEW)
    uses = (
        asset.uses.filter(post__unit__in=visible)
        .select_related("post", "post__unit")
        .order_by("-post__created_at")[:50]
    )
    return render(
        request,
        "content/library_item.html",
        {
            "asset": asset,
            "form": form,
            "can_edit": can_edit,
            "uses": uses,
            "use_count": asset.uses.values("post").distinct().count(),
            "packs": asset.packs.filter(unit__in=with_ancestors(visible)).order_by("-starts_on"),
            "notes": media_files.platform_notes(asset.kind, asset.content_type, asset.size),
        },
    )


@login_required
@require_POST
def library_delete(request: AuthenticatedHttpRequest, asset_id: int) -> HttpResponse:
    asset, _capabilities = get_in_tree_for(request, Asset.objects.all(), asset_id)
    try:
        library.delete_asset(asset=asset, by=request.user)
    except ActionError as error:
        add_to_messages(request, error)
        return redirect("library_item", asset_id=asset.pk)
    messages.success(request, _("%(name)s is removed from the library.") % {"name": asset.name})
    return redirect("library_list")


@login_required
@require_GET
def library_file(request: AuthenticatedHttpRequest, asset_id: int) -> FileResponse:
    """The file, only for people who see the item; never run by the browser as a page."""
    asset, _capabilities = get_in_tree_for(request, Asset.objects.all(), asset_id)
    response = FileResponse(
        asset.file.open("rb"),
        content_type=asset.content_type,
        # A PDF is saved, not opened in this site's pages.
        as_attachment=request.GET.get("download") == "1" or asset.kind == Asset.Kind.DOCUMENT,
        filename=asset.name,
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response
