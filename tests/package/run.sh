#!/usr/bin/env bash
# Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE.
# The Debian package, end to end, on a Debian 12 machine (as root; the
# last step of tests/run.sh, on its own: `tests/package/run.sh`):
#  - `make dist` of a copy of the checkout is the .orig.tar.gz; with
#    debian/ added, dpkg-buildpackage -us -uc builds the source and the
#    binary package (DEB_BUILD_OPTIONS=nocheck: CI runs the suites);
#  - lintian on both: no error, no warning;
#  - configure.ac's version = the package's upstream version = dlfcgi -V;
#  - apt-get install ./dlfcgi_*.deb, twice (reinstall): the files, the
#    user, /var/log/dlfcgi, /run/dlfcgi; the installed postinst, run again
#    as on a systemd host: policy-rc.d forbidding (exit 101), nothing is
#    started; allowing, the service is started (install) or restarted
#    (upgrade);
#  - dlfcgi -t on the shipped config; the installed dlfcgi started with
#    it as dlfcgi.service would, behind nginx with the installed snippet
#    (examples/nginx/dlfcgi.conf) on 127.0.0.1:8080; curl downloads;
#  - an edited conffile, then an upgrade to a rebuilt package with
#    another version; the edit is kept;
#  - remove keeps /etc/dlfcgi and the logs; purge leaves nothing (the
#    user dlfcgi is kept, as Debian does; this test removes it after if
#    it made it).
# No systemd runs here: a stand-in systemctl (first in PATH) records
# what the maintainer scripts ask for; /run/systemd/system exists only
# while one runs. Everything it starts is stopped by PID;
# its files are in one temp dir (KEEP_TMP=1 keeps it). Prints one line
# per check; exit status 0 only if every check passed.
set -u
if [ "$(id -u)" != 0 ]; then
	echo "tests/package/run.sh: needs root (it installs the package)" >&2
	exit 1
fi
cd "$(dirname "$0")/../.." || exit 1
top=$(pwd)
start=$(date +%s)

n=0
nfail=0
ok() {
	n=$((n + 1))
	echo "ok $n - $*"
}
fail() {
	n=$((n + 1))
	nfail=$((nfail + 1))
	echo "not ok $n - $*"
}
# check DESCRIPTION COMMAND...: ok if COMMAND succeeds
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else fail "$what"; fi
}
not_grep() {
	! grep -q "$@"
}
# Stops the test: the checks so far, then cleanup (trap).
bail() {
	fail "$*"
	exit 1
}
# show FILE: its last lines, indented, after a failure
show() {
	[ -f "$1" ] && tail -n 40 "$1" | sed 's/^/#   /'
	return 0
}

tmp=$(mktemp -d /tmp/dlfcgi-package.XXXXXX) || exit 1
# nginx's workers (www-data) use temp dirs in it.
chmod 755 "$tmp"
pids=()
policy=/usr/sbin/policy-rc.d
policy_saved=
fake_run=
had_user=no
getent passwd dlfcgi >/dev/null && had_user=yes
had_pkg=no
dpkg-query -W -f='${Status}' dlfcgi 2>/dev/null | grep -q 'installed' &&
    had_pkg=yes

