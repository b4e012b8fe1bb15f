/* Script variables: the getter the pv module registered for $var. */
#include "shim.h"

/* defined by the core (core/pvapi.c, 5.6 to 6.1) and declared in none of its headers */
pv_export_t *pv_lookup_spec_name(str *pvname, pv_spec_p e);

pv_getf_t krs_scriptvar_getter(void)
{
	str name = STR_STATIC_INIT("var");
	pv_spec_t spec;
	pv_export_t *e;

	memset(&spec, 0, sizeof(spec));
	e = pv_lookup_spec_name(&name, &spec);
	return e != NULL ? e->getf : NULL;
}
