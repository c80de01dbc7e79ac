/* The monitor: the detached shim process that owns one container for its whole life. It creates the
 * container process (spawn), releases it on start, copies its output into the json-file log, records
 * exits (code, signal, OOM) in state.json, applies the restart policy with docker's backoff, runs health
 * checks, and serves ctl.sock. It exits once the container has exited for good, removing its cgroups. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "spec.h"
#include "monitor.h"

void mon_write_state(struct mon *m) {
  m->st.health = m->sp->health ? &m->hs : NULL;
  state_write(m->sp, &m->st);
}

/* After the first run's process exists: hold its own network namespace (not a joined or the host's) so a
 * restart comes back into it with the interfaces tscompose attached; the shim's exit lets it go. */
void mon_keep_netns(struct mon *m, pid_t pid) {
  if (m->sp->keep_netns >= 0 || !(ns_clone_flags(m->sp) & CLONE_NEWNET)) return;
  char p[64];
  snprintf(p, sizeof p, "/proc/%d/ns/net", (int)pid);
  m->sp->keep_netns = open(p, O_RDONLY | O_CLOEXEC);
}

/* Creates the container process, waits until it reports ready ('R') or an error. */
static int spawn(struct mon *m, char *err, size_t errlen) {
  if (m->sp->use_runc) return runc_spawn(m, err, errlen);
  int sync[2], rep[2], out[2] = {-1, -1}, errp[2] = {-1, -1}, tty[2] = {-1, -1};
  if (pipe2(sync, O_CLOEXEC) || pipe2(rep, O_CLOEXEC)) { errf(err, errlen, "pipe: %m"); return -1; }
  if (!m->sp->terminal && (pipe2(out, O_CLOEXEC) || pipe2(errp, O_CLOEXEC))) { errf(err, errlen, "pipe: %m"); return -1; }
  if (m->sp->terminal && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, tty)) { errf(err, errlen, "socketpair: %m"); return -1; }
  m->oom_before = cg_oom_kills(m->cg);
  /* a pid namespace given by path must be entered before the clone: it applies to children only */
  if (ns_join_paths(m->sp, CLONE_NEWPID, 0, err, errlen)) return -1;
  int in_r = -1;
  if (stdin_pipe(m, &in_r, err, errlen)) return -1;
  int flags = ns_clone_flags(m->sp) & ~CLONE_NEWCGROUP;
  pid_t pid = (pid_t)syscall(SYS_clone, (unsigned long)flags | SIGCHLD, NULL, NULL, NULL, 0);
  if (pid < 0) { errf(err, errlen, "clone the container process: %m"); if (in_r >= 0) close(in_r); stdin_run_ended(m); return -1; }
  if (pid == 0) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL);
    close(sync[1]); close(rep[0]);
    if (m->report_fd >= 0) close(m->report_fd);
    if (m->ctl_fd >= 0) close(m->ctl_fd);
    int nul = open("/dev/null", O_RDWR);
    /* only the monitor may hold the write end: the container (or its init) would never read EOF */
    if (m->stdin_w >= 0) close(m->stdin_w);
    for (int k = 0; k < m->nin; k++) close(m->in[k].fd);
    dup2(in_r >= 0 ? in_r : nul, 0);
    if (in_r >= 0) close(in_r);
    if (m->sp->terminal) { dup2(nul, 1); dup2(nul, 2); close(tty[0]); }
    else { dup2(out[1], 1); dup2(errp[1], 2); }
    if (nul > 2) close(nul);
    child_main(m->sp, m->cg, sync[0], rep[1], m->sp->terminal ? tty[1] : -1);
    _exit(127);
  }
  close(sync[0]); close(rep[1]);
  if (in_r >= 0) close(in_r);
  if (out[1] >= 0) { close(out[1]); close(errp[1]); }
  if (tty[1] >= 0) close(tty[1]);
  m->child = pid;
  m->sync_w = sync[1];
  m->report_r = rep[0];
  m->out_r = out[0]; m->err_r = errp[0];

  if (m->sp->terminal) {
    /* the child sends the pty master (or reports an error and closes) */
    char byte;
    struct iovec iov = { &byte, 1 };
    union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
    struct pollfd pf[2] = { { tty[0], POLLIN, 0 }, { rep[0], POLLIN, 0 } };
    poll(pf, 2, -1);
    if (pf[0].revents & POLLIN && recvmsg(tty[0], &msg, MSG_CMSG_CLOEXEC) == 1) {
      struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
      if (c && c->cmsg_type == SCM_RIGHTS) memcpy(&m->tty_m, CMSG_DATA(c), sizeof(int));
    }
    close(tty[0]);
  }
  /* the loop drains output until EAGAIN: these must never block the monitor */
  if (m->out_r >= 0) { fcntl(m->out_r, F_SETFL, O_NONBLOCK); fcntl(m->err_r, F_SETFL, O_NONBLOCK); }
  if (m->tty_m >= 0) fcntl(m->tty_m, F_SETFL, O_NONBLOCK);
  char buf[600];
  size_t n = 0;
  ssize_t r;
  while (n < sizeof buf - 1 && (r = read(m->report_r, buf + n, sizeof buf - 1 - n)) > 0) {
    n += (size_t)r;
    if (buf[0] == 'R') break;
  }
  buf[n] = '\0';
  if (n >= 1 && buf[0] == 'R') {
    mon_keep_netns(m, pid);
    m->pid_start = proc_start_time(pid);
    m->st.pid = pid;
    m->st.pid_start = m->pid_start;
    return 0;
  }
  errf(err, errlen, "%s", n ? buf : "the container process died during setup");
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
  m->child = 0;
  mon_close_io(m);
  stdin_run_ended(m);
  return -1;
}

