"""The bridge's HTTP edge against a real bridge process (uvicorn): request body caps (413 before the body
is read in full, before authentication), 422 answers that name the field and never echo the input, and
the security headers, checked in a real headless Chromium for the page and for /docs (served offline)."""

from __future__ import annotations

import json
import select
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from tests.browser import CHROMIUM, bridge, browser, demo_db, order_id  # noqa: F401 - fixtures
from tests.servers import Bridge

MIB = 1024 * 1024
MAX_BODY = MIB                 # CHATTER_MAX_BODY's default
MAX_UPLOAD = 10 * MIB          # CHATTER_MAX_UPLOAD's default
BOUNDARY = b"edge-boundary-7f3a"


@pytest.fixture(scope="module")
def edge(bridge_db, tmp_path_factory) -> Iterator[Bridge]:
    """A bridge with the default limits; its output kept, to look for tracebacks."""
    logdir = tmp_path_factory.mktemp("edge")
    with open(logdir / "bridge.log", "w+b") as log:
        b = Bridge(bridge_db.url, {"TMPDIR": str(logdir)}, log=log)
        b.log = log
        yield b
        b.stop()


def proc_stats(pid: int) -> dict[str, int]:
    """Peak and current resident memory (kB) and bytes written through system calls (spooling included)."""
    stats: dict[str, int] = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                stats[key] = int(value.split()[0])
    with open(f"/proc/{pid}/io") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key == "wchar":
                stats["wchar"] = int(value)
    return stats


def bridge_log(bridge: Bridge) -> str:
    bridge.log.flush()
    bridge.log.seek(0)
    return bridge.log.read().decode(errors="replace")


def multipart_file(size: int, chunk: int = MIB) -> Iterator[bytes]:
    """A multipart/form-data body with one `file` part of `size` bytes, made as it is sent."""
    yield (b"--" + BOUNDARY + b'\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n'
           b"Content-Type: application/octet-stream\r\n\r\n")
    block = b"\x00" * chunk
    sent = 0
    while sent < size:
        n = min(chunk, size - sent)
        yield block[:n]
        sent += n
    yield b"\r\n--" + BOUNDARY + b"--\r\n"


def multipart_length(size: int) -> int:
    return sum(len(part) for part in multipart_file(0)) + size


def raw_request(bridge: Bridge, head: str) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", bridge.port), timeout=10)
    sock.sendall(head.encode())
    return sock


def read_response(sock: socket.socket, timeout: float = 5.0) -> tuple[int, dict[str, str], bytes]:
    """Reads one HTTP response (with Content-Length) from a raw socket."""
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        part = sock.recv(65536)
        assert part, f"connection closed before a response: {data!r}"
        data += part
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    while len(body) < int(headers.get("content-length", 0)):
        part = sock.recv(65536)
        if not part:
            break
        body += part
    return status, headers, body


# --- 413: declared lengths ----------------------------------------------------------------------------------

def test_declared_length_over_the_cap_is_413_before_the_body(edge, bridge_db):
    """Headers only, no body sent: the 413 comes at once (an unpatched bridge waits for the body). With
    `Expect: 100-continue` the bridge never invites the body."""
    token = bridge_db.tokens["alice"]
    for path, length, setting, auth in [
        ("/api/send_message", 300 * MIB, "CHATTER_MAX_BODY", f"Authorization: Bearer {token}\r\n"),
        ("/api/send_message", MAX_BODY + 1, "CHATTER_MAX_BODY", ""),
        ("/api/channels/1/messages", 2 * MIB, "CHATTER_MAX_BODY", f"Authorization: Bearer {token}\r\n"),
        ("/api/attachments", 500 * MIB, "CHATTER_MAX_UPLOAD", ""),
    ]:
        before = proc_stats(edge.proc.pid)
        t0 = time.monotonic()
        sock = raw_request(edge, f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}"
                                 f"Content-Type: application/json\r\nContent-Length: {length}\r\n"
                                 "Expect: 100-continue\r\n\r\n")
        with sock:
            status, headers, body = read_response(sock, timeout=5)
        assert time.monotonic() - t0 < 2
        assert status == 413, (path, status, body[:300])
        answer = json.loads(body)
        assert answer["code"] == "54000" and setting in answer["detail"] and answer["setting"] == setting
        assert str(answer["limit"]) in answer["detail"]
        assert headers["connection"] == "close" and headers["x-frame-options"] == "DENY"
        assert proc_stats(edge.proc.pid)["wchar"] - before["wchar"] < 64 * 1024   # nothing spooled


