/* B/ctl.sock: the shim's control socket, one JSON line per connection each way.
 * The socket is bound and reached relative to the bundle dir (the monitor's cwd, or /proc/self/fd/N/ for
 * clients) because a bundle path under a deep TSCOMPOSE_ROOT can exceed sun_path's 108 bytes. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include "spec.h"

int ctl_listen(const struct spec *sp, char *err, size_t errlen) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) { errf(err, errlen, "ctl socket: %m"); return -1; }
  struct sockaddr_un a = { .sun_family = AF_UNIX };
  strcpy(a.sun_path, "ctl.sock");  /* relative: cwd is the bundle dir */
  unlink("ctl.sock");
  if (bind(fd, (struct sockaddr *)&a, sizeof a) || listen(fd, 16)) { errf(err, errlen, "ctl socket %s/ctl.sock: %m", sp->bundle); close(fd); return -1; }
  chmod("ctl.sock", 0600);
  return fd;
}

/* Connects to B/ctl.sock, sends one line, reads one line of reply (without the newline). */
int ctl_request(const char *bundle, const char *line, char *reply, size_t replylen, int timeout_ms) {
  int dfd = open(bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) { snprintf(reply, replylen, "open bundle %s: %s", bundle, strerror(errno)); return -1; }
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un a = { .sun_family = AF_UNIX };
  snprintf(a.sun_path, sizeof a.sun_path, "/proc/self/fd/%d/ctl.sock", dfd);
  if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a)) {
    snprintf(reply, replylen, "the shim of %s is not running (connect ctl.sock: %s)", bundle, strerror(errno));
    close(dfd); if (fd >= 0) close(fd);
    return -1;
  }
  close(dfd);
  if (write_all(fd, line, strlen(line)) || write_all(fd, "\n", 1)) { snprintf(reply, replylen, "ctl.sock write: %s", strerror(errno)); close(fd); return -1; }
  size_t n = 0;
  int64_t deadline = mono_ms() + timeout_ms;
  while (n + 1 < replylen) {
    struct pollfd p = { fd, POLLIN, 0 };
    int left = (int)(deadline - mono_ms());
    if (left <= 0 || poll(&p, 1, left) <= 0) { snprintf(reply, replylen, "timed out waiting for the shim's reply"); close(fd); return -1; }
    ssize_t r = read(fd, reply + n, replylen - 1 - n);
    if (r <= 0) break;
    n += (size_t)r;
    if (memchr(reply, '\n', n)) break;
  }
  close(fd);
  reply[n] = '\0';
  char *nl = strchr(reply, '\n');
  if (nl) *nl = '\0';
  if (n == 0) { snprintf(reply, replylen, "the shim closed ctl.sock without a reply"); return -1; }
  return 0;
}

/* ---- the server side: ops on the running monitor ---- */
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <termios.h>
#include "monitor.h"

static void reply(int fd, bool ok, const char *fmt, const char *msg) {
  struct sbuf b = {0};
  if (ok) sb_printf(&b, "{\"ok\":true%s}\n", fmt ? fmt : "");
  else { sb_put(&b, "{\"ok\":false,\"error\":", 20); sb_json_str(&b, msg, strlen(msg)); sb_put(&b, "}\n", 2); }
  write_all(fd, b.p, b.len);
  free(b.p);
}

static void exit_fields(struct mon *m, char *buf, size_t len) {
  snprintf(buf, len, ",\"status\":\"%s\",\"exitCode\":%d", m->st.status, m->st.has_exit ? m->st.exit_code : -1);
}

void mon_reply_waiters(struct mon *m) {
  char f[96];
  exit_fields(m, f, sizeof f);
  for (int i = 0; i < m->nwaiters; i++) { reply(m->waiters[i], true, f, NULL); close(m->waiters[i]); }
  m->nwaiters = 0;
}

/* an explicit stop/kill: no restart; a container waiting out its backoff just becomes exited */
static bool cancel_restart(struct mon *m) {
  if (strcmp(m->st.status, "restarting")) return false;
  m->restart_at = 0;
  m->st.status = "exited";
  m->done = true;
  mon_write_state(m);
  return true;
}

