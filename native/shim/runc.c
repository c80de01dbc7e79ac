/* `runtime: "runc"`: Debian's runc creates the container from the same config.json, the shim stays its
 * monitor. The rootfs is mounted by the shim in a mount namespace of its own (so nothing of it reaches the
 * host and a killed shim leaves no mount); `runc create` then gets the container's stdio pipes (or a
 * console socket for a terminal), the container's init is reparented to the shim (a child subreaper) and
 * reaped by it like the shim's own container process; `runc start` releases it; `runc delete` removes
 * runc's state and cgroups after each exit. runc's state lives in B/runc, so it goes with the bundle. */
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
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include "spec.h"
#include "monitor.h"

#define CONSOLE_SOCK "console.sock"

/* Runs runc with argv (argv[0] ignored) and the given stdio; returns its exit status (-1: could not run).
 * The monitor blocks SIGCHLD, so waiting for this one pid does not disturb the loop's reaping. */
static int run_runc(const struct spec *sp, const char *const *args, int in, int out, int errfd) {
  char root[4096], log[4096];
  snprintf(root, sizeof root, "%s/runc", sp->bundle);
  snprintf(log, sizeof log, "%s/runc.log", sp->bundle);
  const char *argv[24];
  int n = 0;
  argv[n++] = "runc"; argv[n++] = "--root"; argv[n++] = root;
  argv[n++] = "--log"; argv[n++] = log; argv[n++] = "--log-format"; argv[n++] = "json";
  for (int i = 0; args[i] && n < 23; i++) argv[n++] = args[i];
  argv[n] = NULL;
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL);
    int nul = open("/dev/null", O_RDWR);
    dup2(in >= 0 ? in : nul, 0);
    dup2(out >= 0 ? out : nul, 1);
    dup2(errfd >= 0 ? errfd : nul, 2);
    syscall(SYS_close_range, 3, ~0U, 0);
    execv(sp->runc_path, (char *const *)argv);
    dprintf(2, "exec %s: %s", sp->runc_path, strerror(errno));
    _exit(127);
  }
  int status;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* What runc said on a failure: its stderr, else the last "msg" of its json log. */
static void runc_error(const struct spec *sp, int errfd, const char *verb, char *err, size_t errlen) {
  char buf[600];
  ssize_t n = errfd >= 0 ? read(errfd, buf, sizeof buf - 1) : -1;
  if (n > 0) {
    buf[n] = '\0';
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' ')) buf[--n] = '\0';
    /* runc names itself ("runc create failed: ..."): no second prefix then */
    if (!strncmp(buf, "runc ", 5)) errf(err, errlen, "%s", buf);
    else errf(err, errlen, "runc %s: %s", verb, buf);
    return;
  }
  char *p = bundle_path(sp, "runc.log"), *text = read_file(p, NULL);
  free(p);
  char *last = NULL;
  for (char *line = text ? strtok(text, "\n") : NULL; line; line = strtok(NULL, "\n")) last = line;
  char perr[64];
  struct jv *j = last ? json_parse(last, perr, sizeof perr) : NULL;
  const char *msg = json_str(j, "msg");
  errf(err, errlen, "runc %s failed%s%s", verb, msg ? ": " : "", msg ? msg : " (no message)");
  free(text);
}

void runc_delete(const struct spec *sp) {
  const char *args[] = { "delete", "--force", sp->id, NULL };
  run_runc(sp, args, -1, -1, -1);
}

/* only when runc still has state for this id (a cheap check: the common case has none) */
void runc_delete_stale(const struct spec *sp) {
  char state[4096];
  snprintf(state, sizeof state, "%s/runc/%s", sp->bundle, sp->id);
  if (access(state, F_OK) == 0) runc_delete(sp);
}

/* In the monitor, once: a private mount namespace (slave, so host mounts still reach it), the rootfs on
 * root.path, and no stale runc state from a shim that died (a host reboot, kill -9). */
