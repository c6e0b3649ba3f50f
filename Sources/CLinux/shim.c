#define _GNU_SOURCE
#include "CLinux.h"

#include <pthread.h>
#include <unistd.h>

int tglinux_accept_nonblocking(int listener, struct sockaddr *address, socklen_t *length) {
    return accept4(listener, address, length, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

int tglinux_epoll_control(int epoll, int operation, int fd, uint32_t events) {
    struct epoll_event event = {.events = events, .data = {.fd = fd}};
    return epoll_ctl(epoll, operation, fd, &event);
}

int tglinux_event_fd(const struct epoll_event *event) {
    return event->data.fd;
}

uint32_t tglinux_event_bits(const struct epoll_event *event) {
    return event->events;
}

int tglinux_signalfd_for(const int *signals, int count) {
    sigset_t set;
    sigemptyset(&set);
    for (int index = 0; index < count; index++) sigaddset(&set, signals[index]);
    if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0) return -1;
    return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

int tglinux_read_signal(int fd) {
    struct signalfd_siginfo info;
    ssize_t got = read(fd, &info, sizeof info);
    return got == (ssize_t)sizeof info ? (int)info.ssi_signo : -1;
}

int tglinux_set_socket_option(int fd, int level, int name, int value) {
    return setsockopt(fd, level, name, &value, sizeof value);
}