cleanup() {
	local p i
	for p in "${pids[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${pids[@]}"; do
		for ((i = 0; i < 100; i++)); do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$p" 2>/dev/null
	done
	[ -n "$fake_run" ] && rmdir /run/systemd/system 2>/dev/null
	if [ "$had_pkg" = no ] && dpkg-query -W dlfcgi >/dev/null 2>&1; then
		timeout 120 dpkg --purge dlfcgi >/dev/null 2>&1
	fi
	rm -f /srv/dlfcgi/package-test.bin
	[ -d /srv/dlfcgi ] && rmdir --ignore-fail-on-non-empty /srv/dlfcgi
	if [ "$had_user" = no ] && getent passwd dlfcgi >/dev/null; then
		timeout 60 deluser --system --quiet dlfcgi >/dev/null 2>&1
		getent group dlfcgi >/dev/null &&
		    timeout 60 delgroup --system --quiet dlfcgi >/dev/null 2>&1
	fi
	if [ -n "$policy_saved" ]; then
		cp "$policy_saved" "$policy" && chmod 755 "$policy"
	elif [ -e "$tmp/policy-made" ]; then
		rm -f "$policy"
	fi
	if [ "${KEEP_TMP:-}" = 1 ]; then
		echo "# kept $tmp"
	else
		rm -rf "$tmp"
	fi
	echo "# package test: $n checks, $nfail failed, $(($(date +%s) - start)) s"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

if [ "$had_pkg" = yes ]; then
	bail "dlfcgi is installed on this machine: purge it first (the test installs and purges it)"
fi

# --- tools --------------------------------------------------------------
export DEBIAN_FRONTEND=noninteractive
if ! timeout 600 apt-get install -y -qq --no-install-recommends \
    build-essential debhelper dpkg-dev lintian nginx-light curl \
    logrotate adduser git autoconf automake pkgconf >"$tmp/apt.log" 2>&1; then
	show "$tmp/apt.log"
	bail "apt-get install of the packaging tools"
fi

# --- source: make dist of a copy of the checkout -------------------------
version=$(sed -n 's/^AC_INIT(\[dlfcgi\], *\[\([^]]*\)\].*/\1/p' configure.ac)
[ -n "$version" ] || bail "configure.ac has AC_INIT([dlfcgi], [VERSION])"
mkdir "$tmp/tree" "$tmp/pkg" || bail "mkdir in $tmp"
if git rev-parse --git-dir >/dev/null 2>&1; then
	git ls-files -co --exclude-standard -z | grep -zv '^_build' |
	    tar -cf - --null -T - | tar -xf - -C "$tmp/tree"
else
	tar -cf - --exclude=./_build --exclude=./.git . | tar -xf - -C "$tmp/tree"
fi
[ -f "$tmp/tree/debian/control" ] || bail "debian/ copied from $top"
if ! (cd "$tmp/tree" && autoreconf -fi && mkdir _dist && cd _dist &&
    ../configure -q && make -s dist) >"$tmp/dist.log" 2>&1; then
	show "$tmp/dist.log"
	bail "make dist"
fi
orig=$tmp/pkg/dlfcgi_$version.orig.tar.gz
mv "$tmp/tree/_dist/dlfcgi-$version.tar.gz" "$orig" ||
    bail "make dist made dlfcgi-$version.tar.gz"
src=$tmp/pkg/dlfcgi-$version
tar -xzf "$orig" -C "$tmp/pkg" && cp -a "$tmp/tree/debian" "$src/" ||
    bail "unpack $orig and add debian/"
ok "make dist: dlfcgi_$version.orig.tar.gz, debian/ added"

# --- build ------------------------------------------------------------------
if ! (cd "$src" && timeout 600 apt-get build-dep -y -qq -P nocheck ./) \
    >"$tmp/build-dep.log" 2>&1; then
	show "$tmp/build-dep.log"
	bail "apt-get build-dep ./"
fi
ok "apt-get build-dep ./ (profile nocheck)"
b0=$(date +%s)
if ! (cd "$src" && DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" \
    timeout 900 dpkg-buildpackage -us -uc) >"$tmp/build.log" 2>&1; then
	show "$tmp/build.log"
	bail "dpkg-buildpackage -us -uc"
fi
debver=$(cd "$src" && dpkg-parsechangelog -SVersion)
arch=$(dpkg --print-architecture)
deb=$tmp/pkg/dlfcgi_${debver}_$arch.deb
check "dpkg-buildpackage -us -uc: source and dlfcgi_${debver}_$arch.deb ($(($(date +%s) - b0)) s)" \
    test -f "$deb" -a -f "$tmp/pkg/dlfcgi_$debver.dsc"

# --- lintian ------------------------------------------------------------------
timeout 300 lintian --pedantic "$tmp/pkg/dlfcgi_${debver}_$arch.changes" \
    >"$tmp/lintian.out" 2>&1
sed 's/^/# lintian: /' "$tmp/lintian.out"
check "lintian (source and binary): no error, no warning" \
    not_grep '^[EW]: ' "$tmp/lintian.out"

# --- version: configure.ac -> package -> changelog ----------------------------
check "package version $debver: upstream part = configure.ac's $version" \
    test "${debver%-*}" = "$version" -a "$(dpkg-deb -f "$deb" Version)" = "$debver"
# The check in debian/rules: a changelog that disagrees stops the build.
cp -a "$src" "$tmp/skew"
sed -i "1s/($version-/(9.9.9-/" "$tmp/skew/debian/changelog"
(cd "$tmp/skew" && DEB_BUILD_OPTIONS=nocheck timeout 300 \
    dpkg-buildpackage -us -uc -b) >"$tmp/skew.log" 2>&1
check "a changelog version that is not configure.ac's stops the build" \
    grep -q "configure.ac says $version" "$tmp/skew.log"
rm -rf "$tmp/skew"

# --- a stand-in systemctl and policy-rc.d ---------------------------------
mkdir "$tmp/bin"
cat >"$tmp/bin/systemctl" <<EOF
#!/bin/sh
echo "\$*" >>"$tmp/systemctl.log"
case "\$*" in
*is-enabled*) echo enabled ;;
*is-active*) exit 3 ;;
esac
exit 0
EOF
chmod 755 "$tmp/bin/systemctl"
if [ -e "$policy" ]; then
	policy_saved=$tmp/policy-rc.d.saved
	cp "$policy" "$policy_saved"
