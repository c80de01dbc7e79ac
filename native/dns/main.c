/* tscompose-dns <names-file> <address> <port>: the embedded resolver of one network.
 *
 * Where it runs and why: tscompose has no daemon, so each network gets one small detached process, started by
 * `network create` (and again by the next attach if it died), listening on the bridge's gateway address, UDP
 * and TCP. Containers get `nameserver <gateway>` in resolv.conf, like Docker's 127.0.0.11. It is C and not
 * Node because it stays resident for every network: about 1 MiB instead of about 40 MiB.
 *
 * Answers: names of the network (A, TTL 0, every replica, sorted); any other type for a known name is an empty
 * NOERROR (so clients do not go upstream for AAAA); an unknown single-label name is NXDOMAIN at once; other
 * names are forwarded to the client's `dns` servers or the host's, 1 s per server, then SERVFAIL. The process
 * exits when its names file is gone (network removed, or left behind by a crash). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include "dns.h"

#define MAX_PENDING 128
#define MAX_TCP 32
#define FORWARD_MS 1000
#define TCP_IDLE_MS 10000
#define CHECK_MS 5000
#define BUF 4096

/* A forwarded query waiting for an upstream: its own socket connected to the current server. */
struct pending {
  int fd;                       /* -1 between two upstreams */
  uint8_t query[BUF];
  size_t len;
  struct question qs;
  struct upstream ups[DNS_MAX_UPSTREAMS];
  size_t n_ups, next;
  long long deadline;
  struct sockaddr_in client;    /* UDP client */
  int tcp;                      /* >= 0: reply on this TCP connection (checked against tcp_gen) */
  unsigned tcp_gen;
};

struct tcp_conn {
  int fd;
  uint8_t buf[2 + BUF];
  size_t have;
  long long idle_deadline;
};

static const char *names_file;
static uint32_t self_addr;
static int udp_fd = -1, tcp_fd = -1;
/* allocated while in use: an idle resolver touches only a few pages (it stays resident for every network) */
static struct pending *pend[MAX_PENDING];
static struct tcp_conn *conns[MAX_TCP];
static unsigned tcp_gen[MAX_TCP];
static volatile sig_atomic_t stop;

static long long now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void on_signal(int sig) { (void)sig; stop = 1; }

static void tcp_close(int i) {
  if (!conns[i]) return;
  close(conns[i]->fd);
  free(conns[i]);
  conns[i] = NULL;
  tcp_gen[i]++;
}

/* One framed reply on a TCP connection; a client that does not read is dropped rather than waited for. */
static void tcp_reply(int i, const uint8_t *msg, size_t len) {
  uint8_t frame[2 + BUF];
  if (len > BUF) return;
  frame[0] = (uint8_t)(len >> 8); frame[1] = (uint8_t)len;
  memcpy(frame + 2, msg, len);
  if (send(conns[i]->fd, frame, len + 2, MSG_NOSIGNAL | MSG_DONTWAIT) != (ssize_t)(len + 2)) tcp_close(i);
}

static void reply(const struct pending *p, const uint8_t *msg, size_t len) {
  if (p->tcp >= 0) {
    if (conns[p->tcp] && tcp_gen[p->tcp] == p->tcp_gen) tcp_reply(p->tcp, msg, len);
  } else {
    sendto(udp_fd, msg, len, MSG_DONTWAIT, (const struct sockaddr *)&p->client, sizeof p->client);
  }
}

static void pending_done(int i) {
  if (pend[i]->fd >= 0) close(pend[i]->fd);
  free(pend[i]);
  pend[i] = NULL;
}

/* Sends the query to the next upstream; when none is left the client gets SERVFAIL. */
static void forward_next(int i) {
  struct pending *p = pend[i];
  if (p->fd >= 0) { close(p->fd); p->fd = -1; }
  while (p->next < p->n_ups) {
    struct upstream u = p->ups[p->next++];
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) break;
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = u.port, .sin_addr.s_addr = u.addr };
    if (connect(fd, (struct sockaddr *)&to, sizeof to) == 0 && send(fd, p->query, p->len, 0) == (ssize_t)p->len) {
      p->fd = fd;
      p->deadline = now_ms() + FORWARD_MS;
      return;
    }
    close(fd);
  }
  uint8_t out[BUF];
  size_t n = dns_build_servfail(p->query, &p->qs, out, sizeof out);
  if (n > 0) reply(p, out, n);
  pending_done(i);
}

