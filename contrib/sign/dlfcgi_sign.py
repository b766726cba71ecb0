#!/usr/bin/env python3
# Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE.
"""Signed dlfcgi links, version 1 (dlfcgi(8), SIGNED LINKS): the same
link dlfcgi-sign(1) prints. Use sign_link() from your application, or:
  dlfcgi_sign.py KEYFILE KID PATH EXP [nbf=N] [ip=A] [pfx=P] [dl=NAME] [rate=N]
"""
import base64
import hashlib
import hmac
import sys
from urllib.parse import quote


def normalize(path, prefix=False):
    """The path as dlfcgi compares it: one leading '/', no empty or '.'
    component; a prefix ends in '/'."""
    parts = [c for c in path.split("/") if c not in ("", ".")]
    if ".." in parts or "\0" in path:
        raise ValueError("refused path %r" % path)
    out = "/" + "/".join(parts)
    return out + "/" if prefix and not out.endswith("/") else out


def sign_link(key, kid, path, exp, nbf=None, ip="", pfx="", dl="",
              rate=None):
    """Path and query of a link to path (key: bytes). With pfx the link
    is good for every file below pfx, and path ("": pfx itself) is the
    one it is written for."""
    pfx = normalize(pfx, True) if pfx else ""
    path = normalize(path) if path or not pfx else pfx
    if not path.startswith(pfx):
        raise ValueError("%s is not below %s" % (path, pfx))
    num = (lambda v: "" if v is None else str(int(v)))
    fields = ["dlfcgi-sign-1", "" if pfx else path, pfx, num(exp), num(nbf),
              kid, ip, dl, num(rate)]
    msg = "".join(f + "\0" for f in fields).encode()
    mac = hmac.new(key, msg, hashlib.sha256).digest()
    sig = base64.urlsafe_b64encode(mac).rstrip(b"=").decode()
    q = [("exp", num(exp)), ("nbf", num(nbf)), ("kid", kid), ("ip", ip),
         ("pfx", pfx), ("dl", dl), ("rate", num(rate)), ("sig", sig)]
    return quote(path, safe="/") + "?" + "&".join(
        n + "=" + quote(v, safe="") for n, v in q if v != "")


if __name__ == "__main__":
    if len(sys.argv) < 5:
        sys.exit(__doc__.split("or:\n")[1])
    with open(sys.argv[1], "rb") as f:
        key = f.read()
    opt = dict(a.split("=", 1) for a in sys.argv[5:])
    print(sign_link(key, sys.argv[2], sys.argv[3], int(sys.argv[4]),
                    nbf=opt.get("nbf"), ip=opt.get("ip", ""),
                    pfx=opt.get("pfx", ""), dl=opt.get("dl", ""),
                    rate=opt.get("rate")))
