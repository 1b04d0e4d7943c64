"""facebook platform: client, limits, sandbox emulation."""
