/* The monitor's state, shared by monitor.c (lifecycle), ctl.c (ctl.sock ops) and health.c. */
#ifndef SHIM_MONITOR_H
#define SHIM_MONITOR_H
#include <poll.h>
#include "spec.h"

#define MAX_WAITERS 8
#define MAX_ATTACH 4
#define MAX_STDIN 4
#define STDIN_BUF 16384

/* a ctl.sock connection that turned into a byte stream into the container's stdin (op "stdin") */
struct stdin_client { int fd; size_t off, len; char buf[STDIN_BUF]; };

struct mon {
  struct spec *sp;
  struct cgroups *cg;
  struct logw *lw;
  struct state st;
  struct hstate hs;
  int ctl_fd;
  int report_fd;   /* to the create invocation until it has its answer; never inherited by the container */
  pid_t child; uint64_t pid_start;
  int sync_w, report_r, out_r, err_r, tty_m;
  uint64_t oom_before;
  int64_t run_started_ms, backoff_ms, restart_at, kill_at;
  int waiters[MAX_WAITERS]; int nwaiters;     /* stop requests answered at exit */
  int attach[MAX_ATTACH]; int nattach;        /* tty attach streams */
  /* shim.json stdin.open: the write end of this run's stdin pipe (-1 between runs and once closed) */
  int stdin_w; bool stdin_closed;
  struct stdin_client in[MAX_STDIN]; int nin;
  /* health check in flight */
  pid_t hc_pid; int hc_out; int64_t hc_next, hc_deadline; struct sbuf hc_buf; char hc_start[40]; bool hc_timed_out;
  bool done;
};

void mon_close_io(struct mon *m);
void mon_write_state(struct mon *m);
int mon_start(struct mon *m, char *err, size_t errlen);
void mon_ctl_accept(struct mon *m);
void mon_reply_waiters(struct mon *m);
void mon_tty_broadcast(struct mon *m, const char *buf, size_t n, const char *stream);
void mon_tty_drop_clients(struct mon *m);
void mon_attach_input(struct mon *m, int k);

void mon_keep_netns(struct mon *m, pid_t pid);

/* stdin.c */
int stdin_pipe(struct mon *m, int *rd, char *err, size_t errlen);
void stdin_add_client(struct mon *m, int fd, const char *early, size_t nearly);
int stdin_pollfds(struct mon *m, struct pollfd *pf);
void stdin_events(struct mon *m, const struct pollfd *pf, int n);
void stdin_run_ended(struct mon *m);
int runc_spawn(struct mon *m, char *err, size_t errlen);
int runc_start(struct mon *m, char *err, size_t errlen);

void health_schedule_first(struct mon *m);
void health_timers(struct mon *m, int64_t now);
void health_read(struct mon *m);
void health_done(struct mon *m, int status);
void health_cancel(struct mon *m);
#endif
