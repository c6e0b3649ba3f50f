// What Glibc hides from Swift: epoll, eventfd, signalfd and the _GNU_SOURCE calls the
// event loop needs. Every symbol of our own carries the `tglinux_` prefix.
#ifndef TOKENGATE_CLINUX_H
#define TOKENGATE_CLINUX_H

#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>

/// accept4(2) with SOCK_NONBLOCK | SOCK_CLOEXEC.
int tglinux_accept_nonblocking(int listener, struct sockaddr *address, socklen_t *length);

/// epoll_ctl(2) for `fd` with `events`, carrying `fd` itself as the event's data.
int tglinux_epoll_control(int epoll, int operation, int fd, uint32_t events);

/// The file descriptor carried by an event that `tglinux_epoll_control` registered.
int tglinux_event_fd(const struct epoll_event *event);

/// The event bits of an event.
uint32_t tglinux_event_bits(const struct epoll_event *event);

/// Blocks `signals` in the calling thread (and the threads it creates later) and returns a
/// non-blocking signalfd that reads them, or -1.
int tglinux_signalfd_for(const int *signals, int count);

/// Reads one pending signal number from a signalfd, or -1 when none is pending.
int tglinux_read_signal(int fd);

/// Sets an integer socket option.
int tglinux_set_socket_option(int fd, int level, int name, int value);

#endif