int runc_prepare(const struct spec *sp, char *err, size_t errlen) {
  if (access(sp->runc_path, X_OK)) { errf(err, errlen, "runtime runc: %s: %m", sp->runc_path); return -1; }
  if (unshare(CLONE_NEWNS)) { errf(err, errlen, "runtime runc: unshare the mount namespace: %m"); return -1; }
  if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL)) { errf(err, errlen, "runtime runc: make / a slave mount: %m"); return -1; }
  if (mounts_rootfs(sp, err, errlen)) return -1;
  runc_delete_stale(sp);
  return 0;
}

static int recv_fd(int sock) {
  char byte;
  struct iovec iov = { &byte, 1 };
  union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
  int fd = -1;
  if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) < 0) return -1;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) memcpy(&fd, CMSG_DATA(c), sizeof(int));
  return fd;
}

/* The console socket is bound relative to the bundle dir (the monitor's and runc's cwd): the bundle path
 * can be longer than sun_path. */
static int console_listen(char *err, size_t errlen) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un a = { .sun_family = AF_UNIX };
  strcpy(a.sun_path, CONSOLE_SOCK);
  unlink(CONSOLE_SOCK);
  if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) || listen(fd, 1)) { errf(err, errlen, "console socket: %m"); if (fd >= 0) close(fd); return -1; }
  return fd;
}

static int console_receive(int lfd, char *err, size_t errlen) {
  struct pollfd p = { lfd, POLLIN, 0 };
  int c = poll(&p, 1, 0) == 1 ? accept4(lfd, NULL, NULL, SOCK_CLOEXEC) : -1;
  int m = c >= 0 ? recv_fd(c) : -1;
  if (c >= 0) close(c);
  if (m < 0) errf(err, errlen, "runc create: no terminal arrived on the console socket");
  return m;
}

/* A restart must come back into the network namespace the first run made (spec.h keep_netns), and runc only
 * takes that as a path in config.json: the bundle's config.json is copied to B/restart/ with the path
 * (/proc/<shim>/fd/<n>, the shim's own handle) and an absolute root.path. B/config.json stays as written. */
static int restart_bundle(const struct spec *sp, char *err, size_t errlen) {
  char *cp = bundle_path(sp, "config.json"), *text = read_file(cp, NULL), perr[128];
  free(cp);
  struct jv *cfg = text ? json_parse(text, perr, sizeof perr) : NULL;
  free(text);
  if (!cfg) { errf(err, errlen, "restart: read config.json: %m"); return -1; }
  json_set(json_get(cfg, "root"), "path", json_new_str(sp->root));
  struct jv *ns = json_get(json_get(cfg, "linux"), "namespaces");
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)getpid(), sp->keep_netns);
  for (int i = 0; ns && ns->t == J_ARR && i < ns->len; i++) {
    const char *t = json_str(ns->items[i], "type");
    if (t && !strcmp(t, "network") && !json_str(ns->items[i], "path")) json_set(ns->items[i], "path", json_new_str(path));
  }
  struct sbuf b = {0};
  json_dump(&b, cfg);
  json_free(cfg);
  int rc = 0;
  if (mkdir("restart", 0700) && errno != EEXIST) rc = -1;
  int fd = rc ? -1 : open("restart/config.json", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0 || write_all(fd, b.p, b.len)) rc = -1;
  if (fd >= 0) close(fd);
  free(b.p);
  if (rc) errf(err, errlen, "restart: write restart/config.json: %m");
  return rc;
}

