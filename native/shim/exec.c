/* `tscompose-shim exec B [-t] [-i] [-e K=V]... [-u uid:gid] [-w dir] [--privileged] -- cmd args...`
 * Runs a command in a running container: non-dumpable first (so the container cannot reach this host
 * binary through /proc while we are inside), same cgroups, all namespaces, then the container's user,
 * capabilities and seccomp filter. Exits with the command's status (128+N if killed by signal N). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <linux/filter.h>
#include "spec.h"

struct xopts { bool tty, in, privileged; char **env; int nenv; bool has_user; uid_t uid; gid_t gid; char *cwd; char **argv; };

static int usage(void) {
  fprintf(stderr, "usage: tscompose-shim exec BUNDLE [-t] [-i] [-e K=V]... [-u uid[:gid]] [-w dir] [--privileged] -- cmd [args...]\n");
  return 125;
}

static char **merge_env(char **base, int nbase, char **add, int nadd) {
  char **env = calloc((size_t)(nbase + nadd + 1), sizeof *env);
  int n = 0;
  for (int i = 0; i < nbase; i++) env[n++] = base[i];
  for (int i = 0; i < nadd; i++) {
    const char *eq = strchr(add[i], '=');
    size_t kl = eq ? (size_t)(eq - add[i]) : strlen(add[i]);
    int k;
    for (k = 0; k < n; k++) if (!strncmp(env[k], add[i], kl) && env[k][kl] == '=') break;
    env[k == n ? n++ : k] = add[i];
  }
  env[n] = NULL;
  return env;
}

/* the container's pid from state.json, checked against its start time so a recycled pid is never entered */
static pid_t running_pid(const struct spec *sp, char *err, size_t errlen) {
  char *p = bundle_path(sp, "state.json"), *s = read_file(p, NULL);
  free(p);
  char perr[64];
  struct jv *st = s ? json_parse(s, perr, sizeof perr) : NULL;
  const char *status = json_str(st, "status");
  pid_t pid = (pid_t)json_int(st, "pid", 0);
  uint64_t start = (uint64_t)json_int(st, "pidStartTime", 0);
  if (!status || (strcmp(status, "running") && strcmp(status, "paused"))) { errf(err, errlen, "container %s is not running", sp->name); return -1; }
  if (!strcmp(status, "paused")) { errf(err, errlen, "container %s is paused, unpause it first", sp->name); return -1; }
  if (pid <= 0 || proc_start_time(pid) != start) { errf(err, errlen, "container %s is not running (its process is gone)", sp->name); return -1; }
  return pid;
}

static volatile sig_atomic_t got_winch;
static void on_winch(int s) { (void)s; got_winch = 1; }

static void relay(int master, pid_t child) {
  struct termios saved, raw;
  bool restore = isatty(0) && tcgetattr(0, &saved) == 0;
  if (restore) { raw = saved; cfmakeraw(&raw); tcsetattr(0, TCSANOW, &raw); }
  struct winsize ws;
  if (isatty(0) && ioctl(0, TIOCGWINSZ, &ws) == 0) ioctl(master, TIOCSWINSZ, &ws);
  signal(SIGWINCH, on_winch);
  bool in_open = true;
  char buf[8192];
  for (;;) {
    if (got_winch) { got_winch = 0; if (ioctl(0, TIOCGWINSZ, &ws) == 0) ioctl(master, TIOCSWINSZ, &ws); }
    struct pollfd pf[2] = { { master, POLLIN, 0 }, { in_open ? 0 : -1, POLLIN, 0 } };
    if (poll(pf, 2, -1) < 0) { if (errno == EINTR) continue; break; }
    if (pf[0].revents) {
      ssize_t r = read(master, buf, sizeof buf);
      if (r <= 0) break;  /* EIO: the last slave closed */
      write_all(1, buf, (size_t)r);
    }
    if (pf[1].revents) {
      ssize_t r = read(0, buf, sizeof buf);
      if (r <= 0) in_open = false;
      else write_all(master, buf, (size_t)r);
    }
  }
  if (restore) tcsetattr(0, TCSANOW, &saved);
  (void)child;
}

static int open_pty(int *master, int *slave, char *err, size_t errlen) {
  *master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  int unlock = 0;
  char name[64];
  if (*master < 0 || ioctl(*master, TIOCSPTLCK, &unlock) || ptsname_r(*master, name, sizeof name)) { errf(err, errlen, "open a terminal in the container: %m"); return -1; }
  *slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (*slave < 0) { errf(err, errlen, "open %s: %m", name); return -1; }
  return 0;
}

