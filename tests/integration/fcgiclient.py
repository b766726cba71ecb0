"""A small FastCGI client and test harness for dlfcgi's integration tests.

It talks to dlfcgi's socket directly, as a web server would, so a test
can set REMOTE_ADDR, stall, stop reading or send hostile records.
"""

import hashlib
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

BEGIN, ABORT, END, PARAMS, STDIN, STDOUT, STDERR = 1, 2, 3, 4, 5, 6, 7


def record(rtype, rid, content=b"", pad=0):
    return struct.pack(">BBHHBB", 1, rtype, rid, len(content), pad, 0) + \
        content + b"\0" * pad


def pair(name, value):
    def ln(x):
        return bytes([x]) if x < 128 else struct.pack(">I", x | 0x80000000)
    return ln(len(name)) + ln(len(value)) + name + value


def request_bytes(params, rid=1):
    body = b"".join(pair(k.encode(), v.encode()) for k, v in params.items())
    out = record(BEGIN, rid, struct.pack(">HB5x", 1, 0))
    for i in range(0, len(body), 65535):
        out += record(PARAMS, rid, body[i:i + 65535])
    return out + record(PARAMS, rid) + record(STDIN, rid)


def connect(addr, timeout=30):
    if isinstance(addr, tuple):
        s = socket.create_connection(addr, timeout=timeout)
    else:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        s.connect(addr)
    return s


class Response:
    def __init__(self):
        self.status = None
        self.headers = {}
        self.body_len = 0
        self.sha = hashlib.sha256()
        self.complete = False  # END_REQUEST seen
        self.error = None
        self.head = b""


def read_response(s, max_body=None, keep_body=False):
    """Reads records until END_REQUEST or EOF; hashes the body."""
    r = Response()
    buf = b""
    body_started = False
    keep = bytearray()
    try:
        while True:
            while len(buf) >= 8:
                ver, rtype, rid, clen, plen, _ = struct.unpack(">BBHHBB",
                                                               buf[:8])
                if len(buf) < 8 + clen + plen:
                    break
                content = buf[8:8 + clen]
                buf = buf[8 + clen + plen:]
                if rtype == END:
                    r.complete = True
                    return r
                if rtype != STDOUT:
                    continue
                if not body_started:
                    r.head += content
                    if b"\r\n\r\n" in r.head:
                        head, rest = r.head.split(b"\r\n\r\n", 1)
                        r.head = head
                        for line in head.split(b"\r\n"):
                            k, _, v = line.decode().partition(":")
                            r.headers[k.strip().lower()] = v.strip()
                        r.status = int(r.headers.get("status", "200")[:3])
                        body_started = True
                        content = rest
                    else:
                        continue
                r.body_len += len(content)
                r.sha.update(content)
                if keep_body:
                    keep += content
                if max_body is not None and r.body_len >= max_body:
                    return r
            d = s.recv(1 << 20)
            if not d:
                return r
            buf += d
    except OSError as e:
        r.error = e
        return r
    finally:
        r.body = bytes(keep)


def get(addr, path, client="127.0.0.1", method="GET", extra=None,
        timeout=60, keep_body=False):
    params = {"REQUEST_METHOD": method, "PATH_INFO": path,
              "REMOTE_ADDR": client, "SERVER_PROTOCOL": "HTTP/1.1"}
    params.update(extra or {})
    s = connect(addr, timeout)
    try:
        s.sendall(request_bytes(params))
        return read_response(s, keep_body=keep_body)
    finally:
        s.close()


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            b = f.read(1 << 20)
            if not b:
                return h.hexdigest()
            h.update(b)


class TAP:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, desc):
        self.n += 1
        if not cond:
            self.failed += 1
        print("%sok %d - %s" % ("" if cond else "not ", self.n, desc),
              flush=True)
        return cond

    def comment(self, msg):
        print("# " + msg, flush=True)

    def done(self):
        print("1..%d" % self.n, flush=True)
        sys.exit(1 if self.failed else 0)


