/*
 * Allocation trace replay (sys/kern/subr_replay.c).
 *
 * A trace converted on the host by tools/trace2bin.py (its format is
 * described there) is handed to the kernel as a boot module (QEMU
 * -initrd).  replay_check() validates an image completely before anything
 * is allocated: a bad image is refused with a reason.  replay_run() then
 * replays every event through malloc(9) (one malloc type per call site,
 * made at run time) or, for kmem_cache events, through one UMA zone per
 * cache, twice.  The proof pass fills each object with a pattern derived
 * from its ID, checks it at the free, and measures the allocation and
 * free calls alone (TSC ticks under QEMU -icount shift=0: instructions)
 * and the footprint (pages held by malloc's and the replay zones' kegs;
 * MemGuard's pages are not in them), and the free pages gone at the peak
 * (everything: buckets, slab headers, page tables too).  The timed pass
 * replays the same events with nothing but the calls and what a free
 * needs, and gives instructions per event (the whole loop).
 *
 * The loader variable replay.run (a comma-separated list of modes) replays
 * module 0 at boot in each mode, prints REPLAY and BENCH lines and exits
 * QEMU; the shell command "replay [mode]" does the same at any time.
 */
#ifndef _SYS_REPLAY_H_
#define	_SYS_REPLAY_H_

#include <sys/types.h>
#include <machine/param.h>

#define	REPLAY_MAGIC		"RPLYTRC"	/* and a NUL: 8 bytes */
#define	REPLAY_VERSION		1
#define	REPLAY_HDR_SIZE		96
#define	REPLAY_MAXSITES		65535
#define	REPLAY_MAXCACHES	4096
#define	REPLAY_MAXPHASES	256
#define	REPLAY_MAXOBJECTS	(16 * 1024 * 1024)
#define	REPLAY_MAXSIZE		(64 * 1024 * 1024)	/* one request */
#define	REPLAY_MAXCACHESIZE	(64 * 1024)		/* one zone item */
#define	REPLAY_NSAMPLES		400	/* footprint samples for the plot */

/* Cache table flags. */
#define	REPLAY_CACHE_UNKNOWN	0x1	/* no object size known: via malloc */

/* The event op in the low two bits of a record's first byte. */
#define	REPLAY_OP_A		1	/* malloc-style allocation */
#define	REPLAY_OP_C		2	/* cache allocation */
#define	REPLAY_OP_F		3	/* free */

enum replay_mode {
	REPLAY_MALLOC,		/* every event through malloc(9) */
	REPLAY_ZONES,		/* c events through one zone per cache */
	REPLAY_MEMGUARD,	/* REPLAY_MALLOC with MemGuard's frequency */
	REPLAY_SMP2,		/* REPLAY_ZONES, each event on its CPU */
	REPLAY_MEMGUARD_ZONES,	/* REPLAY_ZONES with MemGuard's frequency */
	REPLAY_NMODES
};

/* A checked image: the header's figures and pointers into the image. */
struct replay_trace {
	const uint8_t	*rt_base;
	size_t		rt_size;
	uint64_t	rt_nevents;
	uint32_t	rt_nobjects;
	uint32_t	rt_nsites;
	uint32_t	rt_ncaches;
	uint32_t	rt_nphases;
	uint64_t	rt_nallocs_a;
	uint64_t	rt_nallocs_c;
	uint64_t	rt_nfrees;
	const uint8_t	*rt_sites;	/* 8-byte entries */
	const uint8_t	*rt_caches;	/* 16-byte entries */
	const uint8_t	*rt_phases;	/* 16-byte entries */
	const char	*rt_strings;
	uint32_t	rt_strsize;
	const uint8_t	*rt_events;
	uint32_t	rt_evsize;
	/* Found by replay_check's walk over the events. */
	uint64_t	rt_peak_bytes;	/* live requested bytes at the peak */
	uint64_t	rt_peak_event;	/* 0-based event index of the peak */
	uint64_t	rt_peak_objects;
	uint64_t	rt_live_end;	/* objects never freed */
	uint64_t	rt_live_bytes_end;
	uint32_t	rt_maxcpu;	/* highest CPU an event names */
};

