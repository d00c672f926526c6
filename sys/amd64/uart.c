/*
 * The console: a 16550 UART on COM1, polled.  Output waits for the
 * transmit holding register; input is read by polling the line status.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <machine/cpufunc.h>
#include <machine/md_var.h>

#define	COM1		0x3f8
#define	REG_DATA	0
#define	REG_IER		1
#define	REG_FCR		2
#define	REG_LCR		3
#define	REG_MCR		4
#define	REG_LSR		5
#define	LSR_RXRDY	0x01
#define	LSR_THRE	0x20
#define	LCR_DLAB	0x80
#define	LCR_8N1		0x03

void
uart_init(void)
{
	outb(COM1 + REG_IER, 0);
	outb(COM1 + REG_LCR, LCR_DLAB);
	outb(COM1 + REG_DATA, 1);	/* 115200 baud */
	outb(COM1 + REG_IER, 0);
	outb(COM1 + REG_LCR, LCR_8N1);
	outb(COM1 + REG_FCR, 0x07);	/* enable and clear FIFOs */
	outb(COM1 + REG_MCR, 0x03);	/* DTR, RTS */
}

void
uart_putc(int c)
{
	int spin;

	for (spin = 0; spin < 100000; spin++) {
		if (inb(COM1 + REG_LSR) & LSR_THRE)
			break;
		cpu_pause();
	}
	outb(COM1 + REG_DATA, (uint8_t)c);
}

int
uart_getc_nowait(void)
{
	if ((inb(COM1 + REG_LSR) & LSR_RXRDY) == 0)
		return (-1);
	return (inb(COM1 + REG_DATA));
}
