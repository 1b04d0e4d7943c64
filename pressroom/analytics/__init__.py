"""Counting: figures collected from every platform, rolled up the unit tree, shown on screen
and in reports."""
