/* Reads B/config.json (OCI subset) and B/shim.json into struct spec, rejecting what the shim cannot honour
 * with a message naming the key, so a bad bundle fails create before anything is set up. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include "spec.h"

char *bundle_path(const struct spec *sp, const char *name) {
  char *p;
  if (asprintf(&p, "%s/%s", sp->bundle, name) < 0) abort();
  return p;
}

static char *dupstr(const char *s) { return s ? strdup(s) : NULL; }

/* a JSON array of strings → NULL-terminated char*[]; -1 when an element is not a string */
static int str_array(const struct jv *a, char ***out, int *n) {
  *out = NULL; *n = 0;
  if (!a || a->t == J_NULL) { *out = calloc(1, sizeof(char *)); return 0; }
  if (a->t != J_ARR) return -1;
  char **v = calloc((size_t)a->len + 1, sizeof *v);
  for (int i = 0; i < a->len; i++) {
    if (a->items[i]->t != J_STR) { free(v); return -1; }
    v[i] = a->items[i]->s;
  }
  *out = v; *n = a->len;
  return 0;
}

static int caps_set(const struct jv *a, uint64_t *out, const char *what, char *err, size_t errlen) {
  *out = 0;
  if (!a) return 0;
  if (a->t != J_ARR) { errf(err, errlen, "config.json: process.capabilities.%s must be an array", what); return -1; }
  for (int i = 0; i < a->len; i++) {
    int c = a->items[i]->t == J_STR ? cap_from_name(a->items[i]->s) : -1;
    if (c < 0) { errf(err, errlen, "config.json: process.capabilities.%s: unknown capability %s", what, a->items[i]->t == J_STR ? a->items[i]->s : "(not a string)"); return -1; }
    *out |= 1ULL << c;
  }
  return 0;
}