void mon_close_io(struct mon *m) {
  if (m->sync_w >= 0) close(m->sync_w);
  if (m->report_r >= 0) close(m->report_r);
  m->sync_w = m->report_r = -1;
}

/* Releases the waiting process; returns once exec succeeded (report pipe EOF) or failed. */
static int release(struct mon *m, char *err, size_t errlen) {
  if (m->sp->use_runc) {
    if (runc_start(m, err, errlen)) {
      /* a container runc could not start is not left waiting: it is gone with its runc state */
      if (m->child) { kill(m->child, SIGKILL); waitpid(m->child, NULL, 0); m->child = 0; }
      mon_close_io(m);
      runc_delete(m->sp);
      return -1;
    }
  } else {
    if (write_all(m->sync_w, "S", 1)) { errf(err, errlen, "start: the container process is gone"); return -1; }
    char buf[600];
    size_t n = 0;
    ssize_t r;
    while (n < sizeof buf - 1 && (r = read(m->report_r, buf + n, sizeof buf - 1 - n)) > 0) n += (size_t)r;
    buf[n] = '\0';
    close(m->report_r); m->report_r = -1;
    if (n) { errf(err, errlen, "%s", buf); return -1; }
  }
  m->run_started_ms = mono_ms();
  m->st.status = "running";
  m->st.pid = m->child;
  m->st.pid_start = m->pid_start;
  m->st.has_exit = false; m->st.signal = 0; m->st.oom = false;
  m->st.finished_at[0] = '\0';
  now_rfc3339(m->st.started_at, sizeof m->st.started_at);
  if (m->sp->health) health_schedule_first(m);
  return 0;
}

int mon_start(struct mon *m, char *err, size_t errlen) {
  if (strcmp(m->st.status, "created")) { errf(err, errlen, "container %s is %s, not created", m->sp->name, m->st.status); return -1; }
  if (release(m, err, errlen)) {
    m->st.status = "exited";
    m->st.has_exit = true; m->st.exit_code = 127;
    m->st.error = strdup(err);
    now_rfc3339(m->st.finished_at, sizeof m->st.finished_at);
    mon_write_state(m);
    return -1;
  }
  mon_write_state(m);
  return 0;
}

static bool drain(struct mon *m, int *fd, const char *stream) {
  char buf[8192];
  /* bounded, so a container that floods its output cannot starve ctl.sock and exit handling */
  for (int round = 0; round < 64; round++) {
    ssize_t r = read(*fd, buf, sizeof buf);
    if (r > 0) { log_write(m->lw, stream, buf, (size_t)r); mon_tty_broadcast(m, buf, (size_t)r, stream); continue; }
    if (r < 0 && errno == EINTR) continue;
    if (r == 0 || (r < 0 && errno != EAGAIN)) { close(*fd); *fd = -1; }
    return false;
  }
  return true;  /* more may be waiting */
}

