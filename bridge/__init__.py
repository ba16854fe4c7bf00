"""The HTTP and WebSocket bridge: a thin FastAPI shell around the chatter schema (SPEC section 9)."""
