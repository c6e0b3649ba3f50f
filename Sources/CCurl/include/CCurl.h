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

/// The type of CURLOPT_WRITEFUNCTION, CURLOPT_HEADERFUNCTION and CURLOPT_READFUNCTION.
typedef size_t (*tgcurl_data_callback)(char *buffer, size_t size, size_t count, void *user);

/// The type of CURLMOPT_SOCKETFUNCTION.
typedef int (*tgcurl_socket_callback)(CURL *easy, curl_socket_t socket, int what, void *user,
                                      void *socket_user);

/// The type of CURLMOPT_TIMERFUNCTION.
typedef int (*tgcurl_timer_callback)(CURLM *multi, long timeout_ms, void *user);

/// Sets a data callback option (write, header or read function) on an easy handle.
CURLcode tgcurl_easy_setopt_data_callback(CURL *handle, CURLoption option,
                                          tgcurl_data_callback callback);

/// Sets CURLMOPT_SOCKETFUNCTION.
CURLMcode tgcurl_multi_set_socket_callback(CURLM *handle, tgcurl_socket_callback callback);

/// Sets CURLMOPT_TIMERFUNCTION.
CURLMcode tgcurl_multi_set_timer_callback(CURLM *handle, tgcurl_timer_callback callback);

/// Reads a pointer piece of information (CURLINFO_PRIVATE) from an easy handle.
CURLcode tgcurl_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value);

/// Reads a socket piece of information (CURLINFO_ACTIVESOCKET) from an easy handle.
CURLcode tgcurl_easy_getinfo_socket(CURL *handle, CURLINFO info, curl_socket_t *value);

/// The easy handle and result of a CURLMSG_DONE message, or 0 for other messages.
int tgcurl_message_done(CURLMsg *message, CURL **easy, CURLcode *result);

#endif