else
	: >"$tmp/policy-made"
fi
# policy CODE: /usr/sbin/policy-rc.d answers CODE (101: forbidden)
policy() {
	printf '#!/bin/sh\nexit %s\n' "$1" >"$policy" && chmod 755 "$policy"
}
# dpkg_run LOG COMMAND...: COMMAND (apt-get, dpkg), its output in LOG
dpkg_run() {
	local log=$1 rc
	shift
	timeout 300 "$@" </dev/null >"$log" 2>&1
	rc=$?
	[ $rc -eq 0 ] || show "$log"
	return $rc
}
# maint LOG SCRIPT ARGS...: the installed maintainer script SCRIPT as on
# a host that runs systemd: dpkg resets PATH, so it is run here, with the
# stand-in systemctl first in PATH and /run/systemd/system present.
maint() {
	local log=$1 script=/var/lib/dpkg/info/dlfcgi.$2 rc
	shift 2
	: >"$tmp/systemctl.log"
	if [ ! -d /run/systemd/system ]; then
		mkdir -p /run/systemd/system && fake_run=yes
	fi
	PATH=$tmp/bin:$PATH timeout 120 "$script" "$@" </dev/null >"$log" 2>&1
	rc=$?
	[ -n "$fake_run" ] && rmdir /run/systemd/system && fake_run=
	[ $rc -eq 0 ] || show "$log"
	return $rc
}
started() {
	grep -Eq '(^| )(start|restart|try-restart|reload-or-restart) .*dlfcgi' \
	    "$tmp/systemctl.log"
}

# --- install --------------------------------------------------------------
policy 101
check "apt-get install ./dlfcgi_${debver}_$arch.deb" \
    dpkg_run "$tmp/install.log" apt-get install -y "$deb"
check "apt-get install --reinstall: the maintainer scripts run again" \
    dpkg_run "$tmp/reinstall.log" apt-get install -y --reinstall "$deb"
