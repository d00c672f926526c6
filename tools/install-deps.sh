#!/bin/sh
# Install the Debian packages the build, the tests and QEMU need, if any
# command is missing.  Run as root on Debian 12.
set -e
need=""
command -v clang >/dev/null 2>&1 || need="$need clang"
command -v ld.lld >/dev/null 2>&1 || need="$need lld"
command -v make >/dev/null 2>&1 || need="$need make"
command -v python3 >/dev/null 2>&1 || need="$need python3"
command -v qemu-system-x86_64 >/dev/null 2>&1 || need="$need qemu-system-x86"
[ -z "$need" ] && exit 0
echo "install-deps: installing$need"
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: need root to install:$need" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $need
