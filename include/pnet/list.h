/* The listing: backend -> filter -> enrich -> format, and its error messages. */
#ifndef PNET_LIST_H
#define PNET_LIST_H

#include "pnet/opts.h"

/* Run the listing (once, or every delay with -c). Returns the exit status. */
int list_run(const struct pnet_opts *o);
/* --explain PORT...: returns the exit status. */
int list_explain(const struct pnet_opts *o);

#endif
