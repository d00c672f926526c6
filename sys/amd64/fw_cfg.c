/*
 * QEMU's firmware configuration device (fw_cfg), read through its legacy
 * I/O ports before anything else is set up.
 *
 * Why the kernel reads it: QEMU 7.2's PVH option ROM (pvh.bin) copies the
 * -append text into a 4096-byte buffer just below its struct
 * hvm_start_info, without a bound.  A longer command line overwrites the
 * start info (from 4129 bytes: "bad PVH start info magic"), and from about
 * 23.8K it overwrites the ROM's own stack and the guest dies before the
 * kernel runs.  fw_cfg still holds the whole command line and QEMU's e820
 * table, so hammer_time() takes them from here when the start info cannot
 * be trusted.  A file "opt/kenv" (-fw_cfg name=opt/kenv,file=F or
 * ,string=S) is a second source of loader variables of any length: that
 * is how `make run` passes TUNABLES too long for -append.
 *
 * Protocol: write a 16-bit key to the selector port, read the item's bytes
 * one at a time from the data port; integers in the file directory are
 * big-endian, those in items are little-endian.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <machine/cpufunc.h>
#include <machine/md_var.h>

#define	FW_CFG_PORT_SEL		0x510
#define	FW_CFG_PORT_DATA	0x511
#define	FW_CFG_SIGNATURE	0x0000
#define	FW_CFG_FILE_DIR		0x0019
#define	FW_CFG_FILE_NAMELEN	56

static void
fw_cfg_select(uint16_t key)
{
	outw(FW_CFG_PORT_SEL, key);
}

static void
fw_cfg_bytes(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len-- > 0)
		*p++ = inb(FW_CFG_PORT_DATA);
}

static uint32_t
fw_cfg_be32(void)
{
	uint8_t b[4];

	fw_cfg_bytes(b, sizeof(b));
	return ((uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3]);
}

int
fw_cfg_present(void)
{
	char sig[4];

	fw_cfg_select(FW_CFG_SIGNATURE);
	fw_cfg_bytes(sig, sizeof(sig));
	return (memcmp(sig, "QEMU", 4) == 0);
}

/*
 * Read up to len bytes of item key from offset off (the device reads
 * sequentially, so the bytes before off are skipped).
 */
void
fw_cfg_read(uint16_t key, size_t off, void *buf, size_t len)
{
	uint8_t skip;

	fw_cfg_select(key);
	while (off-- > 0)
		fw_cfg_bytes(&skip, 1);
	fw_cfg_bytes(buf, len);
}

/* The key and size of the named file; 0 if there is none. */
int
fw_cfg_find_file(const char *name, uint16_t *key, uint32_t *size)
{
	char fname[FW_CFG_FILE_NAMELEN];
	uint32_t count, fsize, i;
	uint16_t sel;
	uint8_t b[4];

	if (!fw_cfg_present())
		return (0);
	fw_cfg_select(FW_CFG_FILE_DIR);
	count = fw_cfg_be32();
	for (i = 0; i < count && i < 4096; i++) {
		fsize = fw_cfg_be32();
		fw_cfg_bytes(b, sizeof(b));	/* select (BE16), reserved */
		sel = (uint16_t)(b[0] << 8 | b[1]);
		fw_cfg_bytes(fname, sizeof(fname));
		fname[sizeof(fname) - 1] = '\0';
		if (strcmp(fname, name) == 0) {
			*key = sel;
			*size = fsize;
			return (1);
		}
	}
	return (0);
}
