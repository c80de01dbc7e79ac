/* Namespaces: which to create with clone(), which to join by path (network_mode/pid/ipc: container:),
 * and, for exec and health checks, joining all of a running container's namespaces by its pid. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "spec.h"

int ns_clone_flags(const struct spec *sp) {
  int flags = 0;
  for (int i = 0; i < sp->nns; i++)
    if (!sp->ns[i].path || !sp->ns[i].path[0]) flags |= sp->ns[i].flag;
  /* a restart re-enters the namespace the first run created (see spec.h keep_netns) */
  if (sp->keep_netns >= 0) flags &= ~CLONE_NEWNET;
  return flags;
}

/* Joins the namespaces given by path; only_flag limits to one kind (0 = all), skip_flag excludes one. */
int ns_join_paths(const struct spec *sp, int only_flag, int skip_flag, char *err, size_t errlen) {
  for (int i = 0; i < sp->nns; i++) {
    const struct nsent *n = &sp->ns[i];
    if (!n->path || !n->path[0]) continue;
    if (only_flag && n->flag != only_flag) continue;
    if (skip_flag && n->flag == skip_flag) continue;
    int fd = open(n->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) { errf(err, errlen, "join namespace %s: %m", n->path); return -1; }
    int r = setns(fd, n->flag);
    close(fd);
    if (r) { errf(err, errlen, "join namespace %s: %m", n->path); return -1; }
  }
  return 0;
}

/* Order matters: the mount namespace last, because after it /proc is the container's (or absent). */
int ns_join_pid(pid_t pid, bool with_pidns, char *err, size_t errlen) {
  static const struct { const char *name; int flag; } order[] = {
    {"cgroup", CLONE_NEWCGROUP}, {"ipc", CLONE_NEWIPC}, {"uts", CLONE_NEWUTS}, {"net", CLONE_NEWNET},
    {"pid", CLONE_NEWPID}, {"mnt", CLONE_NEWNS},
  };
  int fds[6];
  for (int i = 0; i < 6; i++) {
    char p[64];
    snprintf(p, sizeof p, "/proc/%d/ns/%s", (int)pid, order[i].name);
    fds[i] = open(p, O_RDONLY | O_CLOEXEC);
    if (fds[i] < 0) { errf(err, errlen, "open %s: %m", p); for (int k = 0; k < i; k++) close(fds[k]); return -1; }
  }
  int rc = 0;
  for (int i = 0; i < 6; i++) {
    if (order[i].flag == CLONE_NEWPID && !with_pidns) continue;
    char self[64], theirs[64], buf1[64] = "", buf2[64] = "";
    snprintf(self, sizeof self, "/proc/self/ns/%s", order[i].name);
    snprintf(theirs, sizeof theirs, "/proc/%d/ns/%s", (int)pid, order[i].name);
    /* already there (shared namespace): setns would still work, but skipping saves a syscall and EINVAL on mnt */
    if (readlink(self, buf1, sizeof buf1 - 1) > 0 && readlink(theirs, buf2, sizeof buf2 - 1) > 0 && !strcmp(buf1, buf2)) continue;
    if (setns(fds[i], order[i].flag)) { errf(err, errlen, "join the container's %s namespace: %m", order[i].name); rc = -1; break; }
  }
  for (int i = 0; i < 6; i++) close(fds[i]);
  return rc;
}
