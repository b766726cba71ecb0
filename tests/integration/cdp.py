# Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE.
"""A headless Chromium for the integration tests, driven over the
Chrome DevTools Protocol (https://chromedevtools.github.io/devtools-protocol/)
with the standard library only: a minimal RFC 6455 websocket client
(the opening handshake, masked frames out, unmasked frames in,
continuation frames, 16- and 64-bit payload lengths, ping/pong, close).

    b = Chromium(ws)             # its own process group, temp profile
    p = b.page()                 # the first tab's DevTools session
    p.call("Page.navigate", url=...)
    p.evaluate("document.title")
    b.stop()                     # kills the whole process group

Every read has a deadline; nothing waits unbounded.
"""

import base64
import hashlib
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import time
import urllib.request

from fcgiclient import free_port, wait_until

CHROMIUM = "/usr/bin/chromium"
_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 section 1.3


def available():
    return shutil.which("chromium") is not None or os.path.exists(CHROMIUM)


class WebSocket:
    """A client websocket (ws:// only) on a blocking socket."""

    def __init__(self, url, timeout=30):
        assert url.startswith("ws://")
        hostport, _, path = url[len("ws://"):].partition("/")
        host, _, port = hostport.rpartition(":")
        self.sock = socket.create_connection((host, int(port)), timeout)
        self.timeout = timeout
        self.buf = b""
        key = base64.b64encode(os.urandom(16))
        self.sock.sendall(b"GET /" + path.encode() + b" HTTP/1.1\r\n"
                          b"Host: " + hostport.encode() + b"\r\n"
                          b"Upgrade: websocket\r\nConnection: Upgrade\r\n"
                          b"Sec-WebSocket-Key: " + key + b"\r\n"
                          b"Sec-WebSocket-Version: 13\r\n\r\n")
        head = self._until(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        if not lines[0].startswith("HTTP/1.1 101"):
            raise OSError("websocket handshake: %s" % lines[0])
        want = base64.b64encode(hashlib.sha1(key + _GUID).digest()).decode()
        accept = [ln.split(":", 1)[1].strip() for ln in lines[1:]
                  if ln.lower().startswith("sec-websocket-accept:")]
        if accept != [want]:
            raise OSError("websocket handshake: bad Sec-WebSocket-Accept")

    def _fill(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("websocket read timed out")
        self.sock.settimeout(left)
        d = self.sock.recv(1 << 16)
        if not d:
            raise OSError("websocket closed by the peer")
        self.buf += d

    def _until(self, marker):
        deadline = time.monotonic() + self.timeout
        while marker not in self.buf:
            self._fill(deadline)
        head, self.buf = self.buf.split(marker, 1)
        return head

    def _take(self, n, deadline):
        while len(self.buf) < n:
            self._fill(deadline)
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def send_frame(self, opcode, payload):
        """One final frame, masked (a client must mask, section 5.3)."""
        n = len(payload)
        head = bytes([0x80 | opcode])
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 1 << 16:
            head += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            head += bytes([0x80 | 127]) + struct.pack(">Q", n)
        mask = os.urandom(4)
        body = bytes(b ^ mask[i & 3] for i, b in enumerate(payload))
        self.sock.settimeout(self.timeout)
        self.sock.sendall(head + mask + body)

    def send_text(self, text):
        self.send_frame(0x1, text.encode("utf-8"))

    def recv_message(self, timeout):
        """The next whole text or binary message (continuation frames
        joined); answers pings; raises on close or at the deadline."""
        deadline = time.monotonic() + timeout
        parts, first_op = [], None
        while True:
            b0, b1 = self._take(2, deadline)
            fin, op = b0 & 0x80, b0 & 0x0F
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._take(2, deadline))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._take(8, deadline))[0]
            mask = self._take(4, deadline) if b1 & 0x80 else None
            payload = self._take(n, deadline)
            if mask:  # a server must not mask; undo it all the same
                payload = bytes(b ^ mask[i & 3] for i, b in
                                enumerate(payload))
            if op == 0x9:  # ping
                self.send_frame(0xA, payload)
                continue
            if op == 0xA:  # pong
                continue
            if op == 0x8:
                raise OSError("websocket closed: %r" % payload[:2])
            if op in (0x1, 0x2):
                first_op, parts = op, [payload]
            elif op == 0x0 and first_op is not None:
                parts.append(payload)
            else:
                raise OSError("websocket: unexpected opcode %d" % op)
            if fin:
                data = b"".join(parts)
                return data.decode("utf-8") if first_op == 0x1 else data

    def close(self):
        try:
            self.send_frame(0x8, struct.pack(">H", 1000))
        except OSError:
            pass
        self.sock.close()