/* `runc create`: on success the container waits for `runc start` with m->child its init's host pid. */
int runc_spawn(struct mon *m, char *err, size_t errlen) {
  struct spec *sp = m->sp;
  int out[2] = {-1, -1}, errp[2] = {-1, -1}, msg[2] = {-1, -1}, lfd = -1, in_r = -1;
  if (pipe2(msg, O_CLOEXEC)) { errf(err, errlen, "pipe: %m"); return -1; }
  if (stdin_pipe(m, &in_r, err, errlen)) goto fail;
  if (!sp->terminal && (pipe2(out, O_CLOEXEC) || pipe2(errp, O_CLOEXEC))) { errf(err, errlen, "pipe: %m"); goto fail; }
  if (sp->terminal && (lfd = console_listen(err, errlen)) < 0) goto fail;
  unlink("runc.pid");
  /* runc resolves the console socket after it chdir'ed into the bundle it was given: name it from there */
  bool again = sp->keep_netns >= 0;
  char bundle[4096];
  snprintf(bundle, sizeof bundle, again ? "%s/restart" : "%s", sp->bundle);
  if (again && restart_bundle(sp, err, errlen)) goto fail;
  char *pidfile = bundle_path(sp, "runc.pid");
  const char *args[] = { "create", "--bundle", bundle, "--pid-file", pidfile,
                         sp->terminal ? "--console-socket" : sp->id, sp->terminal ? (again ? "../" CONSOLE_SOCK : CONSOLE_SOCK) : NULL, sp->id, NULL };
  /* without a terminal, runc hands its own stdio to the container: the output pipes; runc's errors then
   * land there too, which is fine, as a failed create has no container output to mix them with */
  /* runc passes its stdin on too: the stdin pipe's read end (else /dev/null) */
  int rc = run_runc(sp, args, in_r, sp->terminal ? -1 : out[1], sp->terminal ? msg[1] : errp[1]);
  free(pidfile);
  if (in_r >= 0) { close(in_r); in_r = -1; }
  close(msg[1]); msg[1] = -1;
  if (out[1] >= 0) { close(out[1]); close(errp[1]); out[1] = errp[1] = -1; }
  if (rc != 0) {
    if (errp[0] >= 0) fcntl(errp[0], F_SETFL, O_NONBLOCK);
    runc_error(sp, sp->terminal ? msg[0] : errp[0], "create", err, errlen);
    runc_delete(sp);
    goto fail;
  }
  char *pidtext = read_file("runc.pid", NULL);
  pid_t pid = pidtext ? (pid_t)atoi(pidtext) : 0;
  free(pidtext);
  if (pid <= 0) { errf(err, errlen, "runc create: no pid file"); runc_delete(sp); goto fail; }
  if (sp->terminal) {
    m->tty_m = console_receive(lfd, err, errlen);
    close(lfd); lfd = -1;
    unlink(CONSOLE_SOCK);
    if (m->tty_m < 0) { runc_delete(sp); goto fail; }
    fcntl(m->tty_m, F_SETFL, O_NONBLOCK);
  } else {
    m->out_r = out[0]; m->err_r = errp[0];
    fcntl(m->out_r, F_SETFL, O_NONBLOCK); fcntl(m->err_r, F_SETFL, O_NONBLOCK);
  }
  close(msg[0]);
  mon_keep_netns(m, pid);
  m->child = pid;
  m->pid_start = proc_start_time(pid);
  m->st.pid = pid;
  m->st.pid_start = m->pid_start;
  /* counted from this cgroup's birth: runc made it just now */
  m->oom_before = cg_oom_kills(m->cg);
  return 0;
fail:
  for (int *f = out; f < out + 2; f++) if (*f >= 0) close(*f);
  for (int *f = errp; f < errp + 2; f++) if (*f >= 0) close(*f);
  for (int *f = msg; f < msg + 2; f++) if (*f >= 0) close(*f);
  if (lfd >= 0) { close(lfd); unlink(CONSOLE_SOCK); }
  if (in_r >= 0) close(in_r);
  stdin_run_ended(m);
  return -1;
}

/* `runc start`: the container's process execs its command. */
int runc_start(struct mon *m, char *err, size_t errlen) {
  int e[2];
  if (pipe2(e, O_CLOEXEC)) { errf(err, errlen, "pipe: %m"); return -1; }
  const char *args[] = { "start", m->sp->id, NULL };
  int rc = run_runc(m->sp, args, -1, -1, e[1]);
  close(e[1]);
  if (rc != 0) runc_error(m->sp, e[0], "start", err, errlen);
  close(e[0]);
  return rc == 0 ? 0 : -1;
}
