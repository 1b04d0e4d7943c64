"""mastodon platform: client, limits, sandbox emulation."""
