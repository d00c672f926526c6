#!/bin/sh
# What a QEMU exit status means for `make run` (and `make gdb`).
#
#   run-status.sh STATUS      print what happened; exit 0 for a clean end
#   run-status.sh --selftest  check the table below
#
# The kernel exits QEMU through isa-debug-exit: writing V exits with
# (V << 1) | 1 (sys/amd64/include/md_var.h).  Status 0 is QEMU's own: with
# -no-reboot a guest reset or triple fault ends the run silently, so it is
# a failure here, never a success.
#   33  halt (shell or db>)            success
#   35  in-kernel tests failed          failure
#   37  panic (unattended, or db> after a panic cannot continue)  failure
#   39  reset from db>                  success, said so
#   0   reset or triple fault with no word from the kernel        failure
status_of() {
	case "$1" in
	33)	return 0 ;;
	35)	echo "run: the in-kernel tests failed (QEMU status 35)" ;;
	37)	echo "run: the kernel panicked (QEMU status 37)" ;;
	39)	echo "run: the kernel was reset from db> (QEMU status 39)"
		return 0 ;;
	0)	echo "run: QEMU exited with status 0: the guest reset or" \
		    "triple-faulted without a word (not a clean halt)" ;;
	*)	echo "run: QEMU exited with status $1" ;;
	esac
	return 1
}

if [ "$1" = "--selftest" ]; then
	fail=0
	for want in 33:0 39:0 0:1 35:1 37:1 1:1 2:1; do
		st=${want%%:*}
		(status_of "$st" >/dev/null)
		got=$?
		if [ "$got" -ne "${want#*:}" ]; then
			echo "FAIL  run-status: QEMU status $st gives $got"
			fail=1
		fi
	done
	[ $fail -eq 0 ] && echo "PASS  run-status: 33 and 39 succeed; 0, 35, 37 and others fail"
	exit $fail
fi
status_of "$1"
