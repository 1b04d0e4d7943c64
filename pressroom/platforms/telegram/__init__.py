"""telegram platform: client, limits, sandbox emulation."""
