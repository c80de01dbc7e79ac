/* The container's init path: runs in the cloned child, builds the container around itself, reports
 * "ready" ('R') to the monitor over the report pipe, waits for the start byte, then execs the command.
 * Any failure is written to the report pipe as text and the child exits; the monitor turns it into
 * the create/start error. The report pipe is close-on-exec, so EOF after start means exec succeeded. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <linux/filter.h>
#include "spec.h"

static const char *env_get(char **env, const char *key) {
  size_t kl = strlen(key);
  for (int i = 0; env && env[i]; i++) if (!strncmp(env[i], key, kl) && env[i][kl] == '=') return env[i] + kl + 1;
  return NULL;
}

char *proc_resolve(const char *cmd, char **env, const char *cwd) {
  if (strchr(cmd, '/')) {
    char *p;
    if (cmd[0] == '/') p = strdup(cmd);
    else if (asprintf(&p, "%s/%s", cwd, cmd) < 0) abort();
    return access(p, X_OK) == 0 ? p : (free(p), NULL);
  }
  const char *path = env_get(env, "PATH");
  if (!path) path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  char *copy = strdup(path), *save = NULL;
  for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
    char *p;
    if (asprintf(&p, "%s/%s", dir[0] ? dir : ".", cmd) < 0) abort();
    struct stat st;
    if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0) { free(copy); return p; }
    free(p);
  }
  free(copy);
  return NULL;
}

int proc_rlimits(const struct spec *sp, char *err, size_t errlen) {
  for (int i = 0; i < sp->nrlimits; i++) {
    struct rlimit r = { sp->rlimits[i].soft, sp->rlimits[i].hard };
    if (setrlimit(sp->rlimits[i].resource, &r)) {
      struct rlimit cur;
      getrlimit(sp->rlimits[i].resource, &cur);
      errf(err, errlen, "set %s to %llu:%llu: %m (the host's hard limit is %llu; raising it needs CAP_SYS_RESOURCE)", sp->rlimits[i].name,
           (unsigned long long)r.rlim_cur, (unsigned long long)r.rlim_max, (unsigned long long)cur.rlim_max);
      return -1;
    }
  }
  return 0;
}

/* user, groups; keeps permitted caps across the uid change so seccomp and capset can follow */
int proc_prepare_identity(const struct spec *sp, uid_t uid, gid_t gid, const gid_t *groups, int ngroups, char *err, size_t errlen) {
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0)) { errf(err, errlen, "keep capabilities: %m"); return -1; }
  if (setgroups((size_t)ngroups, groups)) { errf(err, errlen, "set supplementary groups: %m"); return -1; }
  if (setresgid(gid, gid, gid)) { errf(err, errlen, "set gid %u: %m", (unsigned)gid); return -1; }
  if (setresuid(uid, uid, uid)) { errf(err, errlen, "set uid %u: %m", (unsigned)uid); return -1; }
  if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0)) { errf(err, errlen, "reset keep capabilities: %m"); return -1; }
  return 0;
}

static void fail(int report, const char *msg) {
  write_all(report, msg, strlen(msg));
  _exit(127);
}

static int setup_tty(int tty_sock, char *err, size_t errlen) {
  int m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (m < 0) { errf(err, errlen, "open /dev/ptmx in the container: %m"); return -1; }
  int unlock = 0;
  char name[64];
  if (ioctl(m, TIOCSPTLCK, &unlock) || ptsname_r(m, name, sizeof name)) { errf(err, errlen, "unlock the terminal: %m"); return -1; }
  int s = open(name, O_RDWR | O_NOCTTY);
  if (s < 0) { errf(err, errlen, "open %s: %m", name); return -1; }
  /* the monitor keeps the master: it logs the output and serves attach/resize */
  char byte = 'T';
  struct iovec iov = { &byte, 1 };
  union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET; c->cmsg_type = SCM_RIGHTS; c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &m, sizeof(int));
  if (sendmsg(tty_sock, &msg, 0) != 1) { errf(err, errlen, "pass the terminal to the shim: %m"); return -1; }
  close(m);
  setsid();
  if (ioctl(s, TIOCSCTTY, 0)) { errf(err, errlen, "set the controlling terminal: %m"); return -1; }
  for (int fd = 0; fd < 3; fd++) dup2(s, fd);
  if (s > 2) close(s);
  return 0;
}

static int write_sysctls(const struct spec *sp, char *err, size_t errlen) {
  for (int i = 0; i < sp->nsysctls; i++) {
    char path[512];
    snprintf(path, sizeof path, "/proc/sys/%s", sp->sysctls[i].key);
    for (char *p = path + 10; *p; p++) if (*p == '.') *p = '/';
    if (write_file(path, sp->sysctls[i].value)) { errf(err, errlen, "sysctl %s=%s: %m", sp->sysctls[i].key, sp->sysctls[i].value); return -1; }
  }
  return 0;
}

