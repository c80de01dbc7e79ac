// Entry point of the syscall addon: plain syscalls, no policy (see runtime/sys).
#include "common.h"

static const char* ErrnoName(int err) {
  switch (err) {
    case EPERM: return "EPERM"; case ENOENT: return "ENOENT"; case EINTR: return "EINTR";
    case EIO: return "EIO"; case EBADF: return "EBADF"; case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM"; case EACCES: return "EACCES"; case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST"; case ENOTDIR: return "ENOTDIR"; case EINVAL: return "EINVAL";
    case ENOSPC: return "ENOSPC"; case EROFS: return "EROFS"; case ENOSYS: return "ENOSYS";
    case ESRCH: return "ESRCH"; case ENODEV: return "ENODEV"; case ENOTEMPTY: return "ENOTEMPTY";
    case ENODATA: return "ENODATA"; case EOPNOTSUPP: return "EOPNOTSUPP"; case ERANGE: return "ERANGE";
    case E2BIG: return "E2BIG"; case ENAMETOOLONG: return "ENAMETOOLONG"; case ELOOP: return "ELOOP";
    case EDQUOT: return "EDQUOT"; case EXDEV: return "EXDEV"; case EISDIR: return "EISDIR";
    case EADDRINUSE: return "EADDRINUSE"; case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    case ENETUNREACH: return "ENETUNREACH"; case ENETDOWN: return "ENETDOWN"; case ENOBUFS: return "ENOBUFS";
    case EMSGSIZE: return "EMSGSIZE"; case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case EPROTONOSUPPORT: return "EPROTONOSUPPORT"; case EOVERFLOW: return "EOVERFLOW"; case ENXIO: return "ENXIO";
    default: return "EUNKNOWN";
  }
}

Napi::Value ThrowErrno(Napi::Env env, const char* syscall, const std::string& object, int err, const std::string& detail) {
  std::string msg = std::string(syscall) + " " + object + ": " + strerror(err);
  if (!detail.empty()) msg += " (" + detail + ")";
  Napi::Error e = Napi::Error::New(env, msg);
  e.Set("code", Napi::String::New(env, ErrnoName(err)));
  e.Set("errno", Napi::Number::New(env, err));
  e.Set("syscall", Napi::String::New(env, syscall));
  e.ThrowAsJavaScriptException();
  return env.Undefined();
}

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  InitMount(env, exports);
  InitProc(env, exports);
  InitFs(env, exports);
  InitNetlink(env, exports);
  // 2: mknod, lsetxattr, lgetxattr, attachVeth
  exports.Set("abiVersion", Napi::Number::New(env, 2));
  return exports;
}

NODE_API_MODULE(tscompose_sys, Init)