static bool should_restart(struct mon *m) {
  if (m->st.stop_requested) return false;
  switch (m->sp->restart_policy) {
    case RESTART_ALWAYS: case RESTART_UNLESS_STOPPED: return true;
    case RESTART_ON_FAILURE: return m->st.exit_code != 0 && (m->sp->restart_max <= 0 || m->st.restart_count < m->sp->restart_max);
    default: return false;
  }
}

static void on_exit_status(struct mon *m, int status) {
  /* output still in the pipes belongs to this run: read it before recording the exit */
  for (int *fd = &m->out_r; fd <= &m->err_r; fd++) {
    if (*fd < 0) continue;
    while (drain(m, fd, fd == &m->out_r ? "stdout" : "stderr")) {}
    if (*fd >= 0) { close(*fd); *fd = -1; }
  }
  if (m->tty_m >= 0) { while (drain(m, &m->tty_m, "stdout")) {} if (m->tty_m >= 0) close(m->tty_m); m->tty_m = -1; }
  log_flush_partial(m->lw);
  mon_close_io(m);
  mon_tty_drop_clients(m);
  stdin_run_ended(m);
  health_cancel(m);
  /* the pid namespace dies with its pid 1; shared pid namespaces can leave processes in our cgroup */
  cg_kill_all(m->cg);
  m->child = 0;
  m->st.pid = 0; m->st.pid_start = 0;
  m->st.has_exit = true;
  if (WIFEXITED(status)) { m->st.exit_code = WEXITSTATUS(status); m->st.signal = 0; }
  else { m->st.signal = WTERMSIG(status); m->st.exit_code = 128 + m->st.signal; }
  m->st.oom = cg_oom_kills(m->cg) > m->oom_before;
  if (m->st.oom) m->st.exit_code = 137;
  /* runc's record and cgroups of this run go now: a restart is a fresh `runc create` */
  if (m->sp->use_runc) runc_delete(m->sp);
  now_rfc3339(m->st.finished_at, sizeof m->st.finished_at);
  m->kill_at = 0;
  if (should_restart(m)) {
    int64_t ran = mono_ms() - m->run_started_ms;
    m->backoff_ms = (ran >= 10000 || m->backoff_ms == 0) ? 100 : m->backoff_ms * 2;
    if (m->backoff_ms > 60000) m->backoff_ms = 60000;
    m->restart_at = mono_ms() + m->backoff_ms;
    m->st.status = "restarting";
  } else {
    m->st.status = "exited";
    m->done = true;
  }
  mon_write_state(m);
  if (m->done) mon_reply_waiters(m);
}

static void do_restart(struct mon *m) {
  char err[512];
  m->restart_at = 0;
  m->st.restart_count++;
  m->st.status = "created";
  if (spawn(m, err, sizeof err) || (free(m->st.error), m->st.error = NULL, mon_start(m, err, sizeof err))) {
    /* a restart that cannot even start ends the container: record why */
    m->st.status = "exited";
    free(m->st.error);
    m->st.error = strdup(err);
    m->st.has_exit = true; m->st.exit_code = 127;
    m->done = true;
    mon_write_state(m);
    mon_reply_waiters(m);
  }
}

static void reap(struct mon *m) {
  int status;
  pid_t p;
  while ((p = waitpid(-1, &status, WNOHANG)) > 0) {
    if (p == m->child) on_exit_status(m, status);
    else if (p == m->hc_pid) health_done(m, status);
    /* anything else: an orphan reparented to us (subreaper); reaping it is all we owe it */
  }
}

static int64_t next_timeout(struct mon *m) {
  int64_t now = mono_ms(), t = -1;
  int64_t cand[] = { m->restart_at, m->kill_at, m->hc_next, m->hc_deadline };
  for (size_t i = 0; i < sizeof cand / sizeof *cand; i++) {
    if (!cand[i]) continue;
    int64_t d = cand[i] - now;
    if (d < 0) d = 0;
    if (t < 0 || d < t) t = d;
  }
  return t;
}

static void on_timers(struct mon *m) {
  int64_t now = mono_ms();
  if (m->restart_at && now >= m->restart_at) do_restart(m);
  if (m->kill_at && now >= m->kill_at) { m->kill_at = 0; if (m->child) kill(m->child, SIGKILL); }
  health_timers(m, now);
}

