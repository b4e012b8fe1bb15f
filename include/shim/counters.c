/* Module statistics through the core's counters (counter_add() is static inline). */
#include "shim.h"
#include "core/compiler_opt.h"

void krs_counter_add(unsigned short id, int n)
{
	counter_handle_t h;

	/* before mod_init registers a counter its handle is 0, the core's "invalid counter":
	 * slot 0 of each row exists and nothing reads it */
	if (unlikely(_cnts_vals == NULL))
		return;
	h.id = id;
	counter_add(h, n);
}
