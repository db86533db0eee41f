#ifndef LT_CCURL_SHIM_H
#define LT_CCURL_SHIM_H
#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>

/* libcurl is opened with dlopen by the first request, not linked: its dependency closure (about
   fifteen shared objects of its own — nghttp2, libssh2, librtmp, GnuTLS, nettle, gmp, p11-kit, …)
   costs every process start several milliseconds in the dynamic loader, and most runs (an idle
   execute, status, daily-reset, strategy) make no HTTP request (docs/benchmarks.md "Idle tick").
   Only libcurl's stable ABI (soname libcurl.so.4) is used, so any libcurl4 package fits. */

#if defined(__APPLE__)
#define LT_CURL_LIBRARY "libcurl.4.dylib"
#else
#define LT_CURL_LIBRARY "libcurl.so.4"
#endif

struct lt_curl_api {
    void *library;
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *);
    void (*easy_reset)(CURL *);
    CURLcode (*easy_perform)(CURL *);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    const char *(*easy_strerror)(CURLcode);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
    char *(*version)(void);
};

/* Function-local statics: Swift emits the C functions it calls, not file-scope variables. */
static inline struct lt_curl_api *lt_curl_storage(void) {
    static struct lt_curl_api table;
    return &table;
}

/* All or nothing: a libcurl without one of these symbols counts as absent. */
static void lt_curl_load(void) {
    void *l = dlopen(LT_CURL_LIBRARY, RTLD_NOW | RTLD_LOCAL);
    if (!l) return;
    struct lt_curl_api t;
    t.library = l;
    *(void **)&t.global_init = dlsym(l, "curl_global_init");
    *(void **)&t.easy_init = dlsym(l, "curl_easy_init");
    *(void **)&t.easy_cleanup = dlsym(l, "curl_easy_cleanup");
    *(void **)&t.easy_reset = dlsym(l, "curl_easy_reset");
    *(void **)&t.easy_perform = dlsym(l, "curl_easy_perform");
    *(void **)&t.easy_setopt = dlsym(l, "curl_easy_setopt");
    *(void **)&t.easy_getinfo = dlsym(l, "curl_easy_getinfo");
    *(void **)&t.easy_strerror = dlsym(l, "curl_easy_strerror");
    *(void **)&t.slist_append = dlsym(l, "curl_slist_append");
    *(void **)&t.slist_free_all = dlsym(l, "curl_slist_free_all");
    *(void **)&t.version = dlsym(l, "curl_version");
    if (!t.global_init || !t.easy_init || !t.easy_cleanup || !t.easy_reset || !t.easy_perform || !t.easy_setopt
        || !t.easy_getinfo || !t.easy_strerror || !t.slist_append || !t.slist_free_all || !t.version) {
        dlclose(l);
        return;
    }
    *lt_curl_storage() = t;
}

/* The table once loaded (thread-safe); `library` is NULL when libcurl could not be opened. */
static inline const struct lt_curl_api *lt_curl(void) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, lt_curl_load);
    return lt_curl_storage();
}

/* Loads libcurl and runs its global set-up: CURLE_FAILED_INIT when libcurl is not installed. The
   other functions may be called only after this returned CURLE_OK. */
static inline CURLcode lt_curl_global_init(long flags) {
    const struct lt_curl_api *c = lt_curl();
    return c->library ? c->global_init(flags) : CURLE_FAILED_INIT;
}
static inline CURL *lt_curl_easy_init(void) { return lt_curl()->easy_init(); }
static inline void lt_curl_easy_cleanup(CURL *h) { lt_curl()->easy_cleanup(h); }
static inline void lt_curl_easy_reset(CURL *h) { lt_curl()->easy_reset(h); }
static inline CURLcode lt_curl_easy_perform(CURL *h) { return lt_curl()->easy_perform(h); }
static inline const char *lt_curl_easy_strerror(CURLcode c) { return lt_curl()->easy_strerror(c); }
static inline struct curl_slist *lt_curl_slist_append(struct curl_slist *l, const char *s) {
    return lt_curl()->slist_append(l, s);
}
static inline void lt_curl_slist_free_all(struct curl_slist *l) {
    if (l) lt_curl()->slist_free_all(l);
}
/* The loaded libcurl's version text, or NULL when it cannot be opened. */
static inline const char *lt_curl_version(void) {
    const struct lt_curl_api *c = lt_curl();
    return c->library ? c->version() : NULL;
}

/* curl_easy_setopt / curl_easy_getinfo are variadic, which Swift cannot call: one typed
   static inline wrapper per argument type. */
static inline CURLcode lt_curl_setopt_long(CURL *h, CURLoption o, long v) { return lt_curl()->easy_setopt(h, o, v); }
static inline CURLcode lt_curl_setopt_ptr(CURL *h, CURLoption o, const void *v) {
    return lt_curl()->easy_setopt(h, o, v);
}
static inline CURLcode lt_curl_setopt_off(CURL *h, CURLoption o, curl_off_t v) {
    return lt_curl()->easy_setopt(h, o, v);
}
static inline CURLcode lt_curl_setopt_write(CURL *h, CURLoption o, size_t (*f)(char *, size_t, size_t, void *)) {
    return lt_curl()->easy_setopt(h, o, f);
}
static inline CURLcode lt_curl_getinfo_long(CURL *h, CURLINFO i, long *v) { return lt_curl()->easy_getinfo(h, i, v); }
static inline CURLcode lt_curl_getinfo_double(CURL *h, CURLINFO i, double *v) {
    return lt_curl()->easy_getinfo(h, i, v);
}
#endif
