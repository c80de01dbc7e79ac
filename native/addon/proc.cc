// Process syscalls the CLI needs without a shim: become a child subreaper, signal a pidfd.
#include "common.h"
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <signal.h>
#include <unistd.h>

static Napi::Value SetChildSubreaper(const Napi::CallbackInfo& info) {
  if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) return ThrowErrno(info.Env(), "prctl", "PR_SET_CHILD_SUBREAPER", errno);
  return info.Env().Undefined();
}

// pidfdSignal(pid, signal): opens a pidfd and sends the signal through it, so a recycled pid is never hit
// between the caller's identity check and the kill. Returns false when the process is already gone.
static Napi::Value PidfdSignal(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int pid = info[0].As<Napi::Number>().Int32Value();
  int sig = info[1].As<Napi::Number>().Int32Value();
  int fd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (fd < 0) {
    if (errno == ESRCH) return Napi::Boolean::New(env, false);
    return ThrowErrno(env, "pidfd_open", std::to_string(pid), errno);
  }
  int rc = (int)syscall(SYS_pidfd_send_signal, fd, sig, nullptr, 0);
  int err = errno;
  close(fd);
  if (rc != 0) {
    if (err == ESRCH) return Napi::Boolean::New(env, false);
    return ThrowErrno(env, "pidfd_send_signal", std::to_string(pid), err);
  }
  return Napi::Boolean::New(env, true);
}

void InitProc(Napi::Env env, Napi::Object exports) {
  exports.Set("setChildSubreaper", Napi::Function::New(env, SetChildSubreaper));
  exports.Set("pidfdSignal", Napi::Function::New(env, PidfdSignal));
}
