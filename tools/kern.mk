# Compile and link one kernel.  Invoked by the top-level Makefile after
# tools/config.py has written $(BUILD)/files.mk and the opt_*.h headers.

include $(BUILD)/files.mk

CC=		clang
LD=		ld.lld
PYTHON?=	python3

SRCS+=		$(wildcard $(addsuffix /*.c,$(KTEST_EXTRA)))

CFLAGS=		--target=x86_64-unknown-none-elf -std=c11 -ffreestanding \
		-O2 -g -mcmodel=kernel -mno-red-zone -mno-mmx -mno-sse \
		-mno-sse2 -mno-avx -fno-pic -fno-pie -fno-stack-protector \
		-fno-omit-frame-pointer -mno-omit-leaf-frame-pointer \
		-fno-asynchronous-unwind-tables -fno-common \
		-Wall -Werror -Wmissing-prototypes -Wstrict-prototypes \
		-Wno-unused-function \
		-I$(BUILD) -I$(BUILD)/include -Isys -Itests \
		-include $(BUILD)/opt_global.h $(COPTFLAGS)
ASFLAGS=	--target=x86_64-unknown-none-elf -I$(BUILD)/include -Isys \
		-include $(BUILD)/opt_global.h
LDFLAGS=	-m elf_x86_64 -nostdlib -static -z max-page-size=4096 \
		-z noexecstack --no-pie -T sys/amd64/kernel.ld

OBJDIR=		$(BUILD)/obj
OBJS=		$(addprefix $(OBJDIR)/,$(addsuffix .o,$(basename $(SRCS))))

$(BUILD)/kernel: $(OBJS) $(BUILD)/ksyms.o sys/amd64/kernel.ld
	@echo "  LD  $@"
	@$(LD) $(LDFLAGS) -o $@ $(OBJS) $(BUILD)/ksyms.o

# The symbol table comes from a first link; it is placed last so adding it
# moves no code.
$(BUILD)/kernel.pass1: $(OBJS) sys/amd64/kernel.ld
	@$(LD) $(LDFLAGS) -o $@ $(OBJS)

$(BUILD)/ksyms.S: $(BUILD)/kernel.pass1 tools/mksymtab.py
	@$(PYTHON) tools/mksymtab.py $< $@

$(BUILD)/ksyms.o: $(BUILD)/ksyms.S
	@$(CC) $(ASFLAGS) -c -o $@ $<

$(OBJDIR)/%.o: %.c $(BUILD)/files.mk
	@mkdir -p $(dir $@)
	@echo "  CC  $<"
	@$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(OBJDIR)/%.o: %.S $(BUILD)/files.mk
	@mkdir -p $(dir $@)
	@echo "  AS  $<"
	@$(CC) $(ASFLAGS) -MMD -MP -c -o $@ $<

-include $(OBJS:.o=.d)
