#!/usr/bin/env bash
# Install the Debian packages a fresh machine lacks. Re-runnable: installs only what is missing.
#   scripts/system-packages.sh build   what `make demo` needs (compilers and MySQL client headers)
#   scripts/system-packages.sh test    plus what `make test` needs (browser, shellcheck, servers)
set -euo pipefail

build=(pkg-config libmariadb-dev gcc make)
test=(chromium shellcheck mariadb-server mariadb-client redis-server git)
case "${1:-build}" in
  build) wanted=("${build[@]}") ;;
  test) wanted=("${build[@]}" "${test[@]}") ;;
  *) echo "usage: $0 build|test" >&2; exit 2 ;;
esac
if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
  wanted+=(python3-venv python3-dev)
fi

missing=()
for package in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null; then
  as_root=(sudo)
else
  echo "error: missing Debian packages ${missing[*]}; install them as root" >&2
  exit 1
fi
echo "installing ${missing[*]}"
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends \
  "${missing[@]}" >/dev/null