int child_main(const struct spec *sp, struct cgroups *cg, int sync_fd, int report, int tty_sock) {
  char err[512];
  char b;
  /* into the cgroups first: memory is charged where it is allocated */
  if (cg_join_self(cg, err, sizeof err)) fail(report, err);
  int flags = ns_clone_flags(sp);
  if ((flags & CLONE_NEWCGROUP) && unshare(CLONE_NEWCGROUP)) { errf(err, sizeof err, "unshare the cgroup namespace: %m"); fail(report, err); }
  if (ns_join_paths(sp, 0, CLONE_NEWPID, err, sizeof err)) fail(report, err);
  if (sp->keep_netns >= 0 && setns(sp->keep_netns, CLONE_NEWNET)) { errf(err, sizeof err, "re-enter the container's network namespace: %m"); fail(report, err); }
  if (flags & CLONE_NEWUTS) {
    if (sp->hostname && sethostname(sp->hostname, strlen(sp->hostname))) { errf(err, sizeof err, "set hostname %s: %m", sp->hostname); fail(report, err); }
    if (sp->domainname && setdomainname(sp->domainname, strlen(sp->domainname))) { errf(err, sizeof err, "set domainname: %m"); fail(report, err); }
  }
  if (mounts_setup(sp, err, sizeof err)) fail(report, err);
  /* the working dir is created as docker does, and before a read-only root makes that impossible */
  struct stat st;
  if (stat(sp->cwd, &st) && mkdir_p(sp->cwd, 0755)) { errf(err, sizeof err, "working directory %s: %m", sp->cwd); fail(report, err); }
  if (write_sysctls(sp, err, sizeof err)) fail(report, err);
  if (mounts_finish(sp, err, sizeof err)) fail(report, err);
  if (sp->terminal && setup_tty(tty_sock, err, sizeof err)) fail(report, err);
  if (tty_sock >= 0) close(tty_sock);
  if (chdir(sp->cwd)) { errf(err, sizeof err, "working directory %s: %m", sp->cwd); fail(report, err); }
  char *path = proc_resolve(sp->args[0], sp->env, sp->cwd);
  if (!path) { errf(err, sizeof err, "exec: \"%s\": executable file not found in $PATH", sp->args[0]); fail(report, err); }
  if (sp->has_oom_score) {
    char v[16];
    snprintf(v, sizeof v, "%d", sp->oom_score_adj);
    if (write_file("/proc/self/oom_score_adj", v)) { errf(err, sizeof err, "oom_score_adj %d: %m", sp->oom_score_adj); fail(report, err); }
  }
  if (proc_rlimits(sp, err, sizeof err)) fail(report, err);
  struct sock_fprog prog = {0};
  if (sp->seccomp && seccomp_compile(sp->seccomp, &prog, err, sizeof err)) fail(report, err);
  if (caps_drop_bounding(sp->cap_bnd, err, sizeof err)) fail(report, err);
  if (proc_prepare_identity(sp, sp->uid, sp->gid, sp->groups, sp->ngroups, err, sizeof err)) fail(report, err);
  /* seccomp needs CAP_SYS_ADMIN unless no_new_privs is set: keep it effective until the filter is in */
  if (sp->nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) { errf(err, sizeof err, "set no_new_privs: %m"); fail(report, err); }
  struct spec tmp = *sp;
  tmp.cap_eff = tmp.cap_prm = caps_permitted_now(); tmp.cap_amb = 0; tmp.cap_inh = 0;
  if (caps_apply(&tmp, false, err, sizeof err)) fail(report, err);
  if (sp->seccomp && seccomp_install(&prog, err, sizeof err)) fail(report, err);
  if (caps_apply(sp, false, err, sizeof err)) fail(report, err);
  /* ready: wait for start (EOF = the monitor is gone: do not run an orphan) */
  if (write_all(report, "R", 1)) _exit(127);
  if (read(sync_fd, &b, 1) != 1) _exit(127);
  /* the kernel clears pdeathsig on credential changes, so set it only now; then recheck the monitor */
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  struct pollfd pf = { sync_fd, POLLIN, 0 };
  if (poll(&pf, 1, 0) == 1 && (pf.revents & (POLLHUP | POLLIN))) _exit(127);
  close(sync_fd);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  if (sp->init) {
    init_main(path, sp->args, sp->env, report);  /* forks the command; never returns */
  }
  execve(path, sp->args, sp->env);
  errf(err, sizeof err, "exec %s: %m", path);
  fail(report, err);
  return 127;
}