/* What a replay measured. */
struct replay_stats {
	enum replay_mode rs_mode;
	uint64_t	rs_events, rs_allocs, rs_frees;
	uint64_t	rs_pattern_errors;	/* bytes lost or shared */
	uint64_t	rs_misaligned;		/* below min(align, page) */
	uint64_t	rs_misaligned_by[PAGE_SHIFT + 1]; /* by log2(align) */
	uint64_t	rs_failed;		/* allocations that failed */
	uint64_t	rs_guarded;	/* allocations MemGuard took */
	uint64_t	rs_cross_frees;	/* freed on another CPU than made */
	uint64_t	rs_tsc_loop;	/* the timed pass's loop */
	uint64_t	rs_tsc_loop_proof; /* the proof pass's, less pattern */
	uint64_t	rs_tsc_alloc;	/* proof pass: allocation calls alone */
	uint64_t	rs_tsc_free;	/* proof pass: free calls alone */
	uint64_t	rs_ns;		/* wall time of the timed pass */
	uint64_t	rs_timed_failed; /* allocations the timed pass lost */
	uint64_t	rs_peak_bytes;	/* live requested bytes at the peak */
	uint64_t	rs_peak_event;
	uint64_t	rs_peak_handed;	/* bytes in items handed out then */
	u_long		rs_free_base;	/* free pages before the replay */
	u_long		rs_free_peak;	/* free pages at the peak event */
	u_long		rs_pages_base;	/* held before the replay */
	u_long		rs_pages_peak;	/* held at the peak event */
	u_long		rs_pages_end;	/* at the end, after uma_reclaim */
	u_long		rs_pages_end_before_reclaim;
	u_long		rs_pages_after;	/* everything freed, reclaimed */
	uint64_t	rs_live_bytes_end;
	uint64_t	rs_live_end;
	u_long		rs_footprint_peak_permille;
	u_long		rs_footprint_end_permille;
	u_long		rs_footprint_sys_permille; /* free pages gone, at peak */
	u_long		rs_types_nonzero;	/* types not back to zero */
	u_long		rs_zones_leaked;	/* zones left with items */
	int		rs_nsamples;
	struct replay_sample {
		uint64_t	event;
		uint64_t	live_bytes;	/* requested */
		uint64_t	handed_bytes;	/* in items handed out */
		u_long		pages;		/* held, above the base */
	} rs_samples[REPLAY_NSAMPLES + 2];
};

/*
 * Check an image; 0 and *rt filled in, or an errno with a reason in why
 * ("event N: ...").  Never trusts the image: every offset, count, index
 * and varint is bounded, and the event stream's checksum must match.
 */
int	replay_check(const void *image, size_t size, struct replay_trace *rt,
	    char *why, size_t whylen);

/* FNV-1a over len bytes, as trace2bin.py computes it. */
uint32_t replay_fnv1a(const void *data, size_t len);

/*
 * Replay a checked trace in a mode; 0, or an errno (ENXIO: the mode needs
 * what this kernel lacks, such as MemGuard or a second CPU).  at_peak, if
 * not NULL, is called right after the peak event (the replay's malloc
 * types and zones still exist).
 */
int	replay_run(const struct replay_trace *rt, enum replay_mode mode,
	    struct replay_stats *rs, void (*at_peak)(void *), void *arg);

/* During a replay (from at_peak): object id's memory, or NULL. */
void	*replay_object(uint32_t id);

const char *replay_mode_name(enum replay_mode mode);
/* Print the REPLAY lines (and BENCH lines if bench is set). */
void	replay_print(const struct replay_trace *rt,
	    const struct replay_stats *rs, int bench);

#endif /* !_SYS_REPLAY_H_ */