static const struct { const char *name; int res; } rlimit_names[] = {
  {"RLIMIT_AS", RLIMIT_AS}, {"RLIMIT_CORE", RLIMIT_CORE}, {"RLIMIT_CPU", RLIMIT_CPU}, {"RLIMIT_DATA", RLIMIT_DATA},
  {"RLIMIT_FSIZE", RLIMIT_FSIZE}, {"RLIMIT_LOCKS", RLIMIT_LOCKS}, {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
  {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE}, {"RLIMIT_NOFILE", RLIMIT_NOFILE},
  {"RLIMIT_NPROC", RLIMIT_NPROC}, {"RLIMIT_RSS", RLIMIT_RSS}, {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
  {"RLIMIT_RTTIME", RLIMIT_RTTIME}, {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING}, {"RLIMIT_STACK", RLIMIT_STACK},
};

static const struct { const char *name; int flag; } ns_names[] = {
  {"mount", CLONE_NEWNS}, {"pid", CLONE_NEWPID}, {"network", CLONE_NEWNET}, {"ipc", CLONE_NEWIPC},
  {"uts", CLONE_NEWUTS}, {"cgroup", CLONE_NEWCGROUP}, {"user", CLONE_NEWUSER},
};

static int64_t num_or(const struct jv *o, const char *k) { return json_int(o, k, -1); }

static int load_process(const struct jv *proc, struct spec *sp, char *err, size_t errlen) {
  if (!proc || proc->t != J_OBJ) { errf(err, errlen, "config.json: process is missing"); return -1; }
  if (str_array(json_get(proc, "args"), &sp->args, &sp->nargs) || sp->nargs == 0) {
    errf(err, errlen, "config.json: process.args must be a non-empty array of strings"); return -1;
  }
  if (str_array(json_get(proc, "env"), &sp->env, &sp->nenv)) { errf(err, errlen, "config.json: process.env must be an array of strings"); return -1; }
  sp->cwd = dupstr(json_str(proc, "cwd"));
  if (!sp->cwd || sp->cwd[0] != '/') { errf(err, errlen, "config.json: process.cwd must be an absolute path"); return -1; }
  const struct jv *user = json_get(proc, "user");
  sp->uid = (uid_t)json_int(user, "uid", 0);
  sp->gid = (gid_t)json_int(user, "gid", 0);
  const struct jv *ag = json_get(user, "additionalGids");
  if (ag && ag->t == J_ARR) {
    sp->groups = calloc((size_t)ag->len + 1, sizeof(gid_t));
    for (int i = 0; i < ag->len; i++) sp->groups[i] = (gid_t)ag->items[i]->n;
    sp->ngroups = ag->len;
  }
  const struct jv *caps = json_get(proc, "capabilities");
  if (caps_set(json_get(caps, "bounding"), &sp->cap_bnd, "bounding", err, errlen) ||
      caps_set(json_get(caps, "effective"), &sp->cap_eff, "effective", err, errlen) ||
      caps_set(json_get(caps, "permitted"), &sp->cap_prm, "permitted", err, errlen) ||
      caps_set(json_get(caps, "inheritable"), &sp->cap_inh, "inheritable", err, errlen) ||
      caps_set(json_get(caps, "ambient"), &sp->cap_amb, "ambient", err, errlen)) return -1;
  const struct jv *rl = json_get(proc, "rlimits");
  if (rl && rl->t == J_ARR) {
    sp->rlimits = calloc((size_t)rl->len + 1, sizeof *sp->rlimits);
    for (int i = 0; i < rl->len; i++) {
      const char *t = json_str(rl->items[i], "type");
      int res = -1;
      for (size_t k = 0; t && k < sizeof rlimit_names / sizeof *rlimit_names; k++)
        if (!strcmp(rlimit_names[k].name, t)) res = rlimit_names[k].res;
      if (res < 0) { errf(err, errlen, "config.json: process.rlimits: unknown type %s", t ? t : "(missing)"); return -1; }
      sp->rlimits[i] = (struct rlim){ res, (uint64_t)json_int(rl->items[i], "soft", 0), (uint64_t)json_int(rl->items[i], "hard", 0), (char *)t };
    }
    sp->nrlimits = rl->len;
  }
  sp->nnp = json_bool(proc, "noNewPrivileges", false);
  sp->terminal = json_bool(proc, "terminal", false);
  const struct jv *oom = json_get(proc, "oomScoreAdj");
  if (oom && oom->t == J_NUM) { sp->has_oom_score = true; sp->oom_score_adj = (int)oom->n; }
  return 0;
}

static int load_mounts(const struct jv *m, struct spec *sp, char *err, size_t errlen) {
  if (!m) return 0;
  if (m->t != J_ARR) { errf(err, errlen, "config.json: mounts must be an array"); return -1; }
  sp->mounts = calloc((size_t)m->len + 1, sizeof *sp->mounts);
  for (int i = 0; i < m->len; i++) {
    struct mnt *x = &sp->mounts[i];
    x->dest = dupstr(json_str(m->items[i], "destination"));
    x->type = dupstr(json_str(m->items[i], "type"));
    x->source = dupstr(json_str(m->items[i], "source"));
    if (!x->dest || x->dest[0] != '/') { errf(err, errlen, "config.json: mounts[%d].destination must be an absolute path", i); return -1; }
    if (str_array(json_get(m->items[i], "options"), &x->opts, &x->nopts)) { errf(err, errlen, "config.json: mounts[%d].options must be strings", i); return -1; }
    if (!x->type) {  /* OCI allows an omitted type for binds */
      bool bind = false;
      for (int k = 0; k < x->nopts; k++) if (!strcmp(x->opts[k], "bind") || !strcmp(x->opts[k], "rbind")) bind = true;
      if (!bind) { errf(err, errlen, "config.json: mounts[%d] (%s) has no type", i, x->dest); return -1; }
      x->type = strdup("bind");
    }
    if (!x->source) x->source = strdup(x->type);
  }
  sp->nmounts = m->len;
  return 0;
}

static int load_linux(const struct jv *lx, struct spec *sp, char *err, size_t errlen) {
  const struct jv *ns = json_get(lx, "namespaces");
  if (ns && ns->t == J_ARR) {
    sp->ns = calloc((size_t)ns->len + 1, sizeof *sp->ns);
    for (int i = 0; i < ns->len; i++) {
      const char *t = json_str(ns->items[i], "type");
      int flag = 0;
      for (size_t k = 0; t && k < sizeof ns_names / sizeof *ns_names; k++) if (!strcmp(ns_names[k].name, t)) flag = ns_names[k].flag;
      if (!flag) { errf(err, errlen, "config.json: linux.namespaces[%d]: unknown type %s", i, t ? t : "(missing)"); return -1; }
      if (flag == CLONE_NEWUSER) { errf(err, errlen, "config.json: linux.namespaces: user namespaces are not supported by the shim"); return -1; }
      sp->ns[i] = (struct nsent){ flag, dupstr(json_str(ns->items[i], "path")) };
    }
    sp->nns = ns->len;
  }
  const struct jv *sc = json_get(lx, "sysctl");
  if (sc && sc->t == J_OBJ) {
    sp->sysctls = calloc((size_t)sc->len + 1, sizeof *sp->sysctls);
    for (int i = 0; i < sc->len; i++) {
      if (sc->items[i]->t != J_STR) { errf(err, errlen, "config.json: linux.sysctl.%s must be a string", sc->keys[i]); return -1; }
      sp->sysctls[i] = (struct sysctl){ sc->keys[i], sc->items[i]->s };
    }
    sp->nsysctls = sc->len;
  }
  sp->cgroups_path = dupstr(json_str(lx, "cgroupsPath"));
  if (str_array(json_get(lx, "maskedPaths"), &sp->masked, &sp->nmasked) ||
      str_array(json_get(lx, "readonlyPaths"), &sp->ropaths, &sp->nropaths)) {
    errf(err, errlen, "config.json: linux.maskedPaths/readonlyPaths must be arrays of strings"); return -1;
  }
  const char *prop = json_str(lx, "rootfsPropagation");
  sp->rootprop = MS_REC | MS_PRIVATE;
  if (prop) {
    if (!strcmp(prop, "shared")) sp->rootprop = MS_SHARED;
    else if (!strcmp(prop, "rshared")) sp->rootprop = MS_REC | MS_SHARED;
    else if (!strcmp(prop, "slave")) sp->rootprop = MS_SLAVE;
    else if (!strcmp(prop, "rslave")) sp->rootprop = MS_REC | MS_SLAVE;
    else if (!strcmp(prop, "private")) sp->rootprop = MS_PRIVATE;
  }
  const struct jv *dv = json_get(lx, "devices");
  if (dv && dv->t == J_ARR) {
    sp->devices = calloc((size_t)dv->len + 1, sizeof *sp->devices);
    for (int i = 0; i < dv->len; i++) {
      const struct jv *d = dv->items[i];
      const char *p = json_str(d, "path"), *t = json_str(d, "type");
      if (!p || p[0] != '/' || !t || !strchr("cbup", t[0])) { errf(err, errlen, "config.json: linux.devices[%d] needs an absolute path and a type c/b/u/p", i); return -1; }
      sp->devices[i] = (struct devnode){ strdup(p), t[0], json_int(d, "major", 0), json_int(d, "minor", 0),
                                         (uint32_t)json_int(d, "fileMode", 0666), (uid_t)json_int(d, "uid", 0), (gid_t)json_int(d, "gid", 0) };
    }
    sp->ndevices = dv->len;
  }
  const struct jv *r = json_get(lx, "resources");
  const struct jv *mem = json_get(r, "memory"), *cpu = json_get(r, "cpu");
  sp->mem_limit = num_or(mem, "limit");
  sp->mem_reservation = num_or(mem, "reservation");
  sp->mem_swap = num_or(mem, "swap");
  sp->oom_kill_disable = json_bool(mem, "disableOOMKiller", false);
  sp->cpu_shares = num_or(cpu, "shares");
  sp->cpu_quota = num_or(cpu, "quota");
  sp->cpu_period = num_or(cpu, "period");
  sp->cpus = dupstr(json_str(cpu, "cpus"));
  sp->mems = dupstr(json_str(cpu, "mems"));
  sp->pids_limit = num_or(json_get(r, "pids"), "limit");
  sp->blkio_weight = num_or(json_get(r, "blockIO"), "weight");
  const struct jv *dr = json_get(r, "devices");
  if (dr && dr->t == J_ARR) {
    sp->devrules = calloc((size_t)dr->len + 1, sizeof *sp->devrules);
    for (int i = 0; i < dr->len; i++) {
      const struct jv *d = dr->items[i];
      const char *t = json_str(d, "type"), *a = json_str(d, "access");
      struct devrule *x = &sp->devrules[i];
      x->allow = json_bool(d, "allow", false);
      x->type = t ? t[0] : 'a';
      x->major = json_int(d, "major", -1);
      x->minor = json_int(d, "minor", -1);
      snprintf(x->access, sizeof x->access, "%s", a ? a : "rwm");
    }
    sp->ndevrules = dr->len;
  }
  const struct jv *sec = json_get(lx, "seccomp");
  sp->seccomp = sec && sec->t == J_OBJ ? (struct jv *)sec : NULL;
  return 0;
}

static int load_shim(const struct jv *sj, struct spec *sp, char *err, size_t errlen) {
  sp->id = dupstr(json_str(sj, "id"));
  if (!sp->id || strlen(sp->id) != 64 || strspn(sp->id, "0123456789abcdef") != 64) { errf(err, errlen, "shim.json: id must be 64 lowercase hex digits"); return -1; }
  sp->name = dupstr(json_str(sj, "name"));
  if (!sp->name) sp->name = strndup(sp->id, 12);
  const struct jv *rf = json_get(sj, "rootfs");
  if (str_array(json_get(rf, "lower"), &sp->lower, &sp->nlower) || sp->nlower == 0) { errf(err, errlen, "shim.json: rootfs.lower must be a non-empty array of directories"); return -1; }
  sp->upper = dupstr(json_str(rf, "upper"));
  sp->work = dupstr(json_str(rf, "work"));
  if (!!sp->upper != !!sp->work) { errf(err, errlen, "shim.json: rootfs.upper and rootfs.work go together"); return -1; }
  if (!sp->upper && sp->nlower != 1) { errf(err, errlen, "shim.json: rootfs without an upper dir takes exactly one lower dir"); return -1; }
  const struct jv *log = json_get(sj, "log");
  sp->log_path = dupstr(json_str(log, "path"));
  sp->log_max_size = json_int(log, "maxSize", 0);
  sp->log_max_file = (int)json_int(log, "maxFile", 1);
  if (sp->log_max_file < 1) sp->log_max_file = 1;
  const struct jv *rs = json_get(sj, "restart");
  const char *pol = json_str(rs, "policy");
  sp->restart_policy = RESTART_NO;
  if (pol && !strcmp(pol, "always")) sp->restart_policy = RESTART_ALWAYS;
  else if (pol && !strcmp(pol, "on-failure")) sp->restart_policy = RESTART_ON_FAILURE;
  else if (pol && !strcmp(pol, "unless-stopped")) sp->restart_policy = RESTART_UNLESS_STOPPED;
  else if (pol && strcmp(pol, "no")) { errf(err, errlen, "shim.json: restart.policy %s is not one of no, always, on-failure, unless-stopped", pol); return -1; }
  sp->restart_max = (int)json_int(rs, "maxRetries", 0);
  const struct jv *h = json_get(sj, "health");
  if (h && h->t == J_OBJ) {
    struct health *hc = calloc(1, sizeof *hc);
    char **test; int ntest;
    if (str_array(json_get(h, "test"), &test, &ntest) || ntest < 1) { errf(err, errlen, "shim.json: health.test must be a non-empty array"); return -1; }
    if (!strcmp(test[0], "NONE")) { free(hc); hc = NULL; }
    else if (!strcmp(test[0], "CMD-SHELL") && ntest == 2) {
      hc->test = calloc(4, sizeof(char *));
      hc->test[0] = "/bin/sh"; hc->test[1] = "-c"; hc->test[2] = test[1]; hc->ntest = 3; hc->shell = true;
    } else if (!strcmp(test[0], "CMD") && ntest >= 2) { hc->test = test + 1; hc->ntest = ntest - 1; }
    else { errf(err, errlen, "shim.json: health.test must start with CMD, CMD-SHELL or NONE"); return -1; }
    if (hc) {
      hc->interval_ms = json_int(h, "intervalMs", 30000);
      hc->timeout_ms = json_int(h, "timeoutMs", 30000);
      hc->start_period_ms = json_int(h, "startPeriodMs", 0);
      hc->start_interval_ms = json_int(h, "startIntervalMs", 5000);
      hc->retries = (int)json_int(h, "retries", 3);
      if (hc->interval_ms <= 0) hc->interval_ms = 30000;
      if (hc->timeout_ms <= 0) hc->timeout_ms = 30000;
      if (hc->start_interval_ms <= 0) hc->start_interval_ms = 5000;
      if (hc->retries <= 0) hc->retries = 3;
    }
    sp->health = hc;
  }
  sp->stop_signal = (int)json_int(sj, "stopSignal", SIGTERM);
  if (sp->stop_signal <= 0 || sp->stop_signal >= 65) { errf(err, errlen, "shim.json: stopSignal %d is not a signal number", sp->stop_signal); return -1; }
  sp->init = json_bool(sj, "init", false);
  const struct jv *in = json_get(sj, "stdin");
  sp->stdin_open = json_bool(in, "open", false);
  sp->stdin_once = sp->stdin_open && json_bool(in, "once", false);
  const char *rt = json_str(sj, "runtime");
  sp->use_runc = rt && !strcmp(rt, "runc");
  if (rt && strcmp(rt, "shim") && !sp->use_runc) { errf(err, errlen, "shim.json: unknown runtime %s (known: shim, runc)", rt); return -1; }
  sp->runc_path = dupstr(json_str(sj, "runcPath"));
  if (!sp->runc_path) sp->runc_path = strdup("/usr/sbin/runc");
  if (sp->use_runc && sp->runc_path[0] != '/') { errf(err, errlen, "shim.json: runcPath must be an absolute path"); return -1; }
  /* under runc the shim's init cannot be forked inside: the TS side puts `<shim> init --` (bind-mounted as
   * /sbin/docker-init) into config.json instead, as docker does with docker-init */
  if (sp->use_runc && sp->init) { errf(err, errlen, "shim.json: init with runtime runc goes into config.json (/sbin/docker-init init -- ...), not shim.json"); return -1; }
  return 0;
}

int spec_load(const char *bundle, struct spec *sp, char *err, size_t errlen) {
  memset(sp, 0, sizeof *sp);
  sp->keep_netns = -1;
  sp->bundle = realpath(bundle, NULL);
  if (!sp->bundle) { errf(err, errlen, "bundle %s: %m", bundle); return -1; }
  char *cp = bundle_path(sp, "config.json"), *shp = bundle_path(sp, "shim.json");
  char *ctext = read_file(cp, NULL), *stext = read_file(shp, NULL);
  if (!ctext) { errf(err, errlen, "read %s: %m", cp); return -1; }
  if (!stext) { errf(err, errlen, "read %s: %m", shp); return -1; }
  char perr[200];
  struct jv *cfg = json_parse(ctext, perr, sizeof perr);
  if (!cfg || cfg->t != J_OBJ) { errf(err, errlen, "%s: not a JSON object: %s", cp, cfg ? "" : perr); return -1; }
  struct jv *sj = json_parse(stext, perr, sizeof perr);
  if (!sj || sj->t != J_OBJ) { errf(err, errlen, "%s: not a JSON object: %s", shp, sj ? "" : perr); return -1; }
  if (load_shim(sj, sp, err, errlen)) return -1;
  if (load_process(json_get(cfg, "process"), sp, err, errlen)) return -1;
  if (sp->stdin_open && sp->terminal) { errf(err, errlen, "shim.json: stdin.open is for containers without a terminal (a terminal's input is the pty)"); return -1; }
  const struct jv *root = json_get(cfg, "root");
  sp->root = dupstr(json_str(root, "path"));
  if (!sp->root) { errf(err, errlen, "config.json: root.path is missing"); return -1; }
  if (sp->root[0] != '/') { char *abs; if (asprintf(&abs, "%s/%s", sp->bundle, sp->root) < 0) abort(); sp->root = abs; }
  sp->root_ro = json_bool(root, "readonly", false);
  sp->hostname = dupstr(json_str(cfg, "hostname"));
  sp->domainname = dupstr(json_str(cfg, "domainname"));
  if (load_mounts(json_get(cfg, "mounts"), sp, err, errlen)) return -1;
  if (load_linux(json_get(cfg, "linux"), sp, err, errlen)) return -1;
  return 0;
}
