/* Compiles config.json's OCI seccomp object into a raw classic-BPF program (no libseccomp).
 * Layout: check the arch; syscalls above the highest known number return ENOSYS (as runc does, so newer
 * libcs fall back, e.g. clone3 → clone); then one block per rule, each "nr matches and all args match →
 * action", tried in order; finally the default action. Rules of one syscall are OR'ed, args of one rule AND'ed. */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include "spec.h"
#include "syscalls.h"

#define NSYS ((int)(sizeof shim_syscalls / sizeof *shim_syscalls))
#define X32_BIT 0x40000000u

struct prog { struct sock_filter *f; int n, cap; };

static void emit(struct prog *p, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k) {
  if (p->n == p->cap) {
    p->cap = p->cap ? p->cap * 2 : 256;
    p->f = realloc(p->f, (size_t)p->cap * sizeof *p->f);
    if (!p->f) abort();
  }
  p->f[p->n++] = (struct sock_filter){ code, jt, jf, k };
}

static int syscall_nr(const char *name) {
  for (int i = 0; i < NSYS; i++) if (!strcmp(shim_syscalls[i].name, name)) return shim_syscalls[i].nr;
  return -1;
}

void seccomp_list(void) {
  for (int i = 0; i < NSYS; i++) printf("%s %d\n", shim_syscalls[i].name, shim_syscalls[i].nr);
}

static int action_of(const char *a, int64_t errno_ret, uint32_t *out) {
  if (!a) return -1;
  if (!strcmp(a, "SCMP_ACT_ALLOW")) *out = SECCOMP_RET_ALLOW;
  else if (!strcmp(a, "SCMP_ACT_ERRNO")) *out = SECCOMP_RET_ERRNO | (uint32_t)((errno_ret >= 0 ? errno_ret : EPERM) & SECCOMP_RET_DATA);
  else if (!strcmp(a, "SCMP_ACT_KILL") || !strcmp(a, "SCMP_ACT_KILL_THREAD")) *out = SECCOMP_RET_KILL_THREAD;
  else if (!strcmp(a, "SCMP_ACT_KILL_PROCESS")) *out = SECCOMP_RET_KILL_PROCESS;
  else if (!strcmp(a, "SCMP_ACT_TRAP")) *out = SECCOMP_RET_TRAP;
  else if (!strcmp(a, "SCMP_ACT_LOG")) *out = SECCOMP_RET_LOG;
  else if (!strcmp(a, "SCMP_ACT_TRACE")) *out = SECCOMP_RET_TRACE | (uint32_t)((errno_ret >= 0 ? errno_ret : EPERM) & SECCOMP_RET_DATA);
  else return -1;
  return 0;
}

#define LD_ABS(p, off) emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0, (uint32_t)(off))
#define ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i))
#define ARG_HI(i) (offsetof(struct seccomp_data, args) + 8 * (i) + 4)

/* Emits the test of one 64-bit argument condition. Every failing path jumps to a placeholder
 * (jt/jf = 0xFF marks it) that the caller patches to the end of the rule block. */
static int emit_arg(struct prog *p, const struct jv *a, char *err, size_t errlen) {
  int idx = (int)json_int(a, "index", -1);
  const char *op = json_str(a, "op");
  uint64_t v = (uint64_t)json_int(a, "value", 0), v2 = (uint64_t)json_int(a, "valueTwo", 0);
  if (idx < 0 || idx > 5 || !op) { errf(err, errlen, "config.json: linux.seccomp: an args entry needs index 0-5 and op"); return -1; }
  uint32_t hi = (uint32_t)(v >> 32), lo = (uint32_t)v;
  const uint8_t F = 0xFF;  /* fail placeholder */
  if (!strcmp(op, "SCMP_CMP_EQ")) {
    LD_ABS(p, ARG_HI(idx)); emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, F, hi);
    LD_ABS(p, ARG_LO(idx)); emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, F, lo);
  } else if (!strcmp(op, "SCMP_CMP_MASKED_EQ")) {
    /* OCI: value is the mask, valueTwo the value to compare with */
    uint32_t mhi = hi, mlo = lo, chi = (uint32_t)(v2 >> 32), clo = (uint32_t)v2;
    LD_ABS(p, ARG_HI(idx)); emit(p, BPF_ALU | BPF_AND | BPF_K, 0, 0, mhi); emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, F, chi);
    LD_ABS(p, ARG_LO(idx)); emit(p, BPF_ALU | BPF_AND | BPF_K, 0, 0, mlo); emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, F, clo);
  } else if (!strcmp(op, "SCMP_CMP_NE")) {
    /* passes when either half differs */
    LD_ABS(p, ARG_HI(idx)); emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 2, hi);
    LD_ABS(p, ARG_LO(idx)); emit(p, BPF_JMP | BPF_JEQ | BPF_K, F, 0, lo);
  } else if (!strcmp(op, "SCMP_CMP_GT") || !strcmp(op, "SCMP_CMP_GE") || !strcmp(op, "SCMP_CMP_LT") || !strcmp(op, "SCMP_CMP_LE")) {
    bool greater = op[9] == 'G', orequal = op[10] == 'E';
    /* hi > (or <) → pass (skip 3); hi != → fail; then compare lo */
    LD_ABS(p, ARG_HI(idx));
    if (greater) emit(p, BPF_JMP | BPF_JGT | BPF_K, 3, 0, hi);
    else emit(p, BPF_JMP | BPF_JGE | BPF_K, 0, 3, hi);  /* hi < v_hi → pass */
    emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, F, hi);
    LD_ABS(p, ARG_LO(idx));
    if (greater) emit(p, BPF_JMP | (orequal ? BPF_JGE : BPF_JGT) | BPF_K, 0, F, lo);
    else emit(p, BPF_JMP | (orequal ? BPF_JGT : BPF_JGE) | BPF_K, F, 0, lo);
  } else { errf(err, errlen, "config.json: linux.seccomp: unknown op %s", op); return -1; }
  return 0;
}

