/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
// gofcgi: the Go comparison target of contrib/bench/run.sh.
//
// A FastCGI download backend written the idiomatic Go way, standard
// library only: net/http/fcgi on a unix socket, the file named by the
// request path below -root, sent with http.ServeContent (Content-Type,
// Content-Length, Last-Modified, Range and conditional requests).
//
// net/http/fcgi builds the request from REQUEST_URI and does not pass
// PATH_INFO on (fcgi.ProcessEnv leaves it out), so the URL prefix of
// the nginx location is given with -prefix and stripped: /d/a.bin with
// -prefix /d is the file a.bin, exactly what PATH_INFO would name.
//
//	gofcgi -root DIR -listen /path/to.sock -prefix /d
package main

import (
	"flag"
	"log"
	"net"
	"net/http"
	"net/http/fcgi"
	"os"
	"os/signal"
	"path"
	"path/filepath"
	"strings"
	"syscall"
)

func main() {
	root := flag.String("root", "", "directory served (required)")
	sock := flag.String("listen", "", "unix socket path to create (required)")
	prefix := flag.String("prefix", "", "URL prefix to strip (the nginx location)")
	flag.Parse()
	if *root == "" || *sock == "" {
		flag.Usage()
		os.Exit(2)
	}
	base, err := filepath.Abs(*root)
	if err != nil {
		log.Fatal(err)
	}

	_ = os.Remove(*sock) // a stale socket from an earlier run
	l, err := net.Listen("unix", *sock)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.Chmod(*sock, 0660); err != nil {
		log.Fatal(err)
	}

	// TERM and INT: close the listener (which removes the socket file),
	// so that fcgi.Serve returns.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-sig
		l.Close()
	}()

	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		rel := strings.TrimPrefix(r.URL.Path, *prefix)
		// path.Clean of a rooted path never climbs above "/".
		rel = path.Clean("/" + rel)
		if rel == "/" || strings.Contains(rel, "/.") {
			http.NotFound(w, r)
			return
		}
		f, err := os.Open(filepath.Join(base, filepath.FromSlash(rel)))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer f.Close()
		fi, err := f.Stat()
		if err != nil || !fi.Mode().IsRegular() {
			http.NotFound(w, r)
			return
		}
		http.ServeContent(w, r, fi.Name(), fi.ModTime(), f)
	})

	log.Printf("gofcgi serving %s on unix:%s", base, *sock)
	if err := fcgi.Serve(l, h); err != nil && !strings.Contains(err.Error(), "use of closed") {
		log.Fatal(err)
	}
	log.Printf("gofcgi stopped")
}
