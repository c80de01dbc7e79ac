/* Capabilities by raw syscalls (no libcap): names → bits, bounding-set drop, final capset and ambient raise. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include "spec.h"

static const char *const cap_names[] = {
  "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP",
  "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
  "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
  "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP",
  "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF",
  "CHECKPOINT_RESTORE",
};
#define NCAPS ((int)(sizeof cap_names / sizeof *cap_names))

int cap_from_name(const char *name) {
  if (!strncmp(name, "CAP_", 4)) name += 4;
  for (int i = 0; i < NCAPS; i++) if (!strcmp(cap_names[i], name)) return i;
  return -1;
}

/* The kernel's last capability can be newer than our table: ask it, so "all" means all it knows. */
static int last_cap(void) {
  char *s = read_file("/proc/sys/kernel/cap_last_cap", NULL);
  int n = s ? atoi(s) : NCAPS - 1;
  free(s);
  return n > 63 ? 63 : n;
}

uint64_t caps_all(void) {
  int last = last_cap();
  return last >= 63 ? ~0ULL : (1ULL << (last + 1)) - 1;
}

int caps_drop_bounding(uint64_t keep, char *err, size_t errlen) {
  int last = last_cap();
  for (int c = 0; c <= last; c++) {
    if (keep & (1ULL << c)) continue;
    if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) && errno != EINVAL) { errf(err, errlen, "drop capability %d from the bounding set: %m", c); return -1; }
  }
  return 0;
}

static int capset3(uint64_t eff, uint64_t prm, uint64_t inh) {
  struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct d[2] = {
    { (uint32_t)eff, (uint32_t)prm, (uint32_t)inh },
    { (uint32_t)(eff >> 32), (uint32_t)(prm >> 32), (uint32_t)(inh >> 32) },
  };
  return (int)syscall(SYS_capset, &h, d);
}

uint64_t caps_permitted_now(void) {
  struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct d[2];
  if (syscall(SYS_capget, &h, d)) return 0;
  return (uint64_t)d[0].permitted | ((uint64_t)d[1].permitted << 32);
}

int caps_apply(const struct spec *sp, bool privileged, char *err, size_t errlen) {
  /* "all" for privileged means all we hold: the host may lack some (CAP_SYS_RESOURCE here) */
  uint64_t all = caps_all() & caps_permitted_now();
  /* a capability the shim itself lacks cannot be granted; asking for it (privileged lists every name the
   * kernel knows) gets what the host allows rather than a failed create, as a privileged docker run does */
  uint64_t held = caps_permitted_now();
  uint64_t eff = (privileged ? all : sp->cap_eff) & held, prm = (privileged ? all : sp->cap_prm) & held;
  uint64_t inh = (privileged ? all : sp->cap_inh) & held, amb = (privileged ? 0 : sp->cap_amb) & held;
  /* the kernel refuses ambient caps outside permitted∩inheritable: surface that as the config error it is */
  if (capset3(eff, prm, inh)) { errf(err, errlen, "set capabilities: %m"); return -1; }
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) && errno != EINVAL) { errf(err, errlen, "clear ambient capabilities: %m"); return -1; }
  for (int c = 0; c < 64; c++) {
    if (!(amb & (1ULL << c))) continue;
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0)) { errf(err, errlen, "raise ambient capability %d: %m", c); return -1; }
  }
  return 0;
}
