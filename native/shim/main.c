/* tscompose-shim: creates one container and stays alive as its monitor (see PROTOCOL.md).
 * This file holds the commands and the few helpers every other file uses. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "spec.h"

int write_all(int fd, const void *buf, size_t n) {
  const char *p = buf;
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) { if (errno == EINTR) continue; return -1; }
    p += w; n -= (size_t)w;
  }
  return 0;
}

int write_file(const char *path, const char *data) {
  int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0) return -1;
  int r = write_all(fd, data, strlen(data));
  int e = errno;
  close(fd);
  errno = e;
  return r;
}

int mkdir_p(const char *path, mode_t mode) {
  char *p = strdup(path);
  for (char *s = p + 1; *s; s++) {
    if (*s != '/') continue;
    *s = '\0';
    if (mkdir(p, mode) && errno != EEXIST) { free(p); return -1; }
    *s = '/';
  }
  int r = mkdir(p, mode);
  free(p);
  if (r && errno == EEXIST) { struct stat st; if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) return 0; errno = ENOTDIR; }
  return r;
}

void errf(char *err, size_t errlen, const char *fmt, ...) {
  if (!err) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
}

int64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* create/run: detach the monitor (double fork, setsid, stdio to /dev/null, no inherited fds, so the CLI's
 * pipes close), then wait for its one-line verdict on the report pipe. */
static int cmd_create(const char *bundle, bool autostart) {
  struct spec sp;
  char err[600];
  if (spec_load(bundle, &sp, err, sizeof err)) {
    fprintf(stderr, "tscompose-shim: %s container %s: %s\n", autostart ? "run" : "create", sp.name ? sp.name : bundle, err);
    return 1;
  }
  int rep[2];
  if (pipe2(rep, O_CLOEXEC)) { perror("tscompose-shim: pipe"); return 1; }
  fflush(NULL);
  pid_t mid = fork();
  if (mid < 0) { perror("tscompose-shim: fork"); return 1; }
  if (mid == 0) {
    setsid();
    if (fork() != 0) _exit(0);
    int nul = open("/dev/null", O_RDWR);
    dup2(nul, 0); dup2(nul, 1); dup2(nul, 2);
    if (dup2(rep[1], 3) < 0) _exit(1);
    syscall(SYS_close_range, 4, ~0U, 0);
    umask(022);
    monitor_run(&sp, 3, autostart);
    _exit(1);
  }
  close(rep[1]);
  waitpid(mid, NULL, 0);
  char buf[700];
  size_t n = 0;
  ssize_t r;
  while (n < sizeof buf - 1 && (r = read(rep[0], buf + n, sizeof buf - 1 - n)) > 0) n += (size_t)r;
  buf[n] = '\0';
  if (n == 2 && !memcmp(buf, "ok", 2)) return 0;
  fprintf(stderr, "tscompose-shim: %s container %s: %s\n", autostart ? "run" : "create", sp.name, n ? buf : "the shim died during setup");
  return 1;
}

static int cmd_ctl(const char *bundle, const char *line, const char *what) {
  char reply[1024];
  if (ctl_request(bundle, line, reply, sizeof reply, 600000)) { fprintf(stderr, "tscompose-shim: %s: %s\n", what, reply); return 1; }
  char perr[64];
  struct jv *v = json_parse(reply, perr, sizeof perr);
  if (!v || !json_bool(v, "ok", false)) {
    const char *e = json_str(v, "error");
    fprintf(stderr, "tscompose-shim: %s: %s\n", what, e ? e : reply);
    return 1;
  }
  if (strcmp(what, "start")) puts(reply);
  return 0;
}

/* cleanup B: after the shim died (kill -9, host crash), kill what is left in the container's cgroups,
 * remove them and ctl.sock, and mark the state exited. Refuses while the shim lives. */
static int cmd_cleanup(const char *bundle) {
  struct spec sp;
  char err[600];
  if (spec_load(bundle, &sp, err, sizeof err)) { fprintf(stderr, "tscompose-shim: cleanup: %s\n", err); return 1; }
  char *sp_path = bundle_path(&sp, "state.json"), *text = read_file(sp_path, NULL);
  char perr[64];
  struct jv *st = text ? json_parse(text, perr, sizeof perr) : NULL;
  pid_t shim = (pid_t)json_int(st, "shimPid", 0);
  if (shim > 0 && proc_alive(shim, (uint64_t)json_int(st, "shimStartTime", -1))) {
    fprintf(stderr, "tscompose-shim: cleanup: the shim of %s is still running (pid %d)\n", sp.name, (int)shim);
    return 1;
  }
  struct cgroups *cg = cg_open(&sp);
  cg_kill_all(cg);
  /* runc's own record and the cgroups it made in every hierarchy (more than the shim's list) */
  if (sp.use_runc) runc_delete_stale(&sp);
  cg_destroy(cg);
  char *sock = bundle_path(&sp, "ctl.sock");
  unlink(sock);
  const char *status = json_str(st, "status");
  if (st && status && strcmp(status, "exited") && strcmp(status, "dead")) {
    struct state s = {0};
    s.status = "exited";
    s.shim_pid = shim;
    s.shim_start = (uint64_t)json_int(st, "shimStartTime", 0);
    s.has_exit = true; s.exit_code = 137; s.signal = 9;
    const char *started = json_str(st, "startedAt");
    snprintf(s.started_at, sizeof s.started_at, "%s", started ? started : "");
    now_rfc3339(s.finished_at, sizeof s.finished_at);
    s.restart_count = (int)json_int(st, "restartCount", 0);
    s.stop_requested = json_bool(st, "stopRequested", false);
    s.error = "the shim died; the container was killed with it";
    state_write(&sp, &s);
  }
  return 0;
}