static void op_stop(struct mon *m, int fd, const struct jv *req) {
  int sig = (int)json_int(req, "signal", m->sp->stop_signal);
  int64_t timeout = json_int(req, "timeoutMs", 10000);
  m->st.stop_requested = true;
  mon_write_state(m);
  if (cancel_restart(m) || !m->child) { char f[96]; exit_fields(m, f, sizeof f); reply(fd, true, f, NULL); close(fd); return; }
  if (!strcmp(m->st.status, "paused")) { cg_freeze(m->cg, false); m->st.status = "running"; }
  if (!strcmp(m->st.status, "created")) sig = SIGKILL;  /* never started: nothing to shut down gracefully */
  kill(m->child, sig);
  int64_t at = mono_ms() + (timeout > 0 ? timeout : 0);
  if (!m->kill_at || at < m->kill_at) m->kill_at = at ? at : 1;
  if (m->nwaiters < MAX_WAITERS) m->waiters[m->nwaiters++] = fd;
  else { reply(fd, false, NULL, "too many stop requests in flight"); close(fd); }
}

static void op_kill(struct mon *m, int fd, const struct jv *req) {
  int sig = (int)json_int(req, "signal", SIGKILL);
  m->st.stop_requested = true;
  mon_write_state(m);
  if (cancel_restart(m) || !m->child) { reply(fd, true, NULL, NULL); close(fd); return; }
  if (!strcmp(m->st.status, "paused") && (sig == SIGKILL || sig == SIGTERM)) { cg_freeze(m->cg, false); m->st.status = "running"; mon_write_state(m); }
  if (kill(m->child, sig)) { char e[128]; errf(e, sizeof e, "kill %d: %m", sig); reply(fd, false, NULL, e); }
  else reply(fd, true, NULL, NULL);
  close(fd);
}

static void op_pause(struct mon *m, int fd, bool pause) {
  const char *want = pause ? "running" : "paused";
  char e[160];
  if (strcmp(m->st.status, want)) { snprintf(e, sizeof e, "container %s is %s, not %s", m->sp->name, m->st.status, want); reply(fd, false, NULL, e); close(fd); return; }
  if (cg_freeze(m->cg, pause)) { reply(fd, false, NULL, pause ? "freeze failed" : "thaw failed"); close(fd); return; }
  m->st.status = pause ? "paused" : "running";
  mon_write_state(m);
  reply(fd, true, NULL, NULL);
  close(fd);
}

static void op_resize(struct mon *m, int fd, const struct jv *req) {
  struct winsize ws = { (unsigned short)json_int(req, "rows", 24), (unsigned short)json_int(req, "cols", 80), 0, 0 };
  if (m->tty_m < 0) reply(fd, false, NULL, "the container has no terminal");
  else if (ioctl(m->tty_m, TIOCSWINSZ, &ws)) reply(fd, false, NULL, "resize failed");
  else reply(fd, true, NULL, NULL);
  close(fd);
}

static void op_attach(struct mon *m, int fd) {
  if (m->tty_m < 0) { reply(fd, false, NULL, "attach needs a container with a terminal (tty: true)"); close(fd); return; }
  if (m->nattach >= MAX_ATTACH) { reply(fd, false, NULL, "too many attached clients"); close(fd); return; }
  reply(fd, true, NULL, NULL);
  fcntl(fd, F_SETFL, O_NONBLOCK);
  m->attach[m->nattach++] = fd;
}

/* non-tty containers with shim.json stdin.open: the connection becomes a byte stream into fd 0 (stdin.c) */
static void op_stdin(struct mon *m, int fd, const char *early, size_t nearly) {
  char e[200];
  if (!m->sp->stdin_open) snprintf(e, sizeof e, "container %s has no open stdin (it needs stdin_open, or run -i, without a terminal)", m->sp->name);
  else if (m->stdin_closed) snprintf(e, sizeof e, "the stdin of container %s was closed when its first attach ended", m->sp->name);
  else if (m->nin >= MAX_STDIN) snprintf(e, sizeof e, "too many stdin clients");
  else {
    reply(fd, true, m->sp->stdin_once ? ",\"once\":true" : ",\"once\":false", NULL);
    stdin_add_client(m, fd, early, nearly);
    return;
  }
  reply(fd, false, NULL, e);
  close(fd);
}

