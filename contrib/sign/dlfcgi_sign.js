#!/usr/bin/env node
// Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE.
// Signed dlfcgi links, version 1 (dlfcgi(8), SIGNED LINKS): the same
// link dlfcgi-sign(1) prints. Use signLink() from your application, or:
//   node dlfcgi_sign.js KEYFILE KID PATH EXP [nbf=N] [ip=A] [pfx=P] [dl=NAME] [rate=N]
'use strict';
const crypto = require('crypto');

// The path as dlfcgi compares it: one leading '/', no empty or '.'
// component; a prefix ends in '/'.
function normalize(path, prefix = false) {
  const parts = path.split('/').filter((c) => c !== '' && c !== '.');
  if (parts.includes('..') || path.includes('\0'))
    throw new Error(`refused path ${path}`);
  const out = '/' + parts.join('/');
  return prefix && !out.endsWith('/') ? out + '/' : out;
}

// Everything but RFC 3986 unreserved characters, as %XX.
const esc = (s) => encodeURIComponent(s).replace(/[!'()*]/g,
  (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

// Path and query of a link to path (key: a Buffer). With o.pfx the link
// is good for every file below it, and path ('': o.pfx itself) is the
// one it is written for. o: { nbf, ip, pfx, dl, rate }, all optional.
function signLink(key, kid, path, exp, o = {}) {
  const pfx = o.pfx ? normalize(o.pfx, true) : '';
  path = path !== '' || pfx === '' ? normalize(path) : pfx;
  if (!path.startsWith(pfx)) throw new Error(`${path} is not below ${pfx}`);
  const num = (v) => (v === undefined || v === null ? '' : String(BigInt(v)));
  const fields = ['dlfcgi-sign-1', pfx ? '' : path, pfx, num(exp),
    num(o.nbf), kid, o.ip || '', o.dl || '', num(o.rate)];
  const sig = crypto.createHmac('sha256', key)
    .update(fields.map((f) => f + '\0').join(''), 'utf8').digest('base64url');
  const q = [['exp', num(exp)], ['nbf', num(o.nbf)], ['kid', kid],
    ['ip', o.ip || ''], ['pfx', pfx], ['dl', o.dl || ''],
    ['rate', num(o.rate)], ['sig', sig]];
  return path.split('/').map(esc).join('/') + '?' +
    q.filter(([, v]) => v !== '').map(([n, v]) => `${n}=${esc(v)}`).join('&');
}

module.exports = { signLink, normalize };

if (require.main === module) {
  const a = process.argv.slice(2);
  if (a.length < 4) {
    console.error('usage: node dlfcgi_sign.js KEYFILE KID PATH EXP [name=value ...]');
    process.exit(1);
  }
  const o = {};
  for (const kv of a.slice(4)) {
    const i = kv.indexOf('=');
    o[kv.slice(0, i)] = kv.slice(i + 1);
  }
  console.log(signLink(require('fs').readFileSync(a[0]), a[1], a[2], a[3], o));
}
