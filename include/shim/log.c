/* Logging with a module name given at run time (LM_* bakes in a compile-time one). */
#include "shim.h"
#include "core/dprint.h"

int krs_log_enabled(int level, const char *mname, int mnlen)
{
	return DPRINT_NON_CRIT && get_debug_level((char *)mname, mnlen) >= level;
}

void krs_log(int level, const char *mname, int mnlen, const char *func, const char *msg,
		int msglen)
{
#undef LOG_MNAME
#undef LOG_MNAME_LEN
#define LOG_MNAME ((char *)mname)
#define LOG_MNAME_LEN mnlen
	LOG_FX(DEFAULT_FACILITY, level, NULL, "", func, "%.*s\n", msglen, msg);
}
