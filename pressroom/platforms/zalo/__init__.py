"""zalo platform: client, limits, sandbox emulation."""
