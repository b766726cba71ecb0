// Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE.

// Signed dlfcgi links, version 1 (dlfcgi(8), SIGNED LINKS): the same
// link dlfcgi-sign(1) prints. Copy SignLink into your application, or:
//
//	go run dlfcgi_sign.go KEYFILE KID PATH EXP [nbf=N] [ip=A] [pfx=P] [dl=NAME] [rate=N]
package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Normalize gives the path as dlfcgi compares it: one leading '/', no
// empty or '.' component; a prefix ends in '/'.
func Normalize(path string, prefix bool) (string, error) {
	var parts []string
	for _, c := range strings.Split(path, "/") {
		if c == ".." || strings.Contains(c, "\x00") {
			return "", errors.New("refused path " + path)
		}
		if c != "" && c != "." {
			parts = append(parts, c)
		}
	}
	out := "/" + strings.Join(parts, "/")
	if prefix && !strings.HasSuffix(out, "/") {
		out += "/"
	}
	return out, nil
}

// escape keeps RFC 3986 unreserved characters (and '/' in a path).
func escape(s string, path bool) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte("-._~", c) >= 0 || path && c == '/' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// Params are the optional signed parameters; "" leaves one out.
type Params struct{ Nbf, IP, Pfx, Dl, Rate string }

// SignLink returns the path and query of a link to path. With p.Pfx the
// link is good for every file below it, and path ("": p.Pfx itself) is
// the one it is written for. exp, Nbf and Rate are decimal numbers.
func SignLink(key []byte, kid, path string, exp int64, p Params) (string, error) {
	var err error
	if p.Pfx != "" {
		if p.Pfx, err = Normalize(p.Pfx, true); err != nil {
			return "", err
		}
	}
	if path != "" || p.Pfx == "" {
		if path, err = Normalize(path, false); err != nil {
			return "", err
		}
	} else {
		path = p.Pfx
	}
	if !strings.HasPrefix(path, p.Pfx) {
		return "", errors.New(path + " is not below " + p.Pfx)
	}
	signed := path
	if p.Pfx != "" {
		signed = ""
	}
	e := strconv.FormatInt(exp, 10)
	fields := []string{"dlfcgi-sign-1", signed, p.Pfx, e, p.Nbf, kid, p.IP, p.Dl, p.Rate}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(strings.Join(fields, "\x00") + "\x00"))
	sig := base64.RawURLEncoding.EncodeToString(m.Sum(nil))
	q := [][2]string{{"exp", e}, {"nbf", p.Nbf}, {"kid", kid}, {"ip", p.IP},
		{"pfx", p.Pfx}, {"dl", p.Dl}, {"rate", p.Rate}, {"sig", sig}}
	var pairs []string
	for _, kv := range q {
		if kv[1] != "" {
			pairs = append(pairs, kv[0]+"="+escape(kv[1], false))
		}
	}
	return escape(path, true) + "?" + strings.Join(pairs, "&"), nil
}

func main() {
	if len(os.Args) < 5 {
		fmt.Fprintln(os.Stderr, "usage: go run dlfcgi_sign.go KEYFILE KID PATH EXP [name=value ...]")
		os.Exit(1)
	}
	key, err := os.ReadFile(os.Args[1])
	exp, err2 := strconv.ParseInt(os.Args[4], 10, 64)
	if err == nil {
		err = err2
	}
	o := map[string]string{}
	for _, a := range os.Args[5:] {
		n, v, _ := strings.Cut(a, "=")
		o[n] = v
	}
	link := ""
	if err == nil {
		link, err = SignLink(key, os.Args[2], os.Args[3], exp,
			Params{o["nbf"], o["ip"], o["pfx"], o["dl"], o["rate"]})
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(link)
}