check "postinst configure (first install), policy-rc.d forbidding: exit 0, not started" \
    eval 'maint "$tmp/p1.log" postinst configure &&
        ! started && grep -q "policy-rc.d returned 101" "$tmp/p1.log"'
policy 0
check "postinst configure, policy-rc.d allowing: dlfcgi.service started" \
    eval 'maint "$tmp/p2.log" postinst configure &&
        grep -Eq "(^| )start .*dlfcgi.service" "$tmp/systemctl.log"'
check "postinst configure $debver (upgrade), allowing: restarted" \
    eval 'maint "$tmp/p3.log" postinst configure "$debver" &&
        grep -Eq "(^| )restart .*dlfcgi.service" "$tmp/systemctl.log"'
policy 101
check "postinst configure $debver (upgrade), forbidding: not restarted" \
    eval 'maint "$tmp/p4.log" postinst configure "$debver" && ! started'

missing=
for f in /usr/sbin/dlfcgi /usr/bin/dlfcgi-sign /usr/share/man/man8/dlfcgi.8.gz \
    /usr/share/man/man5/dlfcgi.conf.5.gz /lib/systemd/system/dlfcgi.service \
    /lib/systemd/system/dlfcgi.socket /etc/logrotate.d/dlfcgi \
    /usr/lib/tmpfiles.d/dlfcgi.conf /usr/share/doc/dlfcgi/README.Debian \
    /usr/share/doc/dlfcgi/examples/nginx/dlfcgi.conf \
    /usr/share/doc/dlfcgi/examples/lighttpd/dlfcgi.conf \
    /usr/share/doc/dlfcgi/examples/apache/mod_proxy_fcgi.conf \
    /usr/share/doc/dlfcgi/examples/spawn-fcgi/run-dlfcgi \
    /usr/share/doc/dlfcgi/examples/dlfcgi.conf; do
	[ -e "$f" ] || missing="$missing $f"
done
check "installed: binary, man pages, units, logrotate, tmpfiles, examples${missing:+; missing:$missing}" \
    test -z "$missing"
conf=/etc/dlfcgi/dlfcgi.conf
check "$conf is a conffile" \
    eval 'dpkg-query -W -f="\${Conffiles}" dlfcgi | grep -q " $conf "'
check "$conf: root /srv/dlfcgi, socket under /run/dlfcgi for www-data, user dlfcgi" \
    eval 'grep -qx "root = \"/srv/dlfcgi\";" $conf &&
        grep -qx "listen = \"unix:/run/dlfcgi/dlfcgi.sock\";" $conf &&
        grep -qx "listen_group = \"www-data\";" $conf &&
        grep -qx "user = \"dlfcgi\";" $conf'
uid=$(id -u dlfcgi 2>/dev/null)
check "system user dlfcgi (uid ${uid:-none}), no login shell" \
    eval '[ -n "$uid" ] && [ "$uid" -lt 1000 ] &&
        [ "$(getent passwd dlfcgi | cut -d: -f7)" = /usr/sbin/nologin ]'
check "/var/log/dlfcgi: dlfcgi:adm 750" \
    test "$(stat -c '%U:%G %a' /var/log/dlfcgi 2>&1)" = "dlfcgi:adm 750"
check "/run/dlfcgi (tmpfiles.d): dlfcgi:www-data 750" \
    test "$(stat -c '%U:%G %a' /run/dlfcgi 2>&1)" = "dlfcgi:www-data 750"
check "/srv/dlfcgi made" test -d /srv/dlfcgi
check "dlfcgi.service enabled (deb-systemd-helper)" \
    test -L /etc/systemd/system/multi-user.target.wants/dlfcgi.service
check "dlfcgi.socket not enabled" \
    test ! -e /etc/systemd/system/sockets.target.wants/dlfcgi.socket
check "dlfcgi -V prints configure.ac's version ($version)" \
    test "$(/usr/sbin/dlfcgi -V 2>&1)" = "dlfcgi $version"
