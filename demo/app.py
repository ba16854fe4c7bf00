"""`demo.app:app`: the bridge with the demo routes mounted (what `pgchatter run` serves). The bridge itself
(`bridge.app`) knows nothing of the demo: the dependency goes one way, demo -> bridge."""

from __future__ import annotations

from fastapi import FastAPI

from bridge.app import create_app
from bridge.config import BridgeSettings
from demo.routes import router


def create_demo_app(settings: BridgeSettings | None = None) -> FastAPI:
    return create_app(settings, extra=[router])   # 404 unless CHATTER_DEMO=1; not in the OpenAPI document


app = create_demo_app()