static void forward_reply(int i) {
  struct pending *p = pend[i];
  uint8_t buf[BUF];
  ssize_t n = recv(p->fd, buf, sizeof buf, 0);
  if (n < 0) {
    if (errno == EAGAIN || errno == EINTR) return;
    forward_next(i);                    /* ECONNREFUSED: nobody there, try the next one now */
    return;
  }
  if (n < 12 || memcmp(buf, p->query, 2) != 0) return;  /* not the answer to our query */
  reply(p, buf, (size_t)n);
  pending_done(i);
}

/* Answers from the table, or starts a forward; `tcp` < 0 for a UDP client. */
static void handle_query(const uint8_t *q, size_t n, uint32_t client_addr, const struct sockaddr_in *client, int tcp) {
  struct question qs;
  if (dns_parse_query(q, n, &qs) < 0) return;
  if (table_refresh(names_file) < 0) { stop = 1; return; }
  uint32_t ips[DNS_MAX_IPS];
  size_t count = table_lookup(client_addr, qs.name, ips, DNS_MAX_IPS);
  uint8_t out[BUF];
  size_t len = 0;
  if (count > 0) {
    int a = qs.type == 1 && qs.klass == 1;
    len = dns_build_answer(q, &qs, 0, ips, a ? count : 0, tcp >= 0 ? sizeof out : DNS_UDP_LIMIT, out, sizeof out);
  } else if (strchr(qs.name, '.') == NULL) {
    len = dns_build_answer(q, &qs, 3, NULL, 0, sizeof out, out, sizeof out);
  } else {
    int slot = -1;
    for (int i = 0; i < MAX_PENDING && slot < 0; i++) if (!pend[i]) slot = i;
    struct pending *p = slot >= 0 && n <= BUF ? malloc(sizeof *p) : NULL;
    if (!p) {
      len = dns_build_servfail(q, &qs, out, sizeof out);  /* too many at once: fail fast, never queue */
    } else {
      memcpy(p->query, q, n);
      p->fd = -1;
      p->len = n;
      p->qs = qs;
      p->n_ups = table_upstreams(client_addr, self_addr, p->ups, DNS_MAX_UPSTREAMS);
      p->next = 0;
      p->tcp = tcp;
      p->tcp_gen = tcp >= 0 ? tcp_gen[tcp] : 0;
      if (client) p->client = *client;
      pend[slot] = p;
      forward_next(slot);
      return;
    }
  }
  if (len == 0) return;
  if (tcp >= 0) tcp_reply(tcp, out, len);
  else sendto(udp_fd, out, len, MSG_DONTWAIT, (const struct sockaddr *)client, sizeof *client);
}

