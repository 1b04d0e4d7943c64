"""The admin of the unit tree, memberships and people (superusers); writes go through actions."""

from pressroom.orgs.admin import units, users  # noqa: F401
