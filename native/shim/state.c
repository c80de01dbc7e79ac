/* B/state.json, written only by the shim and always atomically: state.json.tmp, fsync, rename. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "spec.h"

uint64_t proc_start_time(pid_t pid) {
  char p[64];
  snprintf(p, sizeof p, "/proc/%d/stat", (int)pid);
  char *s = read_file(p, NULL);
  if (!s) return 0;
  /* comm (field 2) may hold spaces and parens: count fields after the last ')' */
  char *q = strrchr(s, ')');
  uint64_t v = 0;
  if (q) {
    int field = 2;
    for (char *t = q + 1; *t; t++) {
      if (*t == ' ' && ++field == 22) { v = strtoull(t + 1, NULL, 10); break; }
    }
  }
  free(s);
  return v;
}

bool proc_alive(pid_t pid, uint64_t start) {
  char p[64];
  snprintf(p, sizeof p, "/proc/%d/stat", (int)pid);
  char *s = read_file(p, NULL);
  if (!s) return false;
  char *q = strrchr(s, ')');
  bool zombie = q && (q[2] == 'Z' || q[2] == 'X');
  free(s);
  return !zombie && proc_start_time(pid) == start;
}

void now_rfc3339(char *buf, size_t len) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  rfc3339nano(buf, len, &ts);
}

static void put_time(struct sbuf *b, const char *key, const char *t) {
  sb_printf(b, ",\"%s\":", key);
  if (t[0]) sb_printf(b, "\"%s\"", t); else sb_put(b, "null", 4);
}

int state_write(const struct spec *sp, const struct state *st) {
  static const char *const hnames[] = { "starting", "healthy", "unhealthy" };
  struct sbuf b = {0};
  sb_printf(&b, "{\"id\":\"%s\",\"status\":\"%s\",\"pid\":%d,\"pidStartTime\":%llu,\"shimPid\":%d,\"shimStartTime\":%llu",
            sp->id, st->status, (int)st->pid, (unsigned long long)st->pid_start, (int)st->shim_pid, (unsigned long long)st->shim_start);
  if (st->has_exit) sb_printf(&b, ",\"exitCode\":%d", st->exit_code); else sb_printf(&b, ",\"exitCode\":null");
  if (st->has_exit && st->signal) sb_printf(&b, ",\"signal\":%d", st->signal); else sb_printf(&b, ",\"signal\":null");
  sb_printf(&b, ",\"oomKilled\":%s", st->oom ? "true" : "false");
  put_time(&b, "startedAt", st->started_at);
  put_time(&b, "finishedAt", st->finished_at);
  sb_printf(&b, ",\"restartCount\":%d,\"stopRequested\":%s,\"error\":", st->restart_count, st->stop_requested ? "true" : "false");
  if (st->error) sb_json_str(&b, st->error, strlen(st->error)); else sb_put(&b, "null", 4);
  sb_put(&b, ",\"health\":", 10);
  if (!st->health) sb_put(&b, "null", 4);
  else {
    const struct hstate *h = st->health;
    sb_printf(&b, "{\"status\":\"%s\",\"failingStreak\":%d,\"log\":[", hnames[h->status], h->streak);
    for (int i = 0; i < h->nlog; i++) {
      const struct hresult *r = &h->log[i];
      sb_printf(&b, "%s{\"start\":\"%s\",\"end\":\"%s\",\"exitCode\":%d,\"output\":", i ? "," : "", r->start, r->end, r->exit_code);
      const char *o = r->output ? r->output : "";
      sb_json_str(&b, o, strlen(o));
      sb_put(&b, "}", 1);
    }
    sb_put(&b, "]}", 2);
  }
  sb_put(&b, "}\n", 2);
  char *tmp = bundle_path(sp, "state.json.tmp"), *fin = bundle_path(sp, "state.json");
  int rc = -1;
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd >= 0) {
    /* rename keeps readers from ever seeing a torn file; the fsync (3-5 ms on ext4) is paid only for the
     * final state, the one that must survive a host crash (a running state is void after a reboot anyway) */
    bool final = !strcmp(st->status, "exited");
    if (write_all(fd, b.p, b.len) == 0 && (rc = rename(tmp, fin)) == 0 && final) fsync(fd);  /* visible first, durable next */
    close(fd);
  }
  free(tmp); free(fin); free(b.p);
  return rc;
}
