/* The container's cgroups: v1 (one dir per controller, as on this hybrid host) or pure v2 (one dir).
 * Path: <root>[/<ctl>]/<cgroupsPath or tscompose/<id>>. Created by create, removed when the shim exits.
 * v2 device filtering needs an eBPF program: not done yet (the devices list is refused on pure v2 rather
 * than silently ignored, unless it is the "allow everything" of privileged). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include "spec.h"

#define CG_ROOT "/sys/fs/cgroup"
static const char *const v1_ctls[] = { "memory", "cpu", "cpuacct", "pids", "devices", "freezer", "blkio", "cpuset" };
#define NV1 ((int)(sizeof v1_ctls / sizeof *v1_ctls))

struct cgroups {
  bool v2;
  char *rel;          /* tscompose/<id> */
  char *dirs[NV1];    /* v1: per controller (NULL when that controller is not mounted); v2: dirs[0] */
  int ndirs;
};

static bool is_v2(void) {
  struct statfs s;
  return statfs(CG_ROOT, &s) == 0 && s.f_type == CGROUP2_SUPER_MAGIC;
}

static char *rel_path(const struct spec *sp) {
  char *rel;
  if (sp->cgroups_path && sp->cgroups_path[0] && !strchr(sp->cgroups_path, ':')) {
    const char *p = sp->cgroups_path;
    while (*p == '/') p++;
    rel = strdup(p);
  } else if (asprintf(&rel, "tscompose/%s", sp->id) < 0) abort();
  return rel;
}

static char *cg_file(const char *dir, const char *file) {
  char *p;
  if (asprintf(&p, "%s/%s", dir, file) < 0) abort();
  return p;
}

static int cg_write(const char *dir, const char *file, const char *val, char *err, size_t errlen) {
  char *p = cg_file(dir, file);
  int r = write_file(p, val);
  if (r && err) errf(err, errlen, "cgroup: write %s to %s: %m", val, p);
  free(p);
  return r;
}

/* cpuset children start empty on v1: copy cpus/mems down from the nearest configured ancestor */
static void cpuset_inherit(const char *dir) {
  char *parent = strdup(dir), *slash = strrchr(parent, '/');
  if (slash) *slash = '\0';
  for (int i = 0; i < 2; i++) {
    const char *f = i ? "cpuset.mems" : "cpuset.cpus";
    char *mine = cg_file(dir, f), *cur = read_file(mine, NULL);
    if (cur && (cur[0] == '\n' || cur[0] == '\0')) {
      char *pp = cg_file(parent, f), *val = read_file(pp, NULL);
      if (val) write_file(mine, val);
      free(pp); free(val);
    }
    free(mine); free(cur);
  }
  free(parent);
}

static struct cgroups *cg_locate(const struct spec *sp) {
  struct cgroups *cg = calloc(1, sizeof *cg);
  cg->v2 = is_v2();
  cg->rel = rel_path(sp);
  if (cg->v2) { cg->dirs[0] = cg_file(CG_ROOT, cg->rel); cg->ndirs = 1; return cg; }
  /* joining a v1 cpu cgroup costs milliseconds per container (the scheduler moves the task): only when the
   * config limits cpu; accounting lives in cpuacct. cpuset likewise only when cpus/mems are set. */
  bool want_cpu = sp->cpu_shares > 0 || sp->cpu_quota > 0 || sp->cpu_period > 0;
  bool want_cpuset = (sp->cpus && sp->cpus[0]) || (sp->mems && sp->mems[0]);
  for (int i = 0; i < NV1; i++) {
    if (!want_cpu && !strcmp(v1_ctls[i], "cpu")) continue;
    if (!want_cpuset && !strcmp(v1_ctls[i], "cpuset")) continue;
    char *root = cg_file(CG_ROOT, v1_ctls[i]);
    struct statfs s;
    if (statfs(root, &s) == 0 && s.f_type == CGROUP_SUPER_MAGIC) cg->dirs[i] = cg_file(root, cg->rel);
    free(root);
  }
  cg->ndirs = NV1;
  return cg;
}

static const char *dir_of(struct cgroups *cg, const char *ctl) {
  if (cg->v2) return cg->dirs[0];
  for (int i = 0; i < NV1; i++) if (!strcmp(v1_ctls[i], ctl)) return cg->dirs[i];
  return NULL;
}