static void exec_child(const struct spec *sp, const struct xopts *o, int slave, int report) {
  char err[512];
  if (o->tty) {
    setsid();
    ioctl(slave, TIOCSCTTY, 0);
    for (int fd = 0; fd < 3; fd++) dup2(slave, fd);
  } else if (!o->in) {
    int nul = open("/dev/null", O_RDONLY);
    dup2(nul, 0);
  }
  const char *cwd = o->cwd ? o->cwd : sp->cwd;
  if (chdir(cwd)) { errf(err, sizeof err, "working directory %s: %m", cwd); goto fail; }
  char **env = merge_env(sp->env, sp->nenv, o->env, o->nenv);
  char *path = proc_resolve(o->argv[0], env, cwd);
  if (!path) { errf(err, sizeof err, "exec: \"%s\": executable file not found in $PATH", o->argv[0]); goto fail; }
  if (proc_rlimits(sp, err, sizeof err)) goto fail;
  struct sock_fprog prog = {0};
  bool filter = sp->seccomp && !o->privileged;
  if (filter && seccomp_compile(sp->seccomp, &prog, err, sizeof err)) goto fail;
  if (!o->privileged && caps_drop_bounding(sp->cap_bnd, err, sizeof err)) goto fail;
  uid_t uid = o->has_user ? o->uid : sp->uid;
  gid_t gid = o->has_user ? o->gid : sp->gid;
  if (proc_prepare_identity(sp, uid, gid, o->has_user ? NULL : sp->groups, o->has_user ? 0 : sp->ngroups, err, sizeof err)) goto fail;
  if (sp->nnp && !o->privileged && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) { errf(err, sizeof err, "no_new_privs: %m"); goto fail; }
  struct spec tmp = *sp;
  tmp.cap_eff = tmp.cap_prm = caps_permitted_now(); tmp.cap_amb = tmp.cap_inh = 0;
  if (caps_apply(&tmp, false, err, sizeof err)) goto fail;
  if (filter && seccomp_install(&prog, err, sizeof err)) goto fail;
  if (caps_apply(sp, o->privileged, err, sizeof err)) goto fail;
  /* the exec helper (and a health check's timeout) kills us by dying */
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  execve(path, o->argv, env);
  errf(err, sizeof err, "exec %s: %m", path);
fail:
  write_all(report, err, strlen(err));
  _exit(126);
}

int exec_main(int argc, char **argv) {
  if (argc < 3) return usage();
  const char *bundle = argv[2];
  struct xopts o = {0};
  o.env = calloc((size_t)argc, sizeof *o.env);
  int i = 3;
  for (; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--")) { i++; break; }
    if (!strcmp(a, "-t")) o.tty = true;
    else if (!strcmp(a, "-i")) o.in = true;
    else if (!strcmp(a, "-it") || !strcmp(a, "-ti")) o.tty = o.in = true;
    else if (!strcmp(a, "--privileged")) o.privileged = true;
    else if (!strcmp(a, "-e") && i + 1 < argc) o.env[o.nenv++] = argv[++i];
    else if (!strcmp(a, "-w") && i + 1 < argc) o.cwd = argv[++i];
    else if (!strcmp(a, "-u") && i + 1 < argc) {
      char *end;
      const char *u = argv[++i];
      o.uid = (uid_t)strtoul(u, &end, 10);
      if (end == u || (*end && *end != ':')) { fprintf(stderr, "tscompose-shim exec: -u takes numeric uid[:gid] (names are resolved by tscompose), got %s\n", u); return 125; }
      o.gid = *end == ':' ? (gid_t)strtoul(end + 1, NULL, 10) : (gid_t)o.uid;
      o.has_user = true;
    } else return usage();
  }
  if (i >= argc) return usage();
  o.argv = argv + i;
  struct spec sp;
  char err[600];
  if (spec_load(bundle, &sp, err, sizeof err)) { fprintf(stderr, "tscompose-shim exec: %s\n", err); return 125; }
  /* before anything of the container can see us */
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  pid_t pid = running_pid(&sp, err, sizeof err);
  if (pid < 0) { fprintf(stderr, "tscompose-shim exec: %s\n", err); return 125; }
  struct cgroups *cg = cg_open(&sp);
  if (cg_join_self(cg, err, sizeof err) || ns_join_pid(pid, true, err, sizeof err)) {
    fprintf(stderr, "tscompose-shim exec: container %s: %s\n", sp.name, err);
    return 125;
  }
  int master = -1, slave = -1;
  if (o.tty && open_pty(&master, &slave, err, sizeof err)) { fprintf(stderr, "tscompose-shim exec: %s\n", err); return 125; }
  int rep[2];
  if (pipe2(rep, O_CLOEXEC)) return 125;
  pid_t child = fork();
  if (child < 0) { perror("tscompose-shim exec: fork"); return 125; }
  if (child == 0) { close(rep[0]); if (master >= 0) close(master); exec_child(&sp, &o, slave, rep[1]); }
  close(rep[1]);
  if (slave >= 0) close(slave);
  char msg[600];
  ssize_t n = read(rep[0], msg, sizeof msg - 1);
  close(rep[0]);
  if (n > 0) {
    msg[n] = '\0';
    fprintf(stderr, "tscompose-shim exec: container %s: %s\n", sp.name, msg);
    waitpid(child, NULL, 0);
    return strstr(msg, "not found") ? 127 : 126;
  }
  if (!o.tty) {
    /* pass the usual termination signals on; the child has its own default handlers */
    sigset_t fwd;
    sigemptyset(&fwd);
    int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };
    for (size_t k = 0; k < sizeof sigs / sizeof *sigs; k++) sigaddset(&fwd, sigs[k]);
    sigaddset(&fwd, SIGCHLD);
    sigprocmask(SIG_BLOCK, &fwd, NULL);
    for (;;) {
      int status;
      pid_t w = waitpid(child, &status, WNOHANG);
      if (w == child) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      siginfo_t si;
      int sig = sigwaitinfo(&fwd, &si);
      if (sig > 0 && sig != SIGCHLD) kill(child, sig);
    }
  }
  relay(master, child);
  int status;
  waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
