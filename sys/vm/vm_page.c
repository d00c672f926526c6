/*
 * The page layer.  (Bootstrap placeholder: counts only.)
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/vmmeter.h>

struct vmmeter	vm_cnt;
