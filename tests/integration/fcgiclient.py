# Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE.
"""The one harness of dlfcgi's integration and fault tests (every
tests/integration/*.test and tests/faults/*.test imports it):

- a FastCGI client that talks to dlfcgi's socket directly, as a web
  server would, so a test can set REMOTE_ADDR, stall, stop reading or
  send hostile records (record, request_bytes, get, read_response);
- TAP output (TAP) and bounded waiting (wait_until);
- the daemon under test in a private temp dir, stopped by PID
  (Workspace, Dlfcgi), and /proc readings of it (children, descendants,
  fd_count, rss_kib);
- the fault shim (fault_env, fault_set, fault_clear, fault_hits);
- real web servers in front of it: nginx, lighttpd and Apache, each with
  its own config, logs and temp dirs in the test's temp dir, bound to
  127.0.0.1, stopped by PID (nginx, lighttpd, apache); a missing server
  fails the test (CI installs them), nothing is skipped silently;
- HTTP clients: curl (curl, curl_http, curl_sha), aria2c, and a raw
  HTTP/1.0 request (raw_http).

Environment: DLFCGI (the binary under test), DLFCGI_FAULT_LIB (the fault
shim), top_srcdir (set by automake's AM_TESTS_ENVIRONMENT; defaults from
here); KEEP_TMP=1 keeps a test's temp dir.
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

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
SRC = os.environ.get("top_srcdir", TOP)

# Keep curl and friends away from any proxy the environment may name.
for _v in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY",
           "all_proxy", "ALL_PROXY"):
    os.environ.pop(_v, None)
os.environ["no_proxy"] = os.environ["NO_PROXY"] = "*"


def record(rtype, rid, content=b"", pad=0):
    return struct.pack(">BBHHBB", 1, rtype, rid, len(content), pad, 0) + \
        content + b"\0" * pad


def pair(name, value):
    def ln(x):
        return bytes([x]) if x < 128 else struct.pack(">I", x | 0x80000000)
    return ln(len(name)) + ln(len(value)) + name + value


def request_bytes(params, rid=1, keep=False):
    """keep: FCGI_KEEP_CONN in BEGIN_REQUEST's flags."""
    body = b"".join(pair(k.encode(), v if isinstance(v, bytes) else
                         v.encode()) for k, v in params.items())
    out = record(BEGIN, rid, struct.pack(">HB5x", 1, 1 if keep else 0))
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


def descendants(pid):
    """pid and all its descendants (a master's workers), from /proc."""
    out = [pid]
    try:
        tasks = os.listdir("/proc/%d/task" % pid)
    except OSError:
        tasks = []
    for t in tasks:
        try:
            with open("/proc/%d/task/%s/children" % (pid, t)) as f:
                kids = [int(x) for x in f.read().split()]
        except OSError:
            kids = []
        for k in kids:
            out += descendants(k)
    return out


def alive(pid):
    """pid exists and is not a zombie."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("State:"):
                    return "Z" not in line.split()[1]
    except OSError:
        return False
    return True


def rss_kib(pid):
    """Sum of VmRSS (KiB) of pid and its descendants."""
    return sum(max(status_field(p, "VmRSS"), 0) for p in descendants(pid))


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
        # where a client connects: a unix socket's path, or (host, port)
        # when conf["listen"] is a TCP address
        self.sock = os.path.join(tmp, name + ".sock")
        self.port = None
        listen = conf.get("listen")
        if listen is not None and listen.startswith("unix:"):
            self.sock = listen[len("unix:"):]
        elif listen is not None:
            host, port = listen.rsplit(":", 1)
            self.port = int(port)
            self.sock = (host.strip("[]"), self.port)
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
        text = ""
        if "listen" not in conf:
            text += 'listen = "unix:%s";\n' % os.path.join(
                self.tmp, os.path.basename(self.conf_path)[:-5] + ".sock")
        if "error_log" not in conf:
            text += 'error_log = "stderr";\n'
        for k, v in conf.items():
            if isinstance(v, bool):
                v = "true" if v else "false"
            elif isinstance(v, (list, tuple)):
                v = "[%s]" % ", ".join('"%s"' % x for x in v)
            elif isinstance(v, str):
                v = '"%s"' % v
            text += "%s = %s;\n" % (k, v)
        with open(self.conf_path, "w") as f:
            f.write(text)

    def wait_ready(self, workers, timeout=10):
        def ready():
            if isinstance(self.sock, str) and not os.path.exists(self.sock):
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

    def log_mark(self):
        """Where the log ends now: wait_log(..., since=mark) then looks
        only at what was written after it."""
        return len(self.log_text())

    def wait_log(self, text, timeout, since=0):
        """Bounded wait for text in the log (after since). dlfcgi logs a
        request after its answer has gone: a client can have the answer
        before the line exists, and an earlier request's line must not
        stand in for it, hence since."""
        return wait_until(lambda: text in self.log_text()[since:], timeout)

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
        if os.environ.get("KEEP_TMP"):
            print("# kept %s" % self.tmp, flush=True)
        else:
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


# ---------------------------------------------------- real web servers

def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def port_open(port):
    try:
        socket.create_connection(("127.0.0.1", port), 0.5).close()
        return True
    except OSError:
        return False


def need(path):
    if not os.path.exists(path):
        raise RuntimeError("%s is missing: install it (tests/run.sh does)"
                           % path)


class Server:
    def __init__(self, ws, argv, port, name):
        self.port = port
        self.log = open(os.path.join(ws.tmp, name + ".out"), "ab")
        self.proc = subprocess.Popen(argv, stdout=self.log,
                                     stderr=self.log)
        ws.procs.append(self.proc)
        if not wait_until(lambda: port_open(port) or
                          self.proc.poll() is not None, 10) or \
                self.proc.poll() is not None:
            raise RuntimeError("%s did not start: see %s" %
                               (name, self.log.name))

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def nginx(ws, http_conf, name="nginx", user="www-data"):
    """nginx with http_conf inside http { }; its server listens on the
    port this returns through .port (http_conf uses {port})."""
    need("/usr/sbin/nginx")
    d = os.path.join(ws.tmp, name)
    os.makedirs(d, exist_ok=True)
    port = free_port()
    conf = os.path.join(d, "nginx.conf")
    with open(conf, "w") as f:
        f.write("""daemon off;
