"""Loading posts and themes for a request: the object and what the user may do with it."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from pressroom.content.catalogue import get_in_tree_for, visible_in_tree
from pressroom.content.models import Post, Theme
from pressroom.orgs.access import AnyUser, capabilities_in, units_for
from pressroom.orgs.models import Capability

# A post in these states has not been sent anywhere yet.
UNSENT = (Post.Status.DRAFT, Post.Status.IN_REVIEW, Post.Status.APPROVED)


def get_post_for(request: HttpRequest, post_id: int) -> tuple[Post, set[str]]:
    """The post and the user's capabilities in its unit; 404 for anyone who may not view it."""
    post = get_object_or_404(Post.objects.select_related("unit", "author", "theme"), pk=post_id)
    capabilities = set(capabilities_in(request.user, post.unit))
    if Capability.VIEW not in capabilities:
        raise Http404
    if post.is_emergency and post.status in UNSENT:
        # An emergency post moves only through its alert's page (a second person confirms
        # it there after re-authenticating): here it can be read, not edited or approved.
        # Once sent, approvers keep their rights here (to say whether an unconfirmed send arrived).
        capabilities &= {Capability.VIEW}
    return post, capabilities


def visible_posts(user: AnyUser) -> QuerySet[Post]:
    """Every post in a unit the user may view."""
    return Post.objects.filter(unit__in=units_for(user, Capability.VIEW))


def visible_themes(user: AnyUser) -> QuerySet[Theme]:
    """Themes of the units the user may view and of every unit above them (inherited)."""
    return visible_in_tree(Theme.objects.all(), user)


def get_theme_for(request: HttpRequest, theme_id: int) -> tuple[Theme, set[str]]:
    """The theme and the user's capabilities in its unit; 404 unless the user sees the theme
    (the people of its unit and of every unit below it)."""
    return get_in_tree_for(request, Theme.objects.all(), theme_id)
