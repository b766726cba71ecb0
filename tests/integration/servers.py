"""Real web servers for dlfcgi's deployment tests: nginx, lighttpd and
Apache, each with its own config, logs and temp dirs in the test's temp
dir, bound to 127.0.0.1, stopped by PID. A missing server fails the test
(CI installs them); nothing is skipped silently."""

import os
import shutil
import socket
import subprocess

from fcgiclient import wait_until

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
SRC = os.environ.get("top_srcdir", TOP)


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


def nginx_contrib(ws, upstreams, name="nginx"):
    """contrib/nginx/dlfcgi.conf itself, pointed at the test's sockets."""
    with open(os.path.join(SRC, "contrib/nginx/dlfcgi.conf")) as f:
        text = f.read()
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


__all__ = ["nginx", "nginx_contrib", "lighttpd", "apache", "curl",
           "curl_sha", "aria2c", "free_port", "copy_tree_readable", "TOP",
           "SRC", "need", "shutil"]
