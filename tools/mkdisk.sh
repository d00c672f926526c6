#!/bin/sh
# mkdisk.sh IMAGE SIZE MEM: make IMAGE a fresh, zeroed (sparse) raw disk
# image of SIZE (K/M/G suffix; empty: twice MEM, QEMU's -m value) and
# print its size in MiB.  SIZE 0 removes the image and prints 0.
# Used by `make run` for build/swap.img.
set -e
image=$1 size=$2 mem=$3

# Bytes in a QEMU-style size (no suffix: MiB for MEM, bytes for SIZE).
bytes() {
	case $1 in
	*[Kk]) echo $(( ${1%[Kk]} * 1024 ));;
	*[Mm]) echo $(( ${1%[Mm]} * 1024 * 1024 ));;
	*[Gg]) echo $(( ${1%[Gg]} * 1024 * 1024 * 1024 ));;
	*[!0-9]*|'') echo "mkdisk: bad size '$1' (want e.g. 512M)" >&2; exit 2;;
	*) echo $(( $1 * $2 ));;
	esac
}

if [ -z "$size" ]; then
	n=$(bytes "$mem" 1048576)
	n=$(( n * 2 ))
else
	n=$(bytes "$size" 1)
fi
if [ "$n" -eq 0 ]; then
	rm -f "$image"
	echo 0
	exit 0
fi
if [ $(( n % 512 )) -ne 0 ]; then
	echo "mkdisk: size $size is not a multiple of 512 bytes" >&2
	exit 2
fi
mkdir -p "$(dirname "$image")"
rm -f "$image"
truncate -s "$n" "$image"
echo $(( n / 1048576 ))
