/* Health checks, run by the monitor through the exec path (this binary's `exec` command), as docker does:
 * starting → healthy on the first success, unhealthy after `retries` consecutive failures; failures in
 * the start period do not count; the last 5 results with their output (first 4 KiB) go to state.json. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "monitor.h"

#define OUTPUT_MAX 4096

static char self_exe[4096];

static bool in_start_period(struct mon *m, int64_t now) {
  return m->sp->health->start_period_ms > 0 && now - m->run_started_ms < m->sp->health->start_period_ms;
}

static int64_t next_delay(struct mon *m, int64_t now) {
  const struct health *h = m->sp->health;
  return in_start_period(m, now) && m->hs.status == 0 ? h->start_interval_ms : h->interval_ms;
}

void health_schedule_first(struct mon *m) {
  if (!self_exe[0] && readlink("/proc/self/exe", self_exe, sizeof self_exe - 1) < 0) self_exe[0] = '\0';
  memset(&m->hs, 0, sizeof m->hs);  /* a (re)started container is "starting" again */
  int64_t now = mono_ms();
  m->hc_next = now + next_delay(m, now);
}

static void run_check(struct mon *m, int64_t now) {
  int p[2];
  m->hc_next = 0;
  if (pipe2(p, O_CLOEXEC)) { m->hc_next = now + m->sp->health->interval_ms; return; }
  now_rfc3339(m->hc_start, sizeof m->hc_start);
  const struct health *h = m->sp->health;
  pid_t pid = fork();
  if (pid == 0) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL);
    int nul = open("/dev/null", O_RDONLY);
    dup2(nul, 0); dup2(p[1], 1); dup2(p[1], 2);
    char **argv = calloc((size_t)h->ntest + 5, sizeof *argv);
    int n = 0;
    argv[n++] = "tscompose-shim"; argv[n++] = "exec"; argv[n++] = m->sp->bundle; argv[n++] = "--";
    for (int i = 0; i < h->ntest; i++) argv[n++] = h->test[i];
    execv(self_exe, argv);
    _exit(127);
  }
  close(p[1]);
  if (pid < 0) { close(p[0]); m->hc_next = now + h->interval_ms; return; }
  m->hc_pid = pid;
  m->hc_out = p[0];
  fcntl(p[0], F_SETFL, O_NONBLOCK);
  m->hc_deadline = now + h->timeout_ms;
  m->hc_timed_out = false;
  m->hc_buf.len = 0;
}

void health_read(struct mon *m) {
  char buf[1024];
  for (;;) {
    ssize_t r = read(m->hc_out, buf, sizeof buf);
    if (r > 0) {
      size_t room = m->hc_buf.len < OUTPUT_MAX ? OUTPUT_MAX - m->hc_buf.len : 0;
      if (room) sb_put(&m->hc_buf, buf, (size_t)r < room ? (size_t)r : room);
      continue;
    }
    if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) { close(m->hc_out); m->hc_out = -1; }
    return;
  }
}

void health_done(struct mon *m, int status) {
  if (m->hc_out >= 0) health_read(m);
  if (m->hc_out >= 0) { close(m->hc_out); m->hc_out = -1; }
  m->hc_pid = 0;
  m->hc_deadline = 0;
  int64_t now = mono_ms();
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  struct hstate *hs = &m->hs;
  if (hs->nlog == 5) {
    free(hs->log[0].output);
    memmove(&hs->log[0], &hs->log[1], 4 * sizeof hs->log[0]);
    hs->nlog = 4;
  }
  struct hresult *r = &hs->log[hs->nlog++];
  memset(r, 0, sizeof *r);
  snprintf(r->start, sizeof r->start, "%s", m->hc_start);
  now_rfc3339(r->end, sizeof r->end);
  if (m->hc_timed_out) {
    char msg[96];
    snprintf(msg, sizeof msg, "Health check exceeded timeout (%lldms)", (long long)m->sp->health->timeout_ms);
    r->exit_code = -1;
    r->output = strdup(msg);
  } else {
    r->exit_code = code;
    r->output = strdup(m->hc_buf.p && m->hc_buf.len ? m->hc_buf.p : "");
  }
  if (r->exit_code == 0) { hs->status = 1; hs->streak = 0; }
  else if (!in_start_period(m, now) || hs->status != 0) {
    hs->streak++;
    if (hs->streak >= m->sp->health->retries) hs->status = 2;
  }
  if (m->child) {
    mon_write_state(m);
    m->hc_next = now + next_delay(m, now);
  }
}

void health_timers(struct mon *m, int64_t now) {
  if (!m->sp->health) return;
  if (m->hc_pid && m->hc_deadline && now >= m->hc_deadline) {
    /* killing the exec helper kills the probe too: it holds PDEATHSIG on its child */
    m->hc_timed_out = true;
    m->hc_deadline = 0;
    kill(m->hc_pid, SIGKILL);
  }
  if (!m->hc_pid && m->hc_next && now >= m->hc_next && m->child && !strcmp(m->st.status, "running")) run_check(m, now);
}

void health_cancel(struct mon *m) {
  if (m->hc_pid) kill(m->hc_pid, SIGKILL);
  m->hc_next = 0;
  m->hc_deadline = 0;
  /* the helper is reaped by the loop; its result is dropped because the container is gone */
}