static void loop(struct mon *m) {
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGCHLD);
  int sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
  while (!m->done) {
    struct pollfd pf[8 + MAX_ATTACH + MAX_STDIN + 1];
    int n = 0;
    pf[n++] = (struct pollfd){ sfd, POLLIN, 0 };
    pf[n++] = (struct pollfd){ m->ctl_fd, POLLIN, 0 };
    int i_out = -1, i_err = -1, i_tty = -1, i_hc = -1, i_att = n;
    if (m->out_r >= 0) { i_out = n; pf[n++] = (struct pollfd){ m->out_r, POLLIN, 0 }; }
    if (m->err_r >= 0) { i_err = n; pf[n++] = (struct pollfd){ m->err_r, POLLIN, 0 }; }
    if (m->tty_m >= 0) { i_tty = n; pf[n++] = (struct pollfd){ m->tty_m, POLLIN, 0 }; }
    if (m->hc_out >= 0) { i_hc = n; pf[n++] = (struct pollfd){ m->hc_out, POLLIN, 0 }; }
    i_att = n;
    for (int k = 0; k < m->nattach; k++) pf[n++] = (struct pollfd){ m->attach[k], POLLIN, 0 };
    int i_in = n, n_in = stdin_pollfds(m, pf + n);
    n += n_in;
    int r = poll(pf, (nfds_t)n, (int)next_timeout(m));
    if (r < 0 && errno != EINTR) break;
    if (r > 0) {
      if (i_out >= 0 && pf[i_out].revents) drain(m, &m->out_r, "stdout");
      if (i_err >= 0 && pf[i_err].revents) drain(m, &m->err_r, "stderr");
      if (i_tty >= 0 && pf[i_tty].revents) drain(m, &m->tty_m, "stdout");
      if (i_hc >= 0 && pf[i_hc].revents) health_read(m);
      for (int k = m->nattach - 1; k >= 0; k--) if (i_att + k < i_in && pf[i_att + k].revents) mon_attach_input(m, k);
      stdin_events(m, pf + i_in, n_in);
      if (pf[0].revents) {
        struct signalfd_siginfo si;
        while (read(sfd, &si, sizeof si) == sizeof si) {}
        reap(m);
      }
      if (!m->done && pf[1].revents) mon_ctl_accept(m);
    }
    on_timers(m);
  }
  close(sfd);
}

static void mon_finish(struct mon *m) {
  log_close(m->lw);
  unlink("ctl.sock");
  cg_kill_all(m->cg);
  if (m->sp->use_runc) runc_delete_stale(m->sp);
  cg_destroy(m->cg);
}

int monitor_run(struct spec *sp, int report_fd, bool autostart) {
  static struct mon mon;
  struct mon *m = &mon;
  char err[600];
  memset(m, 0, sizeof *m);
  m->sp = sp;
  m->sync_w = m->report_r = m->out_r = m->err_r = m->tty_m = m->hc_out = m->ctl_fd = m->stdin_w = -1;
  m->report_fd = report_fd;
  m->st.shim_pid = getpid();
  m->st.shim_start = proc_start_time(getpid());
  m->st.status = "created";
  prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  signal(SIGPIPE, SIG_IGN);
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGCHLD);
  sigprocmask(SIG_BLOCK, &mask, NULL);
  if (chdir(sp->bundle)) { errf(err, sizeof err, "chdir %s: %m", sp->bundle); goto fail_early; }
  if (sp->use_runc) {
    /* runc makes and limits the cgroups (same cgroupsPath); the shim only reads and empties them */
    m->cg = cg_open(sp);
    if (runc_prepare(sp, err, sizeof err)) goto fail;
  } else {
    if (!(m->cg = cg_create(sp, err, sizeof err))) goto fail_early;
    if (cg_apply(m->cg, sp, err, sizeof err)) goto fail;
  }
  if ((m->ctl_fd = ctl_listen(sp, err, sizeof err)) < 0) goto fail;
  if (sp->log_path && !(m->lw = log_open(sp, err, sizeof err))) goto fail;
  if (spawn(m, err, sizeof err)) goto fail;
  mon_write_state(m);
  if (autostart && mon_start(m, err, sizeof err)) { write_all(report_fd, err, strlen(err)); close(report_fd); mon_finish(m); _exit(1); }
  write_all(report_fd, "ok", 2);
  close(report_fd);
  m->report_fd = -1;
  loop(m);
  mon_finish(m);
  _exit(0);
fail:
  unlink("ctl.sock");
  log_close(m->lw);
  cg_destroy(m->cg);
fail_early:
  write_all(report_fd, err, strlen(err));
  close(report_fd);
  _exit(1);
}
