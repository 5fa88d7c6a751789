/* --explain PORT[/PROTO]...: what a port number means. */
#include <stdio.h>

#include "pnet/list.h"

int list_explain(const struct pnet_opts *o)
{
	(void)o;
	fputs("pnet: --explain is not implemented yet\n", stderr);
	return 1;
}
