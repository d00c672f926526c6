/*
 * UMA's trash callbacks, for consumers that chain them into their own
 * ctors and dtors (mbufs).  With options INVARIANTS they fill a freed item
 * with UMA's trash pattern and check it on the way out; without, they are
 * inline stubs that cost nothing, so callers carry no #ifdef.
 *   uma_dbg_trash_ctor	0, or panics "Memory modified after free"
 *   uma_dbg_trash_dtor	fills the item
 *   UMA_DBG_TRASH_INIT/FINI  keg init/fini to pass to uma_zcreate (NULL
 *			without INVARIANTS)
 */
#ifndef _VM_UMA_DBG_H_
#define	_VM_UMA_DBG_H_

#include <vm/uma.h>

int	trash_ctor(void *mem, int size, void *arg, int flags);
void	trash_dtor(void *mem, int size, void *arg);
int	trash_init(void *mem, int size, int flags);
void	trash_fini(void *mem, int size);

#ifdef INVARIANTS
static __inline int
uma_dbg_trash_ctor(void *mem, int size)
{
	return (trash_ctor(mem, size, NULL, 0));
}

static __inline void
uma_dbg_trash_dtor(void *mem, int size)
{
	trash_dtor(mem, size, NULL);
}

#define	UMA_DBG_TRASH_INIT	trash_init
#define	UMA_DBG_TRASH_FINI	trash_fini
#else
static __inline int
uma_dbg_trash_ctor(void *mem __unused, int size __unused)
{
	return (0);
}

static __inline void
uma_dbg_trash_dtor(void *mem __unused, int size __unused)
{
}

#define	UMA_DBG_TRASH_INIT	NULL
#define	UMA_DBG_TRASH_FINI	NULL
#endif

#endif /* !_VM_UMA_DBG_H_ */
