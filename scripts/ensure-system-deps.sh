#!/usr/bin/env bash
# First step of `npm test` (the `pretest` script): makes sure the Debian packages the tests use as
# references, test-file producers, sound banks and virtual devices are installed. The list is
# .ci/apt-packages.txt next to this script's folder, read now (one package per line, # comments).
#
#   all installed                  -> exits 0 at once, silently
#   missing, root or sudo -n works -> apt-get installs the missing ones (no recommends), then exits 0
#   missing, neither               -> one line on stderr naming the exact apt-get command, exit 1
#   no dpkg (not Debian)           -> one line on stderr naming the list, exit 1
set -euo pipefail
cd "$(dirname "$0")/.."
list=".ci/apt-packages.txt"

mapfile -t wanted < <(sed -e 's/#.*//' -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' "$list" | grep -v '^$')
[ "${#wanted[@]}" -gt 0 ] || exit 0

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "npm test needs the Debian packages listed in $list, and this machine has no dpkg: install their equivalents" >&2
  exit 1
fi

# One dpkg-query for all: "name status" lines for the packages dpkg knows (unknown ones print nothing).
status=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${wanted[@]}" 2>/dev/null || true)
missing=()
for p in "${wanted[@]}"; do
  grep -qxF "$p installed" <<<"$status" || missing+=("$p")
done
[ "${#missing[@]}" -eq 0 ] && exit 0

install="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
  sudo=(sudo -n)
else
  echo "npm test needs ${#missing[@]} Debian package(s) that are not installed; as root run: apt-get update && $install" >&2
  exit 1
fi
echo "installing the ${#missing[@]} Debian package(s) the tests need: ${missing[*]}" >&2
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