def test_unauthenticated_upload_of_hundreds_of_mb(edge):
    """Streamed from a generator, both with a declared length and chunked: a quick 413, nothing past the
    cap spooled (bytes written by the bridge), memory flat, and the bridge still answers."""
    size = 400 * MIB
    before = proc_stats(edge.proc.pid)
    t0 = time.monotonic()
    r = httpx.post(f"{edge.base}/api/attachments", content=multipart_file(size), timeout=30, headers={
        "Content-Type": f"multipart/form-data; boundary={BOUNDARY.decode()}",
        "Content-Length": str(multipart_length(size))})
    assert r.status_code == 413 and "CHATTER_MAX_UPLOAD" in r.json()["detail"]
    assert time.monotonic() - t0 < 5
    after = proc_stats(edge.proc.pid)
    assert after["wchar"] - before["wchar"] < 64 * 1024, "a declared oversize body is never spooled"

    # Chunked: counted as it streams, cut off at CHATTER_MAX_UPLOAD + 64 KiB of framing.
    t0 = time.monotonic()
    r = httpx.post(f"{edge.base}/api/attachments", content=multipart_file(size), timeout=30,
                   headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY.decode()}"})
    assert r.status_code == 413 and "CHATTER_MAX_UPLOAD" in r.json()["detail"]
    assert time.monotonic() - t0 < 5
    chunked = proc_stats(edge.proc.pid)
    assert chunked["wchar"] - after["wchar"] < MAX_UPLOAD + 2 * MIB, "no more than the cap is spooled"
    assert chunked["VmHWM"] - before["VmHWM"] < 8 * 1024, (before, chunked)    # kB: a few MB at most
    assert httpx.get(f"{edge.base}/healthz").status_code == 200
    assert "Traceback" not in bridge_log(edge)