struct cgroups *cg_open(const struct spec *sp) { return cg_locate(sp); }

struct cgroups *cg_create(const struct spec *sp, char *err, size_t errlen) {
  struct cgroups *cg = cg_locate(sp);
  if (cg->v2) {
    /* enable the controllers down the path: every ancestor's subtree_control must delegate them */
    char *path = strdup(cg->dirs[0]);
    for (char *s = path + strlen(CG_ROOT) + 1; (s = strchr(s, '/')); s++) {
      *s = '\0';
      mkdir(path, 0755);
      *s = '/';
    }
    char *walk = strdup(CG_ROOT);
    for (char *s = path + strlen(CG_ROOT); s && *s; s = strchr(s + 1, '/')) {
      const char *ctls[] = { "+memory", "+cpu", "+pids", "+io", "+cpuset" };
      for (int i = 0; i < 5; i++) cg_write(walk, "cgroup.subtree_control", ctls[i], NULL, 0);
      char *next = strchr(s + 1, '/');
      free(walk);
      walk = strndup(path, next ? (size_t)(next - path) : strlen(path));
      if (!next) break;
    }
    free(walk); free(path);
    if (mkdir(cg->dirs[0], 0755) && errno != EEXIST) { errf(err, errlen, "cgroup: mkdir %s: %m", cg->dirs[0]); free(cg); return NULL; }
    return cg;
  }
  for (int i = 0; i < NV1; i++) {
    if (!cg->dirs[i]) continue;
    if (mkdir_p(cg->dirs[i], 0755)) { errf(err, errlen, "cgroup: mkdir %s: %m", cg->dirs[i]); cg_destroy(cg); return NULL; }
    if (!strcmp(v1_ctls[i], "cpuset")) {
      /* each level from the controller root down needs cpus/mems before a task may join */
      char *p = strdup(cg->dirs[i]);
      size_t base = strlen(CG_ROOT) + 1 + strlen("cpuset");
      for (char *s = p + base + 1; (s = strchr(s, '/')); s++) { *s = '\0'; cpuset_inherit(p); *s = '/'; }
      cpuset_inherit(p);
      free(p);
    }
  }
  return cg;
}

static int w64(struct cgroups *cg, const char *ctl, const char *file, int64_t v, char *err, size_t errlen) {
  const char *d = dir_of(cg, ctl);
  if (!d) { errf(err, errlen, "cgroup: the %s controller is not available on this host", ctl); return -1; }
  char b[32];
  snprintf(b, sizeof b, "%lld", (long long)v);
  return cg_write(d, file, b, err, errlen);
}

static int apply_v1(struct cgroups *cg, const struct spec *sp, char *err, size_t errlen) {
  if (sp->mem_limit > 0 && w64(cg, "memory", "memory.limit_in_bytes", sp->mem_limit, err, errlen)) return -1;
  if (sp->mem_reservation > 0 && w64(cg, "memory", "memory.soft_limit_in_bytes", sp->mem_reservation, err, errlen)) return -1;
  if (sp->mem_swap > 0 || sp->mem_swap == -1) {
    /* memsw exists only with swap accounting; a missing file is only an error if a limit was asked for */
    const char *d = dir_of(cg, "memory");
    char *f = d ? cg_file(d, "memory.memsw.limit_in_bytes") : NULL;
    bool have = f && access(f, F_OK) == 0;
    free(f);
    if (sp->mem_swap > 0 && have && w64(cg, "memory", "memory.memsw.limit_in_bytes", sp->mem_swap, err, errlen)) return -1;
  }
  if (sp->oom_kill_disable && w64(cg, "memory", "memory.oom_control", 1, err, errlen)) return -1;
  if (sp->cpu_shares > 0 && w64(cg, "cpu", "cpu.shares", sp->cpu_shares, err, errlen)) return -1;
  if (sp->cpu_period > 0 && w64(cg, "cpu", "cpu.cfs_period_us", sp->cpu_period, err, errlen)) return -1;
  if (sp->cpu_quota > 0 && w64(cg, "cpu", "cpu.cfs_quota_us", sp->cpu_quota, err, errlen)) return -1;
  if (sp->cpus && sp->cpus[0] && cg_write(dir_of(cg, "cpuset"), "cpuset.cpus", sp->cpus, err, errlen)) return -1;
  if (sp->mems && sp->mems[0] && cg_write(dir_of(cg, "cpuset"), "cpuset.mems", sp->mems, err, errlen)) return -1;
  if (sp->pids_limit > 0 && w64(cg, "pids", "pids.max", sp->pids_limit, err, errlen)) return -1;
  if (sp->blkio_weight > 0) {
    const char *d = dir_of(cg, "blkio");
    char *f = d ? cg_file(d, "blkio.weight") : NULL;
    const char *file = f && access(f, F_OK) == 0 ? "blkio.weight" : "blkio.bfq.weight";
    free(f);
    if (w64(cg, "blkio", file, sp->blkio_weight, err, errlen)) return -1;
  }
  const char *dd = dir_of(cg, "devices");
  for (int i = 0; i < sp->ndevrules; i++) {
    const struct devrule *r = &sp->devrules[i];
    char line[64], maj[24], min[24];
    if (r->major < 0) strcpy(maj, "*"); else snprintf(maj, sizeof maj, "%lld", (long long)r->major);
    if (r->minor < 0) strcpy(min, "*"); else snprintf(min, sizeof min, "%lld", (long long)r->minor);
    if (r->type == 'a') snprintf(line, sizeof line, "a");
    else snprintf(line, sizeof line, "%c %s:%s %s", r->type, maj, min, r->access);
    if (!dd) { errf(err, errlen, "cgroup: the devices controller is not available"); return -1; }
    if (cg_write(dd, r->allow ? "devices.allow" : "devices.deny", line, err, errlen)) return -1;
  }
  return 0;
}