static void udp_readable(void) {
  for (;;) {
    uint8_t buf[BUF];
    struct sockaddr_in from;
    socklen_t fl = sizeof from;
    ssize_t n = recvfrom(udp_fd, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
    if (n < 0) return;
    handle_query(buf, (size_t)n, from.sin_addr.s_addr, &from, -1);
  }
}

static void tcp_accept(void) {
  for (;;) {
    int fd = accept4(tcp_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    int slot = -1;
    for (int i = 0; i < MAX_TCP && slot < 0; i++) if (!conns[i]) slot = i;
    struct tcp_conn *c = slot >= 0 ? malloc(sizeof *c) : NULL;
    if (!c) { close(fd); continue; }
    c->fd = fd;
    c->have = 0;
    c->idle_deadline = now_ms() + TCP_IDLE_MS;
    conns[slot] = c;
  }
}

static void tcp_readable(int i) {
  struct tcp_conn *c = conns[i];
  ssize_t n = recv(c->fd, c->buf + c->have, sizeof c->buf - c->have, 0);
  if (n <= 0) {
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    tcp_close(i);
    return;
  }
  c->have += (size_t)n;
  c->idle_deadline = now_ms() + TCP_IDLE_MS;
  struct sockaddr_in peer;
  socklen_t pl = sizeof peer;
  uint32_t addr = getpeername(c->fd, (struct sockaddr *)&peer, &pl) == 0 ? peer.sin_addr.s_addr : 0;
  /* handle_query may close this connection (a failed reply): re-check it on every round */
  while (conns[i] == c && c->have >= 2) {
    size_t len = (size_t)(c->buf[0] << 8 | c->buf[1]);
    if (len > BUF) { tcp_close(i); return; }
    if (c->have < 2 + len) return;
    uint8_t msg[BUF];
    memcpy(msg, c->buf + 2, len);
    memmove(c->buf, c->buf + 2 + len, c->have - 2 - len);
    c->have -= 2 + len;
    handle_query(msg, len, addr, NULL, i);
  }
}

static int open_sockets(const char *address, int port) {
  struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
  if (inet_pton(AF_INET, address, &sa.sin_addr) != 1) { errno = EINVAL; return -1; }
  self_addr = sa.sin_addr.s_addr;
  udp_fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (udp_fd < 0 || bind(udp_fd, (struct sockaddr *)&sa, sizeof sa) < 0) return -1;
  tcp_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(tcp_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (tcp_fd < 0 || bind(tcp_fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(tcp_fd, 16) < 0) return -1;
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: tscompose-dns <names-file> <address> <port>\n");
    return 2;
  }
  names_file = argv[1];
  int port = atoi(argv[3]);
  if (port <= 0 || port > 65535) { fprintf(stderr, "resolver: port \"%s\" is not a port\n", argv[3]); return 2; }
  if (open_sockets(argv[2], port) < 0) {
    fprintf(stderr, "resolver %s:%d: %s\n", argv[2], port, strerror(errno));
    return 1;
  }
  if (table_refresh(names_file) < 0) { fprintf(stderr, "resolver: names file %s: %s\n", names_file, strerror(errno)); return 1; }
  struct sigaction sa = { .sa_handler = on_signal };
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  /* the starter waits for this line, then closes its end: stdout must not be written to again */
  fputs("ready\n", stdout);
  fflush(stdout);
  int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (devnull >= 0) { dup2(devnull, 1); close(devnull); }

  struct pollfd pfd[2 + MAX_PENDING + MAX_TCP];
  int owner[2 + MAX_PENDING + MAX_TCP];   /* 0 udp, 1 tcp listen, 2+i pending i, 1000+i conn i */
  long long next_check = now_ms() + CHECK_MS;
  while (!stop) {
    int n = 0;
    pfd[n] = (struct pollfd){ udp_fd, POLLIN, 0 }; owner[n++] = 0;
    pfd[n] = (struct pollfd){ tcp_fd, POLLIN, 0 }; owner[n++] = 1;
    long long now = now_ms(), wake = next_check;
    for (int i = 0; i < MAX_PENDING; i++) {
      if (!pend[i]) continue;
      pfd[n] = (struct pollfd){ pend[i]->fd, POLLIN, 0 }; owner[n++] = 2 + i;
      if (pend[i]->deadline < wake) wake = pend[i]->deadline;
    }
    for (int i = 0; i < MAX_TCP; i++) {
      if (!conns[i]) continue;
      pfd[n] = (struct pollfd){ conns[i]->fd, POLLIN, 0 }; owner[n++] = 1000 + i;
      if (conns[i]->idle_deadline < wake) wake = conns[i]->idle_deadline;
    }
    int r = poll(pfd, (nfds_t)n, wake > now ? (int)(wake - now) : 0);
    if (r < 0 && errno != EINTR) break;
    for (int k = 0; r > 0 && k < n; k++) {
      if (!pfd[k].revents) continue;
      int o = owner[k];
      if (o == 0) udp_readable();
      else if (o == 1) tcp_accept();
      /* an earlier event of this round may have closed (or reused) the slot */
      else if (o >= 1000) { if (conns[o - 1000] && conns[o - 1000]->fd == pfd[k].fd) tcp_readable(o - 1000); }
      else if (pend[o - 2] && pend[o - 2]->fd == pfd[k].fd) forward_reply(o - 2);
    }
    now = now_ms();
    for (int i = 0; i < MAX_PENDING; i++) if (pend[i] && pend[i]->deadline <= now) forward_next(i);
    for (int i = 0; i < MAX_TCP; i++) if (conns[i] && conns[i]->idle_deadline <= now) tcp_close(i);
    if (now >= next_check) {
      /* the names file is gone when the network was removed without us being told */
      if (table_refresh(names_file) < 0) break;
      next_check = now + CHECK_MS;
    }
  }
  return 0;
}
