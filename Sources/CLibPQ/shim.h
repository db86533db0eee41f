#ifndef LT_CLIBPQ_SHIM_H
#define LT_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