static int apply_v2(struct cgroups *cg, const struct spec *sp, char *err, size_t errlen) {
  const char *d = cg->dirs[0];
  char b[64];
  if (sp->mem_limit > 0) { snprintf(b, sizeof b, "%lld", (long long)sp->mem_limit); if (cg_write(d, "memory.max", b, err, errlen)) return -1; }
  if (sp->mem_reservation > 0) { snprintf(b, sizeof b, "%lld", (long long)sp->mem_reservation); if (cg_write(d, "memory.low", b, err, errlen)) return -1; }
  if (sp->mem_swap > 0 && sp->mem_limit > 0) {  /* OCI swap is memory+swap; v2 wants swap alone */
    snprintf(b, sizeof b, "%lld", (long long)(sp->mem_swap > sp->mem_limit ? sp->mem_swap - sp->mem_limit : 0));
    if (cg_write(d, "memory.swap.max", b, err, errlen)) return -1;
  }
  if (sp->oom_kill_disable) { errf(err, errlen, "cgroup: oom_kill_disable is not supported on cgroup v2"); return -1; }
  if (sp->cpu_shares > 0) {  /* the runc/crun mapping of shares 2..262144 onto weight 1..10000 */
    snprintf(b, sizeof b, "%lld", (long long)(1 + ((sp->cpu_shares - 2) * 9999) / 262142));
    if (cg_write(d, "cpu.weight", b, err, errlen)) return -1;
  }
  if (sp->cpu_quota > 0 || sp->cpu_period > 0) {
    int64_t period = sp->cpu_period > 0 ? sp->cpu_period : 100000;
    if (sp->cpu_quota > 0) snprintf(b, sizeof b, "%lld %lld", (long long)sp->cpu_quota, (long long)period);
    else snprintf(b, sizeof b, "max %lld", (long long)period);
    if (cg_write(d, "cpu.max", b, err, errlen)) return -1;
  }
  if (sp->cpus && sp->cpus[0] && cg_write(d, "cpuset.cpus", sp->cpus, err, errlen)) return -1;
  if (sp->mems && sp->mems[0] && cg_write(d, "cpuset.mems", sp->mems, err, errlen)) return -1;
  if (sp->pids_limit > 0) { snprintf(b, sizeof b, "%lld", (long long)sp->pids_limit); if (cg_write(d, "pids.max", b, err, errlen)) return -1; }
  if (sp->blkio_weight > 0) { snprintf(b, sizeof b, "default %lld", (long long)sp->blkio_weight); if (cg_write(d, "io.bfq.weight", b, err, errlen) && cg_write(d, "io.weight", b, err, errlen)) return -1; }
  bool allow_all = sp->ndevrules == 0 || (sp->ndevrules == 1 && sp->devrules[0].allow && sp->devrules[0].type == 'a');
  if (!allow_all) { errf(err, errlen, "cgroup: device rules on cgroup v2 need an eBPF device filter, which this shim does not implement yet"); return -1; }
  return 0;
}