user %(user)s;
worker_processes 1;
pid %(d)s/nginx.pid;
error_log %(d)s/error.log info;
events { worker_connections 1024; }
http {
    access_log %(d)s/access.log;
    client_body_temp_path %(d)s/client_temp;
    fastcgi_temp_path %(d)s/fastcgi_temp;
    proxy_temp_path %(d)s/proxy_temp;
    uwsgi_temp_path %(d)s/uwsgi_temp;
    scgi_temp_path %(d)s/scgi_temp;
    types { application/octet-stream bin; }
%(http)s
}
""" % {"d": d, "user": user, "http": http_conf.replace("{port}", str(port))})
    s = Server(ws, ["/usr/sbin/nginx", "-c", conf, "-p", d], port, name)
    s.dir = d
    return s


def nginx_contrib(ws, upstreams, name="nginx",
                  contrib="contrib/nginx/dlfcgi.conf"):
    """contrib/nginx/dlfcgi.conf (or contrib) itself, pointed at the
    test's sockets, port and root (/srv/downloads)."""
    with open(os.path.join(SRC, contrib)) as f:
        text = f.read().replace("/srv/downloads", ws.root)
    servers = "".join("\tserver %s;\n" % u for u in upstreams)
    text = text.replace("\tserver unix:/run/dlfcgi/dlfcgi.sock;\n", servers)
    text = text.replace("listen 127.0.0.1:8080;", "listen 127.0.0.1:{port};")
    text = text.replace("include fastcgi_params;",
                        "include /etc/nginx/fastcgi_params;")
    return nginx(ws, text, name)


def lighttpd(ws, fastcgi_server, name="lighttpd", extra=""):
    """lighttpd with mod_fastcgi; fastcgi_server is the value of
    fastcgi.server. Streams (server.stream-response-body = 2)."""
    need("/usr/sbin/lighttpd")
    d = os.path.join(ws.tmp, name)
    os.makedirs(os.path.join(d, "www"), exist_ok=True)
    port = free_port()
    conf = os.path.join(d, "lighttpd.conf")
    with open(conf, "w") as f:
        f.write("""server.document-root = "%(d)s/www"
server.bind = "127.0.0.1"
server.port = %(port)d
server.errorlog = "%(d)s/error.log"
server.upload-dirs = ( "%(d)s" )
server.modules = ( "mod_fastcgi" )
server.stream-response-body = 2
fastcgi.server = %(fcgi)s
%(extra)s
""" % {"d": d, "port": port, "fcgi": fastcgi_server, "extra": extra})
    s = Server(ws, ["/usr/sbin/lighttpd", "-D", "-f", conf, "-m",
                    "/usr/lib/lighttpd"], port, name)
    s.dir = d
    return s