class Page:
    """A DevTools session on one target: commands and their results."""

    def __init__(self, url, timeout=30):
        self.ws = WebSocket(url, timeout)
        self.timeout = timeout
        self.next_id = 0
        self.events = []

    def call(self, method, timeout=None, **params):
        self.next_id += 1
        mid = self.next_id
        self.ws.send_text(json.dumps({"id": mid, "method": method,
                                      "params": params}))
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            msg = json.loads(self.ws.recv_message(
                max(0.001, deadline - time.monotonic())))
            if msg.get("id") == mid:
                if "error" in msg:
                    raise RuntimeError("%s: %s" % (method, msg["error"]))
                return msg.get("result", {})
            if "method" in msg and len(self.events) < 1000:
                self.events.append(msg)

    def evaluate(self, expr, timeout=None):
        """The value of a JavaScript expression (by value: JSON-able)."""
        r = self.call("Runtime.evaluate", timeout=timeout, expression=expr,
                      returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            raise RuntimeError("evaluate %s: %s" %
                               (expr, r["exceptionDetails"]))
        return r["result"].get("value")

    def screenshot(self, path):
        r = self.call("Page.captureScreenshot", format="png")
        with open(path, "wb") as f:
            f.write(base64.b64decode(r["data"]))
        return path

    def close(self):
        self.ws.close()


class Chromium:
    """chromium --headless=new in its own process group, with a temp
    profile in ws.tmp; stopped (the whole group) by stop() or by the
    workspace's cleanup."""

    def __init__(self, ws, timeout=30):
        self.port = free_port()
        self.profile = os.path.join(ws.tmp, "chromium-profile")
        os.makedirs(self.profile, exist_ok=True)
        self.log = open(os.path.join(ws.tmp, "chromium.out"), "ab")
        binary = shutil.which("chromium") or CHROMIUM
        self.proc = subprocess.Popen(
            [binary, "--headless=new", "--no-sandbox", "--disable-gpu",
             "--no-first-run", "--no-default-browser-check",
             "--disable-extensions", "--disable-background-networking",
             "--remote-debugging-address=127.0.0.1",
             "--remote-debugging-port=%d" % self.port,
             "--user-data-dir=" + self.profile, "about:blank"],
            stdout=self.log, stderr=self.log, stdin=subprocess.DEVNULL,
            start_new_session=True)
        ws.procs.append(self.proc)
        if not wait_until(lambda: self._json("/json/version") is not None
                          or self.proc.poll() is not None, timeout) or \
                self.proc.poll() is not None:
            self.stop()
            raise RuntimeError("chromium did not start: see %s" %
                               self.log.name)

    def _json(self, path):
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d%s" %
                                        (self.port, path), timeout=2) as r:
                return json.loads(r.read())
        except (OSError, ValueError):
            return None

    def page(self, timeout=30):
        """A session on the first page target (the about:blank tab)."""
        def first():
            for t in self._json("/json/list") or []:
                if t.get("type") == "page" and \
                        t.get("webSocketDebuggerUrl"):
                    return t["webSocketDebuggerUrl"]
            return None
        url = wait_until(first, timeout)
        if not url:
            raise RuntimeError("chromium: no page target")
        return Page(url, timeout)

    def stop(self):
        """TERM to the whole process group, KILL after 5 s."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # helpers left over
        except (ProcessLookupError, PermissionError):
            pass
        if self.proc.poll() is None:
            self.proc.wait(5)
        self.log.close()
