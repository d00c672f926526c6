/*
 * Linker sets: arrays of pointers gathered by the linker from every object
 * file into a section named "set_<name>", bounded by the __start_ and
 * __stop_ symbols that ld.lld provides for such sections.
 */
#ifndef _SYS_LINKER_SET_H_
#define	_SYS_LINKER_SET_H_

#include <sys/cdefs.h>

#define	DATA_SET(set, sym)						\
	static void const * const __set_##set##_sym_##sym		\
	__section("set_" #set) __used = &(sym)

#define	SET_DECLARE(set, ptype)						\
	extern ptype *__start_set_##set[] __attribute__((__weak__));	\
	extern ptype *__stop_set_##set[] __attribute__((__weak__))

#define	SET_BEGIN(set)		(__start_set_##set)
#define	SET_LIMIT(set)		(__stop_set_##set)
#define	SET_COUNT(set)		(SET_LIMIT(set) - SET_BEGIN(set))
#define	SET_FOREACH(pvar, set)						\
	for (pvar = SET_BEGIN(set); pvar < SET_LIMIT(set); pvar++)

#endif /* !_SYS_LINKER_SET_H_ */