def chunked_json(size: int) -> Iterator[bytes]:
    yield b'{"body": "'
    for _ in range(size // (64 * 1024)):
        yield b"a" * (64 * 1024)
    yield b'"}'


def test_chunked_json_over_the_cap_is_413(edge, bridge_db):
    before = proc_stats(edge.proc.pid)
    t0 = time.monotonic()
    r = httpx.post(f"{edge.base}/api/send_message", content=chunked_json(64 * MIB), timeout=30,
                   headers={**bridge_db.headers("alice"), "Content-Type": "application/json"})
    assert r.status_code == 413, r.text[:300]
    assert r.json()["setting"] == "CHATTER_MAX_BODY" and "1048576 bytes" in r.json()["detail"]
    assert r.headers["connection"] == "close"
    assert time.monotonic() - t0 < 5
    assert proc_stats(edge.proc.pid)["VmHWM"] - before["VmHWM"] < 8 * 1024
    # Just under the cap is read and judged on its merits (here: body longer than 1,000,000 characters).
    r = httpx.post(f"{edge.base}/api/send_message", content=iter([b'{"body": "', b"a" * 1_000_001, b'"}']),
                   headers={**bridge_db.headers("alice"), "Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "body.body"


def test_client_that_keeps_sending_after_the_413(edge):
    """The bridge answers, closes the connection and logs nothing: no 500, no traceback."""
    sock = raw_request(edge, f"POST /api/send_message HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                             f"Content-Type: application/json\r\nContent-Length: {50 * MIB}\r\n\r\n")
    sock.setblocking(False)
    sent, got, closed = 0, b"", False
    deadline = time.monotonic() + 10
    block = b"x" * 65536
    while time.monotonic() < deadline and not closed:
        readable, writable, _ = select.select([sock], [sock], [], 0.5)
        if readable:
            try:
                part = sock.recv(65536)
            except ConnectionResetError:
                break
            got += part
            closed = part == b""
        elif writable and sent < 50 * MIB:
            try:
                sent += sock.send(block)
            except (BrokenPipeError, ConnectionResetError):
                closed = True
    sock.close()
    assert got.startswith(b"HTTP/1.1 413 "), got[:200]
    assert sent < 50 * MIB, "the bridge cut the connection instead of reading the rest"
    time.sleep(0.3)
    log = bridge_log(edge)
    assert "Traceback" not in log and "ERROR" not in log and " 500" not in log, log[-2000:]
    assert httpx.get(f"{edge.base}/healthz").status_code == 200
    # Any answer given before the body was read (a route that takes none: a 401 without reading) closes too.
    r = httpx.post(f"{edge.base}/api/channels/1/join", content=iter([b"x" * 65536] * 64))
    assert r.status_code == 401 and r.headers["connection"] == "close"


# --- the upload limit itself ----------------------------------------------------------------------------------

def test_upload_at_and_over_the_limit(edge, bridge_db):
    headers = bridge_db.headers("alice")
    over = httpx.post(f"{edge.base}/api/attachments", headers=headers, timeout=30,
                      files={"file": ("over.bin", b"\x01" * (MAX_UPLOAD + 1), "application/octet-stream")})
    assert over.status_code == 413
    assert over.json() == {"detail": f"file larger than {MAX_UPLOAD} bytes (CHATTER_MAX_UPLOAD)", "code": "54000",
                           "limit": MAX_UPLOAD, "setting": "CHATTER_MAX_UPLOAD"}
    at = httpx.post(f"{edge.base}/api/attachments", headers=headers, timeout=30,
                    files={"file": ("at.bin", b"\x02" * MAX_UPLOAD, "application/octet-stream")})
    assert at.status_code == 201, at.text[:300]
    assert at.json()["size"] == MAX_UPLOAD
    # Well over the limit, streamed: cut off at the edge's cap, never read (nor spooled) in full.
    before = proc_stats(edge.proc.pid)
    far = httpx.post(f"{edge.base}/api/attachments", content=multipart_file(MAX_UPLOAD + 50 * MIB), timeout=30,
                     headers={**headers, "Content-Type": f"multipart/form-data; boundary={BOUNDARY.decode()}"})
    assert far.status_code == 413 and far.json()["setting"] == "CHATTER_MAX_UPLOAD"
    assert proc_stats(edge.proc.pid)["wchar"] - before["wchar"] < MAX_UPLOAD + 2 * MIB


# --- 422: the field, never the input -------------------------------------------------------------------------

def test_validation_errors_name_the_field_and_never_echo(edge, bridge_db):
    headers = {**bridge_db.headers("alice"), "Content-Type": "application/json"}
    marker = "ECHO-ME-" * 100_000          # 800 kB
    r = httpx.post(f"{edge.base}/api/send_message", headers=headers,
                   content=json.dumps({"body": "hi", "subject": marker, "model": "orders", "document": 1}))
    assert r.status_code == 422
    assert len(r.content) < 2000 and b"ECHO-ME" not in r.content
    answer = r.json()
    assert answer["code"] == "22023"
    assert answer["errors"] == [{"field": "body.subject", "message": "String should have at most 1000 characters"}]
    assert answer["detail"] == "body.subject: String should have at most 1000 characters"

    # Wrong types and an unknown field with a huge name: named (an unknown name clipped), values never echoed.
    r = httpx.post(f"{edge.base}/api/send_message", headers=headers,
                   content=json.dumps({"body": ["ECHO-ME"] * 20_000, "K" * 500_000: 1, "document": "ECHO-ME"}))
    assert r.status_code == 422 and len(r.content) < 1000 and b"ECHO-ME" not in r.content
    assert r.json()["errors"] == [
        {"field": "body.body", "message": "Input should be a valid string"},
        {"field": "body.document", "message": "Input should be a valid integer"},
        {"field": "body." + "K" * 39 + "…", "message": "Extra inputs are not permitted"}]
    r = httpx.get(f"{edge.base}/api/inbox", headers=headers, params={"limit": "ECHO-ME" * 1000})
    assert r.status_code == 422 and b"ECHO-ME" not in r.content
    assert r.json()["errors"][0]["field"] == "query.limit"

    # Invalid JSON: named as the body, the text is not returned.
    r = httpx.post(f"{edge.base}/api/send_message", headers=headers, content=b'{"body": "' + b"ECHO-ME" * 100_000)
    assert r.status_code == 422 and len(r.content) < 1000 and b"ECHO-ME" not in r.content
    assert r.json()["errors"][0]["field"] == "body" and "invalid JSON" in r.json()["detail"]


def test_openapi_documents_the_edge(edge):
    spec = httpx.get(f"{edge.base}/openapi.json").json()
    assert "HTTPValidationError" not in json.dumps(spec)
    assert "errors" in spec["components"]["schemas"]["Error"]["properties"]
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            if "requestBody" in op:
                assert "413" in op["responses"], (method, path)
            if "422" in op["responses"]:
                assert op["responses"]["422"]["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/Error"}, (method, path)


# --- security headers ---------------------------------------------------------------------------------------

def test_security_headers_everywhere(edge, bridge_db):
    alice = bridge_db.headers("alice")
    answers = {
        "page": httpx.get(f"{edge.base}/"),
        "script": httpx.get(f"{edge.base}/js/app.js"),
        "missing file": httpx.get(f"{edge.base}/nope.txt"),
        "api": httpx.get(f"{edge.base}/api/me", headers=alice),
        "401": httpx.get(f"{edge.base}/api/me"),
        "404": httpx.get(f"{edge.base}/api/messages/999999999", headers=alice),
        "422": httpx.get(f"{edge.base}/api/inbox", headers=alice, params={"limit": "x"}),
        "413": httpx.post(f"{edge.base}/api/send_message", content=b"x" * (MAX_BODY + 1)),
        "docs": httpx.get(f"{edge.base}/docs"),
        "openapi": httpx.get(f"{edge.base}/openapi.json"),
    }
    assert [answers["page"].status_code, answers["api"].status_code, answers["413"].status_code] == [200, 200, 413]
    for name, r in answers.items():
        assert r.headers.get("x-frame-options") == "DENY", name
        assert r.headers.get("x-content-type-options") == "nosniff", name
        assert r.headers.get("referrer-policy") == "no-referrer", name
        assert "frame-ancestors 'none'" in r.headers.get("content-security-policy", ""), name
    page = answers["page"].headers["content-security-policy"]
    for directive in ("script-src 'self'", "style-src 'self'", "img-src 'self' data: blob:", "object-src 'none'",
                      "base-uri 'none'", "connect-src 'self'", "form-action 'self'"):
        assert directive + ";" in page + ";", directive
    assert "unsafe" not in page and "http" not in page
    assert answers["api"].headers["content-security-policy"].startswith("default-src 'none'")

    # The attachment download keeps its own policy.
    up = httpx.post(f"{edge.base}/api/attachments", headers=alice,
                    files={"file": ("page.html", b"<script>alert(1)</script>", "text/html")})
    down = httpx.get(f"{edge.base}/api/attachments/{up.json()['id']}", headers=alice)
    assert down.headers["content-security-policy"] == "sandbox"
    assert down.headers["content-disposition"].startswith("attachment") and down.headers["x-frame-options"] == "DENY"


def test_img_src_setting(bridge_db):
    b = Bridge(bridge_db.url, {"CHATTER_REMOTE_IMAGES": "avatars.example.invalid"})
    try:
        policy = httpx.get(f"{b.base}/").headers["content-security-policy"]
    finally:
        b.stop()
    assert "img-src 'self' data: blob: avatars.example.invalid;" in policy


# --- in a real browser ------------------------------------------------------------------------------------------

class Pixel:
    """An image server on another loopback port (another origin): counts the requests it gets."""

    def __init__(self) -> None:
        hits = self.hits = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/gif")
                self.end_headers()
                self.wfile.write(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed")


WATCH_CSP = """window.__csp = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__csp.push(`${e.effectiveDirective} ${e.blockedURI}`));"""


def watch_csp(page) -> list[str]:
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    page.add_init_script(WATCH_CSP)
    return console


@needs_chromium
def test_page_works_under_its_csp(browser, bridge, demo_db):
    """Log in, open an order, post a message: no CSP violation. A remote image is not fetched."""
    from playwright.sync_api import expect

    assert "script-src 'self'" in httpx.get(f"{bridge.base}/").headers["content-security-policy"]
    context = browser.new_context(viewport={"width": 1400, "height": 860})
    page = context.new_page()
    console = watch_csp(page)
    page.set_default_timeout(10_000)
    page.goto(f"{bridge.base}/")
    page.click("button.login-user[data-username=alice]")
    page.wait_for_selector("#me[data-username=alice]")
    page.wait_for_selector("body[data-live=up]")           # the WebSocket is up under connect-src
    order = order_id(demo_db, "S00014")
    page.goto(f"{bridge.base}/#/orders/{order}")
    page.wait_for_selector(f"body[data-watching='sale_orders/{order}']")
    composer = page.locator(".chatter .composer-input")
    composer.fill("Posted under the page's CSP")
    page.click(".chatter .composer-send")
    expect(page.locator("#feed .message").first).to_contain_text("Posted under the page's CSP")
    expect(page.locator("#feed .message .avatar").first).to_have_css("background-color", "rgb(113, 75, 103)")   # #714b67, avatar-1
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)") is True
    assert page.evaluate("window.__csp") == [] and console == []

    pixel = Pixel()
    try:
        page.evaluate("""(src) => new Promise((done) => {
            const img = document.createElement("img");
            img.onload = img.onerror = done;
            img.src = src;
            document.body.append(img);
        })""", f"{pixel.url}/tracking.gif")
        page.wait_for_timeout(300)
        assert pixel.hits == []
        assert page.evaluate("window.__csp") == [f"img-src {pixel.url}/tracking.gif"]
    finally:
        pixel.stop()
    context.close()


@needs_chromium
def test_docs_work_offline_under_their_csp(browser, edge):
    """Swagger UI from the bridge's own files: every request goes to the bridge (others are aborted, as
    offline), the operations render, no CSP violation."""
    context = browser.new_context()
    elsewhere: list[str] = []

    def only_the_bridge(route) -> None:
        if route.request.url.startswith(edge.base):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_bridge)
    page = context.new_page()
    console = watch_csp(page)
    page.goto(f"{edge.base}/docs")
    page.wait_for_selector(".opblock-summary-path[data-path='/api/send_message']", timeout=15_000)
    assert page.locator(".opblock").count() > 20
    page.click(".opblock-summary-path[data-path='/api/send_message']")      # open one: schemas, examples
    page.wait_for_selector(".opblock.is-open .responses-table")
    page.click(".opblock.is-open .try-out__btn")
    page.wait_for_selector(".opblock.is-open .execute")
    assert elsewhere == [] and page.evaluate("window.__csp") == [] and console == []
    assert "unsafe" not in httpx.get(f"{edge.base}/docs").headers["content-security-policy"]
    html = httpx.get(f"{edge.base}/docs").text
    assert "<script>" not in html and "cdn" not in html
    context.close()

