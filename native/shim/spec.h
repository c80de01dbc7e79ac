/* The shim's view of a bundle: config.json (OCI subset) and shim.json, parsed once into plain structs.
 * Every file in native/shim includes this; see PROTOCOL.md for the contract with the TypeScript side. */
#ifndef SHIM_SPEC_H
#define SHIM_SPEC_H

#include <stdint.h>
#include <stdbool.h>
#include <sys/types.h>

#define SHIM_VERSION "0.2.0"

/* ---- json.c: a small DOM reader (objects keep key order; strings are NUL-terminated UTF-8) ---- */
enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };
struct jv {
  enum jtype t;
  bool b;
  double n;
  char *s;              /* J_STR */
  int len;              /* J_ARR / J_OBJ element count */
  struct jv **items;    /* J_ARR / J_OBJ values */
  char **keys;          /* J_OBJ keys */
};
struct jv *json_parse(const char *text, char *err, size_t errlen);
void json_free(struct jv *v);
struct jv *json_get(const struct jv *obj, const char *key);      /* NULL if missing or not an object */
const char *json_str(const struct jv *v, const char *key);       /* NULL unless a string */
int64_t json_int(const struct jv *v, const char *key, int64_t dflt);
bool json_bool(const struct jv *v, const char *key, bool dflt);
char *read_file(const char *path, size_t *len);                  /* malloc'd, NUL-terminated */
/* appends a JSON string literal (with quotes) of s to buf (a growing string) */
struct sbuf { char *p; size_t len, cap; };
void sb_put(struct sbuf *b, const char *s, size_t n);
void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_json_str(struct sbuf *b, const char *s, size_t n);
void json_dump(struct sbuf *b, const struct jv *v);                /* compact JSON text */
int json_set(struct jv *obj, const char *key, struct jv *val);   /* add or replace a key */
struct jv *json_new_str(const char *s);

/* ---- config.c: the parsed bundle ---- */
struct mnt { char *dest, *type, *source; char **opts; int nopts; };
struct rlim { int resource; uint64_t soft, hard; char *name; };
struct devnode { char *path; char type; int64_t major, minor; uint32_t mode; uid_t uid; gid_t gid; };
struct devrule { bool allow; char type; int64_t major, minor; char access[4]; };
struct nsent { int flag; char *path; };
struct sysctl { char *key, *value; };

struct spec {
  char *bundle, *id, *name;
  /* process */
  char **args, **env; int nargs, nenv;
  char *cwd;
  uid_t uid; gid_t gid; gid_t *groups; int ngroups;
  uint64_t cap_bnd, cap_eff, cap_prm, cap_inh, cap_amb;
  struct rlim *rlimits; int nrlimits;
  bool nnp, terminal;
  bool has_oom_score; int oom_score_adj;
  /* root and mounts */
  char *root; bool root_ro;
  char *hostname, *domainname;
  struct mnt *mounts; int nmounts;
  char **masked, **ropaths; int nmasked, nropaths;
  unsigned long rootprop;
  struct devnode *devices; int ndevices;
  /* linux */
  struct nsent *ns; int nns;
  struct sysctl *sysctls; int nsysctls;
  char *cgroups_path;
  int64_t mem_limit, mem_reservation, mem_swap; bool oom_kill_disable;  /* -1 = unset */
  int64_t cpu_shares, cpu_quota, cpu_period; char *cpus, *mems;
  int64_t pids_limit, blkio_weight;
  struct devrule *devrules; int ndevrules;
  struct jv *seccomp;  /* OCI seccomp object or NULL (unconfined) */
  /* shim.json */
  char **lower; int nlower; char *upper, *work;
  char *log_path; int64_t log_max_size; int log_max_file;
  int restart_policy; int restart_max;  /* RESTART_* */
  struct health *health;
  int stop_signal;
  bool init;
  bool use_runc;
  char *runc_path;     /* shim.json runcPath: the runc binary (runtime "runc") */
  /* shim.json stdin: open = fd 0 is a pipe whose write end the monitor holds (else /dev/null);
   * once = the first stdin client's EOF closes it for good (docker's StdinOnce, used by `run`) */
  bool stdin_open, stdin_once;
  /* monitor: the container's own network namespace, held open across restarts so its interfaces (the veths
   * tscompose attached) survive them, as docker keeps a container's sandbox; -1 before the first run */
  int keep_netns;
};
enum { RESTART_NO, RESTART_ALWAYS, RESTART_ON_FAILURE, RESTART_UNLESS_STOPPED };
struct health {
  char **test; int ntest; bool shell;
  int64_t interval_ms, timeout_ms, start_period_ms, start_interval_ms; int retries;
};
int spec_load(const char *bundle, struct spec *sp, char *err, size_t errlen);
char *bundle_path(const struct spec *sp, const char *name);   /* malloc'd B/name */