def wait_until(pred, timeout, step=0.02):
    """Polls pred() until true or timeout seconds: bounded."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()


def children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def fd_count(pid):
    try:
        return len(os.listdir("/proc/%d/fd" % pid))
    except OSError:
        return -1


def status_field(pid, field):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1


class Dlfcgi:
    """One dlfcgi under test, in its own temp dir, stopped by PID."""

    def __init__(self, tmp, conf, name="dlfcgi", flags=("-f",), env=None):
        self.tmp = tmp
        self.conf_path = os.path.join(tmp, name + ".conf")
        self.log_path = os.path.join(tmp, name + ".log")
        self.sock = os.path.join(tmp, name + ".sock")
        self.write_conf(conf)
        binary = os.environ.get("DLFCGI") or os.path.join(
            os.path.dirname(os.path.abspath(__file__)), "../../src/dlfcgi")
        self.log = open(self.log_path, "ab")
        full_env = dict(os.environ)
        full_env.update(env or {})
        self.proc = subprocess.Popen([binary] + list(flags) +
                                     ["-c", self.conf_path],
                                     stdout=self.log, stderr=self.log,
                                     env=full_env)
        self.pid = self.proc.pid

    def write_conf(self, conf):
        text = 'listen = "unix:%s";\n' % os.path.join(
            self.tmp, os.path.basename(self.conf_path)[:-5] + ".sock")
        if "error_log" not in conf:
            text += 'error_log = "stderr";\n'
        for k, v in conf.items():
            if isinstance(v, bool):
                v = "true" if v else "false"
            elif isinstance(v, str):
                v = '"%s"' % v
            text += "%s = %s;\n" % (k, v)
        with open(self.conf_path, "w") as f:
            f.write(text)

    def wait_ready(self, workers, timeout=10):
        def ready():
            if not os.path.exists(self.sock):
                return False
            if workers and len(children(self.pid)) < workers:
                return False
            try:
                connect(self.sock, 1).close()
                return True
            except OSError:
                return False
        return wait_until(ready, timeout)

    def workers(self):
        return children(self.pid)

    def log_text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def wait_log(self, text, timeout):
        return wait_until(lambda: text in self.log_text(), timeout)

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode


class Workspace:
    """A temp dir with a docroot; removed, with every process, at exit."""

    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="dlfcgi-test-")
        self.root = os.path.join(self.tmp, "root")
        os.mkdir(self.root)
        self.daemons = []
        self.procs = []

    def file(self, name, size, sparse=False):
        path = os.path.join(self.root, name)
        with open(path, "wb") as f:
            if sparse:
                f.truncate(size)
                f.seek(0)
                f.write(b"head")
                f.seek(size - 4)
                f.write(b"tail")
            else:
                left = size
                block = os.urandom(1 << 20)
                while left > 0:
                    f.write(block[:min(left, len(block))])
                    left -= min(left, len(block))
        return path

    def dlfcgi(self, conf, name="dlfcgi", flags=("-f",), env=None):
        conf = dict(conf)
        conf.setdefault("root", self.root)
        d = Dlfcgi(self.tmp, conf, name, flags, env)
        self.daemons.append(d)
        return d

    def cleanup(self):
        """TERM, then KILL after 5 s, for every process still running:
        a master stopped by TERM stops its workers too."""
        procs = self.procs + [d.proc for d in self.daemons]
        for p in procs:
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)


def skip_under_asan(why="fault injection runs in the release build only"):
    """Fault tests preload a shim, which ASan's runtime does not allow
    before itself: they run once, in the release build."""
    if os.environ.get("DLFCGI_ASAN"):
        print("1..0 # SKIP %s" % why, flush=True)
        sys.exit(0)


def fault_env(ws):
    """(env, fault_dir) for a daemon with the fault shim preloaded:
    while fault_dir/NAME exists, NAME (fork, pipe2, accept4, openat2,
    malloc) fails with the errno its first word names; every injected
    failure appends a byte to fault_dir/NAME.hits (tests/faults/fault.c).
    """
    lib = os.environ.get("DLFCGI_FAULT_LIB") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "../faults/libfault.so")
    if not os.path.exists(lib):
        print("Bail out! no fault shim at %s" % lib, flush=True)
        sys.exit(1)
    fdir = os.path.join(ws.tmp, "faults")
    os.makedirs(fdir, exist_ok=True)
    return {"LD_PRELOAD": lib, "FAULT_DIR": fdir}, fdir


def fault_set(fdir, name, text):
    """Turns the fault NAME on (text: "EAGAIN", "ENOMEM 8388608")."""
    with open(os.path.join(fdir, name), "w") as f:
        f.write(text + "\n")


def fault_clear(fdir, name):
    try:
        os.unlink(os.path.join(fdir, name))
    except FileNotFoundError:
        pass


def fault_hits(fdir, name):
    """How many times the fault NAME was injected so far."""
    try:
        return os.path.getsize(os.path.join(fdir, name + ".hits"))
    except OSError:
        return 0


def quiet_fd_count(pid, timeout=3):
    """The descriptor count once it has stayed the same for 10 samples
    (a worker closes a connection just after the client saw its end)."""
    end = time.monotonic() + timeout
    last, same = fd_count(pid), 0
    while time.monotonic() < end and same < 10:
        time.sleep(0.02)
        n = fd_count(pid)
        same = same + 1 if n == last else 0
        last = n
    return last