void mon_tty_broadcast(struct mon *m, const char *buf, size_t n, const char *stream) {
  if (!m->sp->terminal) return;
  for (int i = 0; i < m->nattach; i++) {
    /* a slow client loses output rather than stalling the container (the log has it all) */
    if (write(m->attach[i], buf, n) < 0 && errno != EAGAIN) { close(m->attach[i]); m->attach[i] = m->attach[--m->nattach]; i--; }
  }
}

void mon_tty_drop_clients(struct mon *m) {
  for (int i = 0; i < m->nattach; i++) close(m->attach[i]);
  m->nattach = 0;
}

void mon_attach_input(struct mon *m, int k) {
  char buf[4096];
  ssize_t r = read(m->attach[k], buf, sizeof buf);
  if (r <= 0) {
    if (r < 0 && errno == EAGAIN) return;
    close(m->attach[k]);
    m->attach[k] = m->attach[--m->nattach];
    return;
  }
  if (m->tty_m >= 0) write_all(m->tty_m, buf, (size_t)r);
}

void mon_ctl_accept(struct mon *m) {
  int fd = accept4(m->ctl_fd, NULL, NULL, SOCK_CLOEXEC);
  if (fd < 0) return;
  /* one short line per request: a client that does not send it within 2 s is dropped */
  struct timeval tv = { 2, 0 };
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char line[1024];
  size_t n = 0;
  while (n < sizeof line - 1) {
    ssize_t r = read(fd, line + n, sizeof line - 1 - n);
    if (r <= 0) break;
    n += (size_t)r;
    if (memchr(line, '\n', n)) break;
  }
  /* a stdin client may send its first bytes right behind the request line: they are its, not the request's */
  char *nl = memchr(line, '\n', n);
  size_t req_len = nl ? (size_t)(nl - line) : n;
  const char *early = nl ? nl + 1 : line + n;
  size_t nearly = n - (nl ? req_len + 1 : req_len);
  line[n] = '\0';
  char perr[128];
  char reqline[1024];
  memcpy(reqline, line, req_len);
  reqline[req_len] = '\0';
  struct jv *req = json_parse(reqline, perr, sizeof perr);
  const char *op = json_str(req, "op");
  if (!op) { reply(fd, false, NULL, "bad request: expected {\"op\":...}"); close(fd); json_free(req); return; }
  char e[600];
  if (!strcmp(op, "start")) {
    if (mon_start(m, e, sizeof e)) { reply(fd, false, NULL, e); if (!strcmp(m->st.status, "exited")) m->done = true; }
    else reply(fd, true, NULL, NULL);
    close(fd);
  } else if (!strcmp(op, "stop")) op_stop(m, fd, req);
  else if (!strcmp(op, "kill")) op_kill(m, fd, req);
  else if (!strcmp(op, "wait")) {
    /* answered with the stop waiters when the container exits for good (not at a restart) */
    if (m->nwaiters < MAX_WAITERS) m->waiters[m->nwaiters++] = fd;
    else { reply(fd, false, NULL, "too many waiters"); close(fd); }
  }
  else if (!strcmp(op, "pause")) op_pause(m, fd, true);
  else if (!strcmp(op, "resume") || !strcmp(op, "unpause")) op_pause(m, fd, false);
  else if (!strcmp(op, "resize")) op_resize(m, fd, req);
  else if (!strcmp(op, "attach")) op_attach(m, fd);
  else if (!strcmp(op, "stdin")) op_stdin(m, fd, early, nearly);
  else { snprintf(e, sizeof e, "unknown op %s", op); reply(fd, false, NULL, e); close(fd); }
  json_free(req);
}
