/* stdin for containers without a terminal (shim.json "stdin": {"open", "once"}), as docker's OpenStdin and
 * StdinOnce: fd 0 of each run is a fresh pipe whose write end only the monitor holds, so the container's
 * `cat` or `sh` waits for input instead of reading EOF from /dev/null. ctl.sock's {"op":"stdin"} turns a
 * connection into a byte stream into that pipe. The monitor never blocks on a full pipe: each client has
 * one buffer, and a client is not read again until its buffer went into the pipe, so a slow reader in the
 * container pushes back through the socket to the sender. A client's EOF closes the pipe for good when
 * `once` (the container then reads EOF); otherwise it only ends that client. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include "monitor.h"

/* This run's pipe: *rd (the read end) is for the container's fd 0, -1 = /dev/null (no stdin, or a `once`
 * stdin already closed: a restarted run then reads EOF, as it would from the closed pipe). */
int stdin_pipe(struct mon *m, int *rd, char *err, size_t errlen) {
  *rd = -1;
  if (!m->sp->stdin_open || m->stdin_closed) return 0;
  int p[2];
  if (pipe2(p, O_CLOEXEC)) { errf(err, errlen, "stdin pipe: %m"); return -1; }
  fcntl(p[1], F_SETFL, O_NONBLOCK);
  m->stdin_w = p[1];
  *rd = p[0];
  return 0;
}

static void drop_client(struct mon *m, int k) {
  close(m->in[k].fd);
  if (k != m->nin - 1) memcpy(&m->in[k], &m->in[m->nin - 1], sizeof m->in[k]);
  m->nin--;
}

/* `once`: the container's stdin ends here, for this run and any restart */
static void close_for_good(struct mon *m) {
  if (m->stdin_w >= 0) close(m->stdin_w);
  m->stdin_w = -1;
  m->stdin_closed = true;
  while (m->nin > 0) drop_client(m, m->nin - 1);
}

/* Moves buffered input into the pipe until it is full (EAGAIN: wait for POLLOUT). */
static void flush(struct mon *m) {
  for (int k = 0; k < m->nin && m->stdin_w >= 0; k++) {
    struct stdin_client *c = &m->in[k];
    while (c->off < c->len) {
      ssize_t w = write(m->stdin_w, c->buf + c->off, c->len - c->off);
      if (w > 0) { c->off += (size_t)w; continue; }
      if (w < 0 && errno == EINTR) continue;
      if (w < 0 && errno == EAGAIN) return;
      /* EPIPE: the container closed its stdin; what it will never read is dropped, the sender goes on */
      c->off = c->len;
    }
    c->off = c->len = 0;
  }
}

void stdin_add_client(struct mon *m, int fd, const char *early, size_t nearly) {
  struct stdin_client *c = &m->in[m->nin++];
  fcntl(fd, F_SETFL, O_NONBLOCK);
  c->fd = fd;
  c->off = 0;
  /* bytes the client sent right behind its request line arrived with it */
  c->len = nearly < STDIN_BUF ? nearly : STDIN_BUF;
  if (c->len) memcpy(c->buf, early, c->len);
  flush(m);
}

static void client_read(struct mon *m, int k) {
  struct stdin_client *c = &m->in[k];
  ssize_t r = read(c->fd, c->buf, STDIN_BUF);
  if (r < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (r <= 0) {
    /* EOF or a broken connection ends the stream alike (a killed `run` must not leave its container waiting) */
    if (m->sp->stdin_once) close_for_good(m);
    else drop_client(m, k);
    return;
  }
  c->off = 0;
  c->len = (size_t)r;
  flush(m);
}

/* One pollfd per client (read only when its buffer is empty and a pipe exists), then the pipe's POLLOUT
 * when something waits for room. Always m->nin + 1 entries; negative fds are ignored by poll. */
int stdin_pollfds(struct mon *m, struct pollfd *pf) {
  bool pending = false;
  for (int k = 0; k < m->nin; k++) {
    bool busy = m->in[k].off < m->in[k].len;
    pending |= busy;
    pf[k] = (struct pollfd){ busy || m->stdin_w < 0 ? -1 : m->in[k].fd, POLLIN, 0 };
  }
  pf[m->nin] = (struct pollfd){ pending && m->stdin_w >= 0 ? m->stdin_w : -1, POLLOUT, 0 };
  return m->nin + 1;
}

void stdin_events(struct mon *m, const struct pollfd *pf, int n) {
  if (pf[n - 1].fd >= 0 && pf[n - 1].revents) flush(m);
  /* downwards: a dropped client is replaced by the last one, which was handled already */
  for (int k = n - 2; k >= 0; k--) if (k < m->nin && pf[k].fd >= 0 && pf[k].revents) client_read(m, k);
}

/* The run's process exited: its pipe goes (a restart makes a fresh one), unread input with it; the
 * clients stay connected and feed the next run. */
void stdin_run_ended(struct mon *m) {
  if (m->stdin_w >= 0) close(m->stdin_w);
  m->stdin_w = -1;
  for (int k = 0; k < m->nin; k++) m->in[k].off = m->in[k].len = 0;
}