def apache(ws, body, name="apache"):
    """Apache 2.4 (mpm_event) with body appended to a minimal config;
    workers run as www-data."""
    need("/usr/sbin/apache2")
    d = os.path.join(ws.tmp, name)
    os.makedirs(os.path.join(d, "www"), exist_ok=True)
    port = free_port()
    mods = "/usr/lib/apache2/modules"
    conf = os.path.join(d, "apache2.conf")
    with open(conf, "w") as f:
        f.write("""ServerRoot "%(d)s"
ServerName 127.0.0.1
Listen 127.0.0.1:%(port)d
PidFile %(d)s/httpd.pid
ErrorLog %(d)s/error.log
LogLevel warn
Mutex file:%(d)s default
DefaultRuntimeDir %(d)s
User www-data
Group www-data
LoadModule mpm_event_module %(m)s/mod_mpm_event.so
LoadModule authz_core_module %(m)s/mod_authz_core.so
LoadModule alias_module %(m)s/mod_alias.so
LoadModule mime_module %(m)s/mod_mime.so
TypesConfig /etc/mime.types
DocumentRoot "%(d)s/www"
%(body)s
""" % {"d": d, "port": port, "m": mods, "body": body})
    s = Server(ws, ["/usr/sbin/apache2", "-f", conf, "-DFOREGROUND"],
               port, name)
    s.dir = d
    return s


def curl(url, *args, timeout=120):
    """curl to stdout; returns (exit code, stdout bytes)."""
    p = subprocess.run(["curl", "-sS", "--max-time", str(timeout)] +
                       list(args) + [url], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, timeout=timeout + 10)
    return p.returncode, p.stdout


def curl_sha(url, *args, timeout=300):
    """Streams the body into sha256 without keeping it."""
    p1 = subprocess.Popen(["curl", "-sS", "--fail", "--max-time",
                           str(timeout)] + list(args) + [url],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = subprocess.run(["sha256sum"], stdin=p1.stdout,
                         stdout=subprocess.PIPE, timeout=timeout + 10)
    p1.stdout.close()
    rc = p1.wait(timeout + 10)
    return rc, out.stdout.split()[0].decode()


def aria2c(url, outdir, name, conns=16):
    need("/usr/bin/aria2c")
    p = subprocess.run(["aria2c", "-q", "-x", str(conns), "-s", str(conns),
                        "-k", "1M", "--allow-overwrite=true",
                        "--auto-file-renaming=false", "--file-allocation=none",
                        "-d", outdir, "-o", name, url],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=300)
    return p.returncode


def copy_tree_readable(path):
    """The test dir must be readable by www-data (servers drop root)."""
    os.chmod(path, 0o755)


class HttpReply:
    """What curl_http got: status (0 if none), curl's exit status, the
    headers (lower-case names, the last value of each, as a shell
    `header` of a curl -D dump would say), the body bytes."""

    def __init__(self, code, rc, headers, body):
        self.code = code
        self.rc = rc
        self.headers = headers
        self.body = body

    def header(self, name):
        return self.headers.get(name.lower(), "")


def parse_header_dump(text):
    """Header lines of a curl -D dump (or of a raw reply), CR stripped:
    {lower-case name: last value}."""
    headers = {}
    for line in text.replace("\r", "").split("\n"):
        name, sep, value = line.partition(":")
        if sep and " " not in name:
            headers[name.strip().lower()] = value.strip()
    return headers


def curl_http(ws, url, *args, timeout=20, name="curl"):
    """curl -sS --max-time timeout -D ... -o ... url: the whole reply
    (HttpReply); the dump and body stay in ws.tmp/name.h and name.b."""
    hfile = os.path.join(ws.tmp, name + ".h")
    bfile = os.path.join(ws.tmp, name + ".b")
    for p in (hfile, bfile):
        open(p, "wb").close()
    with open(os.path.join(ws.tmp, "curl.err"), "ab") as err:
        p = subprocess.run(["curl", "-sS", "--max-time", str(timeout),
                            "-D", hfile, "-o", bfile, "-w", "%{http_code}"] +
                           list(args) + [url], stdout=subprocess.PIPE,
                           stderr=err, timeout=timeout + 10)
    with open(hfile, "rb") as f:
        headers = parse_header_dump(f.read().decode(errors="replace"))
    with open(bfile, "rb") as f:
        body = f.read()
    out = p.stdout.decode(errors="replace").strip()
    return HttpReply(int(out) if out.isdigit() else 0, p.returncode,
                     headers, body)


def raw_http(port, method, path, timeout=10):
    """One HTTP/1.0 request on a plain socket to 127.0.0.1:port; the
    whole reply, byte for byte (curl would not show a HEAD body)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    out = b""
    end = time.monotonic() + timeout
    try:
        s.sendall(("%s %s HTTP/1.0\r\nHost: 127.0.0.1\r\n"
                   "Connection: close\r\n\r\n" % (method, path)).encode())
        while time.monotonic() < end:
            d = s.recv(1 << 16)
            if not d:
                break
            out += d
    finally:
        s.close()
    return out