check "dlfcgi -t (default file $conf): syntax is ok" \
    eval '/usr/sbin/dlfcgi -t 2>&1 | grep -qx "dlfcgi: $conf: syntax is ok"'
v=$(systemd-analyze verify --man=no /lib/systemd/system/dlfcgi.service \
    /lib/systemd/system/dlfcgi.socket 2>&1 | grep dlfcgi | grep -v 'Failed to')
check "systemd-analyze verify: the installed units${v:+: $v}" test -z "$v"
check "logrotate -d /etc/logrotate.d/dlfcgi: no error" \
    eval '! logrotate -d /etc/logrotate.d/dlfcgi 2>&1 | grep -qi "error"'

# --- serve: the installed dlfcgi behind nginx and the installed snippet -----
# wait_for SECONDS COMMAND...: until COMMAND succeeds, at most SECONDS
wait_for() {
	local end=$(($(date +%s) + $1))
	shift
	until "$@"; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.05
	done
}
port_open() {
	(exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null
}
# stop PID: TERM, then wait for it (at most 10 s)
stop() {
	local i
	kill -TERM "$1" 2>/dev/null
	for ((i = 0; i < 200; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.05
	done
	return 1
}
sock=/run/dlfcgi/dlfcgi.sock
head -c 3000000 /dev/urandom >/srv/dlfcgi/package-test.bin
chmod 644 /srv/dlfcgi/package-test.bin
# As dlfcgi.service: root, in the foreground, with the shipped config.
/usr/sbin/dlfcgi -c "$conf" >"$tmp/dlfcgi.out" 2>&1 &
dpid=$!
pids+=("$dpid")
wait_for 10 test -S "$sock" || { show "$tmp/dlfcgi.out"; bail "dlfcgi makes $sock"; }
check "$sock: dlfcgi:www-data 660" \
    test "$(stat -c '%U:%G %a' "$sock")" = "dlfcgi:www-data 660"
workers() {
	pgrep -u dlfcgi -P "$dpid" -x dlfcgi >/dev/null
}
wait_for 10 workers
check "the workers run as dlfcgi" workers

port_open && bail "127.0.0.1:8080 (the snippet's port) is already taken"
ng=$tmp/nginx
mkdir -p "$ng"
ln -s /etc/nginx/fastcgi_params "$ng/fastcgi_params"
cat >"$ng/nginx.conf" <<EOF
user www-data;
daemon off;
pid $ng/nginx.pid;
error_log $ng/error.log;
events { }
http {
	access_log $ng/access.log;
	client_body_temp_path $ng/client_body;
	fastcgi_temp_path $ng/fastcgi;
	proxy_temp_path $ng/proxy;
	include /usr/share/doc/dlfcgi/examples/nginx/dlfcgi.conf;
}
EOF
nginx -p "$ng" -c "$ng/nginx.conf" >"$ng/nginx.out" 2>&1 &
npid=$!
pids+=("$npid")
wait_for 10 port_open || { show "$ng/error.log"; show "$ng/nginx.out"; bail "nginx listens on 127.0.0.1:8080"; }
url=http://127.0.0.1:8080/downloads/package-test.bin
code=$(curl -s --max-time 20 -o "$tmp/got" -w '%{http_code}' "$url")
check "curl $url: 200, the same bytes" \
    eval '[ "$code" = 200 ] && cmp -s "$tmp/got" /srv/dlfcgi/package-test.bin'
code=$(curl -s --max-time 20 -o "$tmp/range" -w '%{http_code}' -r 1000-1999 "$url")
check "curl -r 1000-1999: 206, those bytes" \
    eval '[ "$code" = 206 ] && cmp -s "$tmp/range" <(tail -c +1001 /srv/dlfcgi/package-test.bin | head -c 1000)'
# a line is written just after its answer has gone: wait for both
check "the access log /var/log/dlfcgi/access.log has the downloads" \
    wait_for 5 eval '[ "$(grep -c "package-test.bin" /var/log/dlfcgi/access.log)" -ge 2 ]'
check "nginx stops" stop "$npid"
check "dlfcgi stops on TERM" stop "$dpid"
check "dlfcgi removed its socket" test ! -e "$sock"
rm -f /srv/dlfcgi/package-test.bin

# --- upgrade to a rebuilt package, the conffile edited -------------------
sed -i 's/^#max_ranges = 16;$/max_ranges = 8;/' "$conf"
check "conffile edited (max_ranges = 8)" grep -qx 'max_ranges = 8;' "$conf"
sum=$(sha256sum "$conf")
newver=$debver+pkgtest1
{
	printf 'dlfcgi (%s) unstable; urgency=medium\n\n' "$newver"
	printf '  * Rebuilt by tests/package/run.sh to test upgrades.\n\n'
	printf ' -- %s  %s\n\n' "$(dpkg-parsechangelog -l "$src/debian/changelog" -SMaintainer)" "$(date -R)"
	cat "$src/debian/changelog"
} >"$tmp/changelog" && mv "$tmp/changelog" "$src/debian/changelog"
b0=$(date +%s)
if ! (cd "$src" && DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" \
    timeout 900 dpkg-buildpackage -us -uc -b) >"$tmp/build2.log" 2>&1; then
	show "$tmp/build2.log"
	bail "dpkg-buildpackage -us -uc -b of $newver"
fi
deb2=$tmp/pkg/dlfcgi_${newver}_$arch.deb
check "rebuilt as $newver ($(($(date +%s) - b0)) s)" test -f "$deb2"
check "apt-get install ./dlfcgi_${newver}_$arch.deb (upgrade)" \
    dpkg_run "$tmp/upgrade.log" apt-get install -y "$deb2"
check "installed version is $newver" \
    test "$(dpkg-query -W -f='${Version}' dlfcgi)" = "$newver"
check "the edited conffile is kept as edited" \
    test "$(sha256sum "$conf")" = "$sum"
check "dlfcgi -t still accepts it" \
    eval '/usr/sbin/dlfcgi -t -c "$conf" >/dev/null 2>&1'

# --- remove, purge ------------------------------------------------------------
check "apt-get remove dlfcgi" dpkg_run "$tmp/remove.log" apt-get remove -y dlfcgi
check "remove keeps $conf (as edited) and /var/log/dlfcgi" \
    eval '[ "$(sha256sum "$conf")" = "$sum" ] && [ -d /var/log/dlfcgi ] &&
        [ ! -e /usr/sbin/dlfcgi ]'
check "apt-get purge dlfcgi" dpkg_run "$tmp/purge.log" apt-get purge -y dlfcgi
left=
for f in /etc/dlfcgi /var/log/dlfcgi /run/dlfcgi /srv/dlfcgi \
    /usr/sbin/dlfcgi /usr/share/doc/dlfcgi /etc/logrotate.d/dlfcgi \
    /lib/systemd/system/dlfcgi.service /lib/systemd/system/dlfcgi.socket \
    /usr/lib/tmpfiles.d/dlfcgi.conf \
    /etc/systemd/system/multi-user.target.wants/dlfcgi.service \
    /var/lib/systemd/deb-systemd-helper-enabled/dlfcgi.service.dsh-also \
    /var/lib/systemd/deb-systemd-helper-enabled/multi-user.target.wants/dlfcgi.service; do
	[ -e "$f" ] || [ -L "$f" ] && left="$left $f"
done
check "purge leaves nothing${left:+; left:$left}" \
    eval '[ -z "$left" ] && ! dpkg-query -W dlfcgi >/dev/null 2>&1'
check "purge keeps the system user dlfcgi (Debian practice)" \
    eval 'getent passwd dlfcgi >/dev/null'

[ "$nfail" -eq 0 ]
