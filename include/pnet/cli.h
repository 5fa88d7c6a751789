#ifndef PNET_CLI_H
#define PNET_CLI_H

#include "pnet/opts.h"

/* Parse argv into *o. Returns 0, or 2 after printing one message naming the bad
 * option or value and a usage hint on stderr. */
int cli_parse(int argc, char **argv, struct pnet_opts *o);

/* Print the help text to stdout. */
void cli_usage(void);

/* Entry point: parse, run, return the exit status. */
int pnet_main(int argc, char **argv);

#endif
