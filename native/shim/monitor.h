/* The monitor's state, shared by monitor.c (lifecycle), ctl.c (ctl.sock ops) and health.c. */
#ifndef SHIM_MONITOR_H
#define SHIM_MONITOR_H
#include "spec.h"

#define MAX_WAITERS 8
#define MAX_ATTACH 4

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
int runc_spawn(struct mon *m, char *err, size_t errlen);
int runc_start(struct mon *m, char *err, size_t errlen);

void health_schedule_first(struct mon *m);
void health_timers(struct mon *m, int64_t now);
void health_read(struct mon *m);
void health_done(struct mon *m, int status);
void health_cancel(struct mon *m);
#endif
