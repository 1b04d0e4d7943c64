"""What the unit tree tells the apps above it, inside the transaction that changed it."""

from __future__ import annotations

from django.dispatch import Signal

# Sent with `unit_id`, `old_path` and `new_path` after a unit (and its subtree) moved.
unit_moved = Signal()
# Sent with `source_id`, `source_path` and `into_id` for each unit merged into another, after
# its children, channels and posts became the receiving unit's.
unit_merged = Signal()