/* wait B: blocks until the container has exited for good; prints the exit code. If the shim is already
 * gone, state.json has the answer. */
static int cmd_wait(const char *bundle) {
  char reply[1024];
  int rc = ctl_request(bundle, "{\"op\":\"wait\"}", reply, sizeof reply, 24 * 3600 * 1000);
  char perr[64], *p;
  if (asprintf(&p, "%s/state.json", bundle) < 0) return 1;
  char *text = read_file(p, NULL);
  free(p);
  struct jv *st = text ? json_parse(text, perr, sizeof perr) : NULL;
  const char *status = json_str(st, "status");
  if (rc && (!status || strcmp(status, "exited"))) { fprintf(stderr, "tscompose-shim: wait: %s\n", reply); return 1; }
  printf("%lld\n", (long long)json_int(st, "exitCode", -1));
  return 0;
}

/* init -- cmd args...: the `init: true` pid 1 for runtime runc, where this (static) binary is bind-mounted
 * read-only into the container as /sbin/docker-init, as docker does with docker-init. */
extern char **environ;
static int cmd_init(int argc, char **argv) {
  int i = 2;
  if (i < argc && !strcmp(argv[i], "--")) i++;
  if (i >= argc) { fprintf(stderr, "usage: tscompose-shim init -- cmd [args...]\n"); return 2; }
  char cwd[4096];
  if (!getcwd(cwd, sizeof cwd)) strcpy(cwd, "/");
  char *path = proc_resolve(argv[i], environ, cwd);
  if (!path) { fprintf(stderr, "init: exec: \"%s\": executable file not found in $PATH\n", argv[i]); return 127; }
  /* exec failures of the command are reported on stderr: the container's log */
  int report = fcntl(2, F_DUPFD_CLOEXEC, 3);
  return init_main(path, argv + i, environ, report);
}

static int usage(void) {
  fprintf(stderr, "usage: tscompose-shim create|start|run|cleanup BUNDLE\n"
                  "       tscompose-shim stop BUNDLE [timeoutMs] | kill BUNDLE [signal] | pause|resume|wait BUNDLE\n"
                  "       tscompose-shim exec BUNDLE [-t] [-i] [-e K=V]... [-u uid[:gid]] [-w dir] [--privileged] -- cmd...\n"
                  "       tscompose-shim init -- cmd...   (pid 1 of an `init: true` container under runc)\n"
                  "       tscompose-shim --version | --syscalls\n");
  return 2;
}

int main(int argc, char **argv) {
  if (argc < 2) return usage();
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--version")) { printf("tscompose-shim %s\n", SHIM_VERSION); return 0; }
  if (!strcmp(cmd, "--syscalls")) { seccomp_list(); return 0; }
  if (!strcmp(cmd, "exec")) return exec_main(argc, argv);
  if (!strcmp(cmd, "init")) return cmd_init(argc, argv);
  if (argc < 3) return usage();
  const char *b = argv[2];
  char line[128];
  if (!strcmp(cmd, "create")) return cmd_create(b, false);
  if (!strcmp(cmd, "run")) return cmd_create(b, true);
  if (!strcmp(cmd, "start")) return cmd_ctl(b, "{\"op\":\"start\"}", "start");
  if (!strcmp(cmd, "cleanup")) return cmd_cleanup(b);
  if (!strcmp(cmd, "stop")) {
    snprintf(line, sizeof line, "{\"op\":\"stop\",\"timeoutMs\":%ld}", argc > 3 ? atol(argv[3]) : 10000L);
    return cmd_ctl(b, line, "stop");
  }
  if (!strcmp(cmd, "kill")) {
    snprintf(line, sizeof line, "{\"op\":\"kill\",\"signal\":%d}", argc > 3 ? atoi(argv[3]) : SIGKILL);
    return cmd_ctl(b, line, "kill");
  }
  if (!strcmp(cmd, "wait")) return cmd_wait(b);
  if (!strcmp(cmd, "pause")) return cmd_ctl(b, "{\"op\":\"pause\"}", "pause");
  if (!strcmp(cmd, "resume")) return cmd_ctl(b, "{\"op\":\"resume\"}", "resume");
  return usage();
}
