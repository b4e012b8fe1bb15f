/* The cfg script's routes: the route type, event routes, and the fixup flag modules export
 * with their functions. */
#include "shim.h"
#include "core/route.h"
#include "core/action.h"
#include "core/sr_module.h"

int krs_get_route_type(void)
{
	return get_route_type();
}

void krs_set_route_type(int t)
{
	set_route_type(t);
}

int krs_run_event_route(int rt, struct sip_msg *msg)
{
	struct run_act_ctx ctx;
	int backup = get_route_type();
	set_route_type(EVENT_ROUTE);
	init_run_actions_ctx(&ctx);
	run_top_route(event_rt.rlist[rt], msg, &ctx);
	set_route_type(backup);
	return 0;
}

int krs_event_route_lookup(const char *name)
{
	int rt = route_lookup(&event_rt, (char *)name);
	if (rt < 0 || event_rt.rlist[rt] == NULL)
		return -1;
	return rt;
}

const unsigned int krs_param_use_func = PARAM_USE_FUNC;
