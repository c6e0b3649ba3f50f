// Non-variadic wrappers over libcurl's option and info calls, which Swift cannot call
// because they are C variadics. One wrapper per argument type; every symbol carries the
// `tgcurl_` prefix.
#ifndef TOKENGATE_CCURL_H
#define TOKENGATE_CCURL_H

#include <curl/curl.h>

/// Sets a `long` option on an easy handle.
CURLcode tgcurl_easy_setopt_long(CURL *handle, CURLoption option, long value);

/// Sets a `curl_off_t` option on an easy handle.
CURLcode tgcurl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);

/// Sets a string option on an easy handle; libcurl copies the string.
CURLcode tgcurl_easy_setopt_string(CURL *handle, CURLoption option, const char *value);

/// Sets a pointer option (user data, an slist) on an easy handle.
CURLcode tgcurl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value);

/// Reads a `long` piece of information from an easy handle.
CURLcode tgcurl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);

/// Sets a `long` option on a multi handle.
CURLMcode tgcurl_multi_setopt_long(CURLM *handle, CURLMoption option, long value);

/// Sets a pointer option on a multi handle.
CURLMcode tgcurl_multi_setopt_pointer(CURLM *handle, CURLMoption option, void *value);

#endif
