"""Security headers on every HTTP answer of the bridge (a pure ASGI middleware).

The page (`bridge/static`, ES modules, no build step) runs under a Content-Security-Policy with no
inline script or style: everything it loads comes from the bridge itself. Images: the bridge, `data:`
and `blob:` only, so a remote image (a tracking pixel in a message) is never fetched unless
CHATTER_REMOTE_IMAGES names its host. `/docs` (Swagger UI, served by the bridge, see bridge/docs.py) gets its
own policy, as strict (its styles are set through the CSSOM, which style-src does not govern). A header a
route set itself is kept (the attachment download's `Content-Security-Policy: sandbox`).
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send


def policy(*directives: str) -> str:
    return "; ".join(directives)


def page_policy(img_src: Iterable[str] = ()) -> str:
    # connect-src 'self' also matches ws:/wss: of the same host (CSP Level 3), which /api/ws needs.
    return policy(
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        " ".join(["img-src 'self' data: blob:", *img_src]),
        "connect-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    )


# Swagger UI: its files and /docs/init.js from the bridge, the OpenAPI document, data: icons in its CSS.
DOCS_POLICY = policy(
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
)

# JSON is never a document; if one were ever rendered, it could load and run nothing.
API_POLICY = "default-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'"

COMMON = [
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._page: tuple[tuple[str, ...], bytes] = ((), page_policy().encode())

    def policy_for(self, scope: Scope) -> bytes:
        path = scope["path"]
        if path == "/docs" or path.startswith("/docs/"):
            return DOCS_POLICY.encode()
        if path.startswith("/api/") or path in ("/openapi.json", "/healthz"):
            return API_POLICY.encode()
        img_src = scope["app"].state.settings.img_src   # CHATTER_REMOTE_IMAGES, read at startup
        if img_src != self._page[0]:
            self._page = (img_src, page_policy(img_src).encode())
        return self._page[1]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = self.policy_for(scope)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                extra = [(n, v) for n, v in [(b"content-security-policy", policy), *COMMON] if n not in present]
                message = {**message, "headers": headers + extra}
            await send(message)

        await self.app(scope, receive, with_headers)
