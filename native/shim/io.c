/* docker json-file logs: one JSON object per line of output,
 * {"log":"text\n","stream":"stdout","time":"2026-11-21T22:07:52.123456789Z"}, with max-size/max-file
 * rotation (<path>.1 is the newest rotated file, as docker names them). Partial lines are held per stream
 * until a newline or 16 KiB (docker's limit), so the shim's memory stays small. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include "spec.h"

#define LINE_MAX_BYTES 16384

struct partial { char *buf; size_t len; };
struct logw {
  char *path; int fd; int64_t size, max_size; int max_file;
  struct partial part[2];  /* stdout, stderr */
};

/* UTC by arithmetic (days → civil date, Howard Hinnant's algorithm): glibc's gmtime_r loads /etc/localtime
 * on first use, a file read the monitor does not need. */
void rfc3339nano(char *buf, size_t len, const struct timespec *ts) {
  int64_t secs = ts->tv_sec, days = secs / 86400, rem = secs % 86400;
  if (rem < 0) { rem += 86400; days--; }
  int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) y++;
  snprintf(buf, len, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%09ldZ", (long long)y, (long long)m, (long long)d,
           (long long)(rem / 3600), (long long)(rem / 60 % 60), (long long)(rem % 60), ts->tv_nsec);
}

struct logw *log_open(const struct spec *sp, char *err, size_t errlen) {
  if (!sp->log_path) return NULL;  /* logging "none" */
  struct logw *lw = calloc(1, sizeof *lw);
  lw->path = sp->log_path;
  lw->max_size = sp->log_max_size;
  lw->max_file = sp->log_max_file;
  lw->fd = open(lw->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (lw->fd < 0) { errf(err, errlen, "open log %s: %m", lw->path); free(lw); return NULL; }
  struct stat st;
  lw->size = fstat(lw->fd, &st) == 0 ? st.st_size : 0;
  return lw;
}

static void rotate(struct logw *lw) {
  char a[4096], b[4096];
  if (lw->max_file > 1) {
    for (int i = lw->max_file - 1; i >= 1; i--) {
      snprintf(a, sizeof a, "%s.%d", lw->path, i);
      if (i == lw->max_file - 1) { unlink(a); continue; }
      snprintf(b, sizeof b, "%s.%d", lw->path, i + 1);
      rename(a, b);
    }
    snprintf(a, sizeof a, "%s.1", lw->path);
    rename(lw->path, a);
    close(lw->fd);
    lw->fd = open(lw->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  } else if (ftruncate(lw->fd, 0)) { /* keep appending; the log just grows */ }
  lw->size = 0;
}

static void emit_line(struct logw *lw, const char *stream, const char *data, size_t n) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  char tbuf[48];
  rfc3339nano(tbuf, sizeof tbuf, &ts);
  struct sbuf b = {0};
  sb_put(&b, "{\"log\":", 7);
  sb_json_str(&b, data, n);
  sb_printf(&b, ",\"stream\":\"%s\",\"time\":\"%s\"}\n", stream, tbuf);
  if (lw->max_size > 0 && lw->size > 0 && lw->size + (int64_t)b.len > lw->max_size) rotate(lw);
  if (lw->fd >= 0 && write_all(lw->fd, b.p, b.len) == 0) lw->size += (int64_t)b.len;
  free(b.p);
}

void log_write(struct logw *lw, const char *stream, const char *data, size_t n) {
  if (!lw) return;
  struct partial *p = &lw->part[stream[3] == 'e' ? 1 : 0];  /* "stdout" / "stderr" */
  while (n > 0) {
    const char *nl = memchr(data, '\n', n);
    size_t take = nl ? (size_t)(nl - data) + 1 : n;
    if (p->len + take > LINE_MAX_BYTES && !nl) take = LINE_MAX_BYTES - p->len;
    if (p->len == 0 && nl) {
      emit_line(lw, stream, data, take);  /* the common case: a whole line, no copy */
    } else {
      char *nb = realloc(p->buf, p->len + take);
      if (!nb) return;
      p->buf = nb;
      memcpy(p->buf + p->len, data, take);
      p->len += take;
      if (nl || p->len >= LINE_MAX_BYTES) {
        emit_line(lw, stream, p->buf, p->len);
        free(p->buf); p->buf = NULL; p->len = 0;
      }
    }
    data += take; n -= take;
  }
}

void log_flush_partial(struct logw *lw) {
  if (!lw) return;
  for (int i = 0; i < 2; i++) {
    if (!lw->part[i].len) continue;
    emit_line(lw, i ? "stderr" : "stdout", lw->part[i].buf, lw->part[i].len);
    free(lw->part[i].buf); lw->part[i].buf = NULL; lw->part[i].len = 0;
  }
}

void log_close(struct logw *lw) {
  if (!lw) return;
  log_flush_partial(lw);
  if (lw->fd >= 0) close(lw->fd);  /* no fsync: docker's json-file does not either, and it costs ms per exit */
  free(lw);
}
