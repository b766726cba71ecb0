#!/bin/sh
# Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE.
# conffile.sh SAMPLE OUT: /etc/dlfcgi/dlfcgi.conf of the package, the
# annotated sample (etc/dlfcgi.conf) with Debian's values. Fails unless
# every line it replaces is found exactly once.
set -eu
in=$1
out=$2
tmp=$out.tmp

# sample line | Debian line
subst='root = "/srv/downloads";|root = "/srv/dlfcgi";
# listen_owner: not set|listen_owner = "dlfcgi";
# listen_group: not set|listen_group = "www-data";
# user: not set|user = "dlfcgi";
# group: not set|group = "dlfcgi";
# access_log: not set|access_log = "/var/log/dlfcgi/access.log";'

{
	echo '# Debian: dlfcgi.service starts dlfcgi as root; it creates the'
	echo '# socket below (group www-data, the web servers of Debian), then'
	echo '# runs as the system user dlfcgi. Files to serve go in /srv/dlfcgi.'
	echo '# See /usr/share/doc/dlfcgi/README.Debian.'
	echo '#'
	cat "$in"
} >"$tmp"
printf '%s\n' "$subst" | while IFS='|' read -r from to; do
	n=$(grep -cxF -- "$from" "$tmp" || true)
	if [ "$n" != 1 ]; then
		echo "conffile.sh: $in: \"$from\" found $n times, not once" >&2
		rm -f "$tmp"
		exit 1
	fi
	awk -v from="$from" -v to="$to" '$0 == from { $0 = to } { print }' \
	    "$tmp" >"$tmp.new"
	mv "$tmp.new" "$tmp"
done
grep -qxF 'listen = "unix:/run/dlfcgi/dlfcgi.sock";' "$tmp" || {
	echo "conffile.sh: $in: no listen = \"unix:/run/dlfcgi/dlfcgi.sock\";" >&2
	rm -f "$tmp"
	exit 1
}
mv "$tmp" "$out"
