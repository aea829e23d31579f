#!/usr/bin/env bash
# The .deb end to end (issue 26), as root on Debian 12: cpack builds it from
# this build tree, dpkg -i installs it, the installed crmsync answers
# --version and `init`, systemd-analyze verifies the unit, and dpkg -r then
# --purge remove every file, /etc/crmsync and /var/lib/crmsync.
# Usage: run.sh BUILD_DIR
# The tree is the test build (the sanitizer binary): packing it checks the
# packaging without a second, optimized compile in CI; scripts/package.sh
# packs the Release build the same way.
set -euo pipefail
build="$(cd "$1" && pwd)"
work="$(mktemp -d)"
fail() { echo "FAIL: $*" >&2; exit 1; }
cleanup() {
  dpkg --purge crmsync >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
[ "$(id -u)" = 0 ] || fail "needs root (dpkg -i)"
if dpkg-query -W -f='${Status}' crmsync 2>/dev/null | grep -q "install ok"; then
  fail "a crmsync package is installed already; this test installs and purges its own"
fi

echo "== cpack -G DEB"
(cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1) ||
  { cat "$work/cpack.log"; fail "cpack"; }
deb="$(ls "$work"/out/crmsync_*.deb)"
dpkg-deb --info "$deb" | sed -n '/Package:/,$p'
depends="$(dpkg-deb --field "$deb" Depends)"
# dpkg-shlibdeps read the binary's libraries.
for lib in libcurl4 libsqlite3-0 libpq5 libssl3 libyaml-cpp0.7 libmariadb3 libodbc2 liblua5.4-0 \
    libsimdjson14 adduser; do
  grep -q "$lib" <<<"$depends" || fail "Depends lacks $lib: $depends"
done
dpkg-deb --contents "$deb" | awk '{print $6}' >"$work/contents"
for f in ./usr/bin/crmsync ./usr/share/man/man1/crmsync.1 \
    ./usr/share/bash-completion/completions/crmsync ./usr/share/zsh/vendor-completions/_crmsync \
    ./usr/share/fish/vendor_completions.d/crmsync.fish ./usr/lib/systemd/system/crmsync.service \
    ./usr/share/doc/crmsync/quickstart.md; do
  grep -qx "$f" "$work/contents" || fail "the .deb lacks $f"
done

echo "== dpkg -i"
dpkg -i "$deb"
[ -x /usr/bin/crmsync ] || fail "/usr/bin/crmsync missing"
getent passwd crmsync >/dev/null || fail "no crmsync system user"
[ "$(stat -c '%U:%G %a' /etc/crmsync)" = "root:crmsync 750" ] ||
  fail "/etc/crmsync is $(stat -c '%U:%G %a' /etc/crmsync)"
[ -d /etc/crmsync/secrets ] || fail "no /etc/crmsync/secrets"
# Installed, not enabled: no wants/ link.
if ls /etc/systemd/system/*.wants/crmsync.service >/dev/null 2>&1; then
  fail "the unit was enabled"
fi
grep -q '^ExecStart=/usr/bin/crmsync serve' /usr/lib/systemd/system/crmsync.service ||
  fail "the unit does not start /usr/bin/crmsync"

echo "== the installed crmsync"
/usr/bin/crmsync --version | tee "$work/version"
grep -q "^crmsync 0\." "$work/version" || fail "--version"
mkdir "$work/project"
(cd "$work/project" && /usr/bin/crmsync init && /usr/bin/crmsync validate && /usr/bin/crmsync run -q) ||
  fail "init/validate/run from /usr/bin"
man -l /usr/share/man/man1/crmsync.1 >/dev/null || fail "man -l"
bash -c 'source /usr/share/bash-completion/completions/crmsync && complete -p crmsync' >/dev/null ||
  fail "bash completion"

echo "== systemd-analyze verify"
# Offline: it parses the unit, resolves ExecStart, checks every directive
# (systemd need not run; in a container it does not). The User= it names
# exists now, made by postinst.
if ! systemd-analyze verify --man=no /usr/lib/systemd/system/crmsync.service >"$work/verify" 2>&1; then
  cat "$work/verify"
  fail "systemd-analyze verify"
fi
[ ! -s "$work/verify" ] || { cat "$work/verify"; fail "systemd-analyze verify printed warnings"; }
# The unit's hardening as systemd scores it (needs a running systemd: skipped in containers).
if [ -d /run/systemd/system ]; then systemd-analyze security crmsync.service --no-pager | tail -1; fi

echo "== dpkg -r, dpkg --purge"
dpkg -r crmsync
[ ! -e /usr/bin/crmsync ] || fail "/usr/bin/crmsync left after dpkg -r"
[ -d /etc/crmsync ] || fail "dpkg -r removed /etc/crmsync (only purge should)"
dpkg --purge crmsync
while read -r f; do
  f="${f#.}"
  [ -z "$f" ] || [ -d "$f" ] || [ ! -e "$f" ] || fail "$f left after purge"
done <"$work/contents"
[ ! -e /etc/crmsync ] || fail "/etc/crmsync left after purge"
[ ! -e /var/lib/crmsync ] || fail "/var/lib/crmsync left after purge"
dpkg-query -W crmsync >/dev/null 2>&1 && fail "dpkg still knows crmsync"
echo "PASS"
