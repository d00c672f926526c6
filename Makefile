# The allocator kernel.  See README.md.
#
#   make [KERNCONF=NAME]     build build/NAME/kernel (default GENERIC)
#   make run                 build and boot it under QEMU, to the shell
#   make test                build the test kernels and run every suite
#   make bench               run the benchmarks, save build/bench/*.csv
#                            (and replay the public allocation trace)
#   make replay TRACE=FILE   replay an allocation trace (.trace or .gz)
#   make gdb                 boot stopped, with gdb attached

KERNCONF?=	GENERIC
BUILD=		build/$(KERNCONF)
PYTHON?=	python3
SMP?=		2
MEM?=		256M
TUNABLES?=
QEMU?=		qemu-system-x86_64
QEMUFLAGS=	-M pc -nodefaults -display none -serial mon:stdio -no-reboot \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-smp $(SMP) -m $(MEM)

# Devices of `make run` (sys/dev/virtio): the swap disk build/swap.img on
# virtio-blk ("vtbd0"), made fresh (zeroed, sparse) at every run, SWAP
# bytes (K/M/G; empty: twice MEM; 0: no disk), and a virtio-net NIC
# ("vtnet0") on QEMU's user networking with host UDP 127.0.0.1:ECHO_PORT
# forwarded to the guest's port 7 (NET=none: no NIC).
SWAP?=
SWAPIMG=	build/swap.img
ECHO_PORT?=	7777
NET?=		user
DISKFLAGS=	-drive file=$(SWAPIMG),if=none,id=swap0,format=raw \
		-device virtio-blk-pci,drive=swap0
NETFLAGS_user=	-netdev user,id=net0,hostfwd=udp:127.0.0.1:$(ECHO_PORT)-:7 \
		-device virtio-net-pci,netdev=net0
NETFLAGS_none=
NETFLAGS=	$(NETFLAGS_$(NET))

.PHONY: all kernel run test bench replay gdb deps clean

all: kernel

kernel:
	@$(PYTHON) tools/config.py sys/amd64/conf/$(KERNCONF) $(BUILD)
	@$(MAKE) --no-print-directory -f tools/kern.mk BUILD=$(BUILD) \
	    KTEST_EXTRA="$(KTEST_EXTRA)" $(BUILD)/kernel

deps:
	@sh tools/install-deps.sh

# TUNABLES go in -append up to APPEND_MAX bytes, the room QEMU's PVH loader
# has for it; longer ones go in fw_cfg as opt/kenv, which the kernel reads
# too (sys/amd64/fw_cfg.c).  QEMU's exit status: tools/run-status.sh says
# which are a clean end.
APPEND_MAX=	4095
run: deps kernel
	$(file >$(BUILD)/tunables,$(TUNABLES))
	@case "$(NET)" in user|none) ;; *) echo "run: NET must be user or" \
	    "none, not '$(NET)'"; exit 2;; esac
	@mb=$$(sh tools/mkdisk.sh $(SWAPIMG) "$(SWAP)" "$(MEM)") || exit 2; \
	if [ "$$mb" = 0 ]; then echo "run: no swap disk (SWAP=0)"; \
	else echo "run: $(SWAPIMG): $$mb MB swap disk ($(if $(SWAP),SWAP=$(SWAP),SWAP default: twice MEM=$(MEM)))"; fi
	@if [ $$(wc -c <$(BUILD)/tunables) -gt $$(($(APPEND_MAX) + 1)) ]; then \
	    echo "run: TUNABLES is over $(APPEND_MAX) bytes: passing it as" \
	        "fw_cfg opt/kenv instead of -append"; \
	    set -- -fw_cfg name=opt/kenv,file=$(BUILD)/tunables; \
	else \
	    set -- -append "$$(cat $(BUILD)/tunables)"; \
	fi; \
	if [ -f $(SWAPIMG) ]; then set -- "$$@" $(DISKFLAGS); fi; \
	set -- "$$@" $(NETFLAGS); \
	echo "$(QEMU) $(QEMUFLAGS) -kernel $(BUILD)/kernel $$1 ..."; \
	$(QEMU) $(QEMUFLAGS) -kernel $(BUILD)/kernel "$$@"; \
	sh tools/run-status.sh $$?

test: deps
	@$(PYTHON) tools/config.py --selftest
	@sh tools/run-status.sh --selftest
	@$(PYTHON) tools/trace2bin.py --selftest
	@$(PYTHON) tests/harness.py $(if $(KTEST_EXTRA),--extra $(KTEST_EXTRA))

bench: deps
	@TRACE="$(TRACE)" $(PYTHON) tests/bench.py

replay: deps
	@if [ -z "$(TRACE)" ]; then \
	    echo "usage: make replay TRACE=path/to/file.trace.gz"; exit 2; fi
	@$(PYTHON) tests/bench.py replay "$(TRACE)"

gdb: deps kernel
	@echo "gdb: target remote :1234 (symbols from $(BUILD)/kernel)"
	$(QEMU) $(QEMUFLAGS) -kernel $(BUILD)/kernel -append "$(TUNABLES)" \
	    -s -S </dev/null & qpid=$$!; \
	gdb -q $(BUILD)/kernel -ex 'target remote :1234'; \
	kill $$qpid 2>/dev/null; true

# make stress [STRESS_TIME=seconds] [SMP=n] [MEM=size] [TUNABLES=...]:
# the long stress (tests/kern/stress_test.c) on the STRESS kernel.  It
# fails (non-zero exit, with the reason) on corruption, a leak, a panic
# or a hang.  STRESS_SEED=0x... repeats a run's mix; STRESS_KERNCONF=
# STRESS_NODEBUG runs it without INVARIANTS.
STRESS_TIME?=	60
STRESS_SEED?=
STRESS_KERNCONF?= STRESS
.PHONY: stress
stress: deps
	@case "$(STRESS_TIME)" in ''|*[!0-9]*|0*) \
	    echo "make stress: STRESS_TIME must be a positive number of" \
	    "seconds, not '$(STRESS_TIME)'"; exit 2;; esac
	@$(MAKE) --no-print-directory KERNCONF=$(STRESS_KERNCONF) kernel
	@timeout $$(( $(STRESS_TIME) * 10 + 300 )) $(QEMU) $(QEMUFLAGS) \
	    -kernel build/$(STRESS_KERNCONF)/kernel -append "ktest.run=stress \
	    stress.time=$(STRESS_TIME) $(if $(STRESS_SEED),stress.seed=$(STRESS_SEED)) \
	    $(TUNABLES)" </dev/null; st=$$?; \
	case $$st in \
	33) echo "make stress: passed";; \
	35) echo "make stress: FAILED: corruption or accounting" \
	    "(the stress: FAIL lines above say what)"; exit 1;; \
	37) echo "make stress: FAILED: the kernel panicked"; exit 1;; \
	124) echo "make stress: FAILED: no end after" \
	    "$$(( $(STRESS_TIME) * 10 + 300 )) s (hang)"; exit 1;; \
	*) echo "make stress: FAILED: QEMU exit status $$st"; exit 1;; \
	esac

clean:
	rm -rf build
