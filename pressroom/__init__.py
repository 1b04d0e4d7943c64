"""Pressroom: the official-communications desk of a public administration."""
