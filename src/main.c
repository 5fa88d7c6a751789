#include "pnet/cli.h"

int main(int argc, char **argv)
{
	return pnet_main(argc, argv);
}