int cg_apply(struct cgroups *cg, const struct spec *sp, char *err, size_t errlen) {
  return cg->v2 ? apply_v2(cg, sp, err, errlen) : apply_v1(cg, sp, err, errlen);
}

/* Called by the process that joins: writing "0" to v1 `tasks` moves only the caller and skips the global
 * threadgroup lock whose RCU grace period makes a cgroup.procs write of another pid cost ~7 ms here. */
int cg_join_self(struct cgroups *cg, char *err, size_t errlen) {
  for (int i = 0; i < cg->ndirs; i++)
    if (cg->dirs[i] && cg_write(cg->dirs[i], cg->v2 ? "cgroup.procs" : "tasks", "0", err, errlen)) return -1;
  return 0;
}

int cg_join(struct cgroups *cg, pid_t pid, char *err, size_t errlen) {
  char b[24];
  snprintf(b, sizeof b, "%d", (int)pid);
  for (int i = 0; i < cg->ndirs; i++)
    if (cg->dirs[i] && cg_write(cg->dirs[i], "cgroup.procs", b, err, errlen)) return -1;
  return 0;
}

uint64_t cg_oom_kills(struct cgroups *cg) {
  const char *d = dir_of(cg, "memory");
  if (!d) return 0;
  char *f = cg_file(d, cg->v2 ? "memory.events" : "memory.oom_control");
  char *s = read_file(f, NULL);
  free(f);
  if (!s) return 0;
  char *k = strstr(s, "oom_kill ");
  uint64_t n = k ? strtoull(k + 9, NULL, 10) : 0;
  free(s);
  return n;
}

int cg_freeze(struct cgroups *cg, bool frozen) {
  if (cg->v2) return cg_write(cg->dirs[0], "cgroup.freeze", frozen ? "1" : "0", NULL, 0);
  const char *d = dir_of(cg, "freezer");
  if (!d || cg_write(d, "freezer.state", frozen ? "FROZEN" : "THAWED", NULL, 0)) return -1;
  /* FREEZING is transient: wait until the kernel reports the final state */
  for (int i = 0; i < 1000; i++) {
    char *f = cg_file(d, "freezer.state"), *s = read_file(f, NULL);
    bool done = s && !strncmp(s, frozen ? "FROZEN" : "THAWED", 6);
    free(f); free(s);
    if (done) return 0;
    usleep(1000);
  }
  return -1;
}

/* pids of one cgroup dir; returns count written to out (max n) */
static int cg_pids(const char *dir, pid_t *out, int n) {
  char *f = cg_file(dir, "cgroup.procs"), *s = read_file(f, NULL);
  free(f);
  int k = 0;
  for (char *p = s; p && *p && k < n;) {
    char *end;
    long v = strtol(p, &end, 10);
    if (end == p) break;
    out[k++] = (pid_t)v;
    p = end;
    while (*p == '\n') p++;
  }
  free(s);
  return k;
}

int cg_kill_all(struct cgroups *cg) {
  if (cg->v2 && cg_write(cg->dirs[0], "cgroup.kill", "1", NULL, 0) == 0) return 0;
  const char *d = cg->v2 ? cg->dirs[0] : dir_of(cg, "pids");
  if (!d) d = dir_of(cg, "memory");
  if (!d) return -1;
  /* a frozen cgroup cannot die: thaw it first */
  cg_freeze(cg, false);
  pid_t pids[256];
  int left = 0;
  for (int round = 0; round < 200; round++) {
    left = cg_pids(d, pids, 256);
    if (!left) return 0;
    for (int i = 0; i < left; i++) kill(pids[i], SIGKILL);
    usleep(5000);
  }
  return -1;
}

void cg_destroy(struct cgroups *cg) {
  if (!cg) return;
  for (int i = 0; i < cg->ndirs; i++) {
    if (!cg->dirs[i]) continue;
    /* an exiting task can linger for a moment after its reaping: retry EBUSY briefly */
    for (int t = 0; t < 100 && rmdir(cg->dirs[i]) && errno == EBUSY; t++) usleep(2000);
  }
}
