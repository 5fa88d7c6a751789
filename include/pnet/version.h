#ifndef PNET_VERSION_H
#define PNET_VERSION_H
#define PNET_VERSION "0.1.0"
#endif