/* ---- caps.c ---- */
int cap_from_name(const char *name);                            /* -1 if unknown */
uint64_t caps_all(void);
uint64_t caps_permitted_now(void);
int caps_drop_bounding(uint64_t keep, char *err, size_t errlen);
int caps_apply(const struct spec *sp, bool privileged, char *err, size_t errlen); /* final capset + ambient */

/* ---- seccomp.c ---- */
struct sock_fprog;
int seccomp_compile(const struct jv *oci, struct sock_fprog *out, char *err, size_t errlen);
int seccomp_install(const struct sock_fprog *prog, char *err, size_t errlen);
void seccomp_list(void);  /* prints the syscall table: "name nr" per line */

/* ---- cgroup.c ---- */
struct cgroups;   /* opaque: where this container's cgroups are */
struct cgroups *cg_create(const struct spec *sp, char *err, size_t errlen);
struct cgroups *cg_open(const struct spec *sp);                 /* existing dirs, no create */
int cg_apply(struct cgroups *cg, const struct spec *sp, char *err, size_t errlen);
int cg_join(struct cgroups *cg, pid_t pid, char *err, size_t errlen);
int cg_join_self(struct cgroups *cg, char *err, size_t errlen);      /* the calling process (single-threaded) */
uint64_t cg_oom_kills(struct cgroups *cg);
int cg_freeze(struct cgroups *cg, bool frozen);
int cg_kill_all(struct cgroups *cg);                           /* SIGKILL every process left */
void cg_destroy(struct cgroups *cg);                            /* rmdir all, best effort */

/* ---- namespaces.c ---- */
int ns_clone_flags(const struct spec *sp);                      /* namespaces to create (no path) */
int ns_join_paths(const struct spec *sp, int only_flag, int skip_flag, char *err, size_t errlen);
int ns_join_pid(pid_t pid, bool with_pidns, char *err, size_t errlen); /* exec: all of a running container's */

/* ---- mounts.c ---- */
int mounts_setup(const struct spec *sp, char *err, size_t errlen);  /* in the child, through pivot_root */
int mounts_finish(const struct spec *sp, char *err, size_t errlen); /* masked/ro paths, ro root (after sysctl) */
int mounts_rootfs(const struct spec *sp, char *err, size_t errlen);  /* overlay (or bind) on root.path */

/* ---- process.c: the container's init path (child side of clone) ---- */
int proc_prepare_identity(const struct spec *sp, uid_t uid, gid_t gid, const gid_t *groups, int ngroups,
                          char *err, size_t errlen);
int proc_rlimits(const struct spec *sp, char *err, size_t errlen);
char *proc_resolve(const char *cmd, char **env, const char *cwd);  /* PATH lookup in the container */
int child_main(const struct spec *sp, struct cgroups *cg, int sync_fd, int report, int tty_sock);

/* ---- io.c ---- */
struct logw;
struct logw *log_open(const struct spec *sp, char *err, size_t errlen);
void log_write(struct logw *lw, const char *stream, const char *data, size_t n);
void log_flush_partial(struct logw *lw);
void log_close(struct logw *lw);
void rfc3339nano(char *buf, size_t len, const struct timespec *ts);

/* ---- state.c ---- */
struct hresult { char start[40], end[40]; int exit_code; char *output; };
struct hstate { int status; int streak; struct hresult log[5]; int nlog; };  /* status: 0 starting 1 healthy 2 unhealthy */
struct state {
  const char *status;
  pid_t pid; uint64_t pid_start; pid_t shim_pid; uint64_t shim_start;
  bool has_exit; int exit_code; int signal; bool oom;
  char started_at[40], finished_at[40];
  int restart_count; bool stop_requested; char *error;
  struct hstate *health;
};
int state_write(const struct spec *sp, const struct state *st);
uint64_t proc_start_time(pid_t pid);
bool proc_alive(pid_t pid, uint64_t start);                    /* same process, not a zombie */                             /* field 22 of /proc/pid/stat, 0 if gone */
void now_rfc3339(char *buf, size_t len);

/* ---- monitor.c / ctl.c / exec.c / health.c / init.c ---- */
int monitor_run(struct spec *sp, int report_fd, bool autostart);
int ctl_listen(const struct spec *sp, char *err, size_t errlen);
int ctl_request(const char *bundle, const char *line, char *reply, size_t replylen, int timeout_ms);
int exec_main(int argc, char **argv);
/* runc.c: runtime "runc" (runc_spawn/runc_start take the monitor: see monitor.h) */
int runc_prepare(const struct spec *sp, char *err, size_t errlen);
void runc_delete(const struct spec *sp);
void runc_delete_stale(const struct spec *sp);
int init_main(char *path, char **argv, char **envp, int report); /* `init: true`: pid 1 loop, never returns */

/* helpers shared across files (main.c) */
int write_all(int fd, const void *buf, size_t n);
int write_file(const char *path, const char *data);              /* open O_WRONLY|O_TRUNC, write, close */
int mkdir_p(const char *path, mode_t mode);
void errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int64_t mono_ms(void);

#endif
