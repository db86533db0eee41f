#ifndef LT_CLIBPQ_SHIM_H
#define LT_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#include <libpq-events.h>
#endif