int seccomp_compile(const struct jv *oci, struct sock_fprog *out, char *err, size_t errlen) {
  struct prog p = {0};
  uint32_t dflt;
  int64_t dflt_errno = json_int(oci, "defaultErrnoRet", -1);
  if (action_of(json_str(oci, "defaultAction"), dflt_errno, &dflt)) { errf(err, errlen, "config.json: linux.seccomp.defaultAction is missing or unknown"); return -1; }
  int maxnr = 0;
  for (int i = 0; i < NSYS; i++) if (shim_syscalls[i].nr > maxnr) maxnr = shim_syscalls[i].nr;

  /* foreign arches (i386/x32 callers) get the default action: we only resolve x86_64 numbers */
  LD_ABS(&p, offsetof(struct seccomp_data, arch));
  emit(&p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, AUDIT_ARCH_X86_64);
  emit(&p, BPF_RET | BPF_K, 0, 0, dflt);
  LD_ABS(&p, offsetof(struct seccomp_data, nr));
  emit(&p, BPF_JMP | BPF_JGE | BPF_K, 0, 1, X32_BIT);
  emit(&p, BPF_RET | BPF_K, 0, 0, dflt);
  emit(&p, BPF_JMP | BPF_JGT | BPF_K, 0, 1, (uint32_t)maxnr);
  emit(&p, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ERRNO | ENOSYS);

  const struct jv *rules = json_get(oci, "syscalls");
  for (int r = 0; rules && rules->t == J_ARR && r < rules->len; r++) {
    const struct jv *rule = rules->items[r];
    uint32_t act;
    if (action_of(json_str(rule, "action"), json_int(rule, "errnoRet", -1), &act)) { errf(err, errlen, "config.json: linux.seccomp.syscalls[%d]: unknown action", r); return -1; }
    if (act == dflt && !json_get(rule, "args")) continue;  /* same as falling through */
    const struct jv *names = json_get(rule, "names"), *args = json_get(rule, "args");
    for (int k = 0; names && names->t == J_ARR && k < names->len; k++) {
      if (names->items[k]->t != J_STR) continue;
      int nr = syscall_nr(names->items[k]->s);
      if (nr < 0) continue;  /* as libseccomp-based runtimes do: names this arch lacks are skipped */
      int start = p.n;
      LD_ABS(&p, offsetof(struct seccomp_data, nr));
      emit(&p, BPF_JMP | BPF_JEQ | BPF_K, 0, 0xFF, (uint32_t)nr);
      for (int a = 0; args && args->t == J_ARR && a < args->len; a++)
        if (emit_arg(&p, args->items[a], err, errlen)) { free(p.f); return -1; }
      emit(&p, BPF_RET | BPF_K, 0, 0, act);
      /* patch fail placeholders to jump past this block's return */
      for (int i = start; i < p.n - 1; i++) {
        struct sock_filter *f = &p.f[i];
        if (BPF_CLASS(f->code) != BPF_JMP) continue;
        int dist = p.n - 1 - i;  /* from next insn (i+1) to insn after the ret (p.n): p.n - (i+1) */
        if (dist > 255) { errf(err, errlen, "config.json: linux.seccomp: rule for %s too long", names->items[k]->s); free(p.f); return -1; }
        if (f->jt == 0xFF) f->jt = (uint8_t)dist;
        if (f->jf == 0xFF) f->jf = (uint8_t)dist;
      }
    }
  }
  emit(&p, BPF_RET | BPF_K, 0, 0, dflt);
  if (p.n > BPF_MAXINSNS) { errf(err, errlen, "config.json: linux.seccomp compiles to %d instructions (limit %d)", p.n, BPF_MAXINSNS); free(p.f); return -1; }
  out->len = (unsigned short)p.n;
  out->filter = p.f;
  return 0;
}

int seccomp_install(const struct sock_fprog *prog, char *err, size_t errlen) {
  /* TSYNC is irrelevant (single-threaded); seccomp(2) over prctl so SPEC_ALLOW etc. could be added later */
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog)) { errf(err, errlen, "install seccomp filter: %m"); return -1; }
  return 0;
}
