// File syscalls Node's fs lacks and layer unpacking needs: mknod(2) for devices, fifos and overlay
// whiteouts, and the l*xattr(2) family, which never follows a symlink (a layer may put xattrs on a link).
#include "common.h"
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/xattr.h>
#include <fcntl.h>
#include <vector>

// mknod(path, mode, major, minor): mode carries the file type (S_IFCHR, S_IFBLK, S_IFIFO) and permission
// bits. The permission bits are applied exactly (chmod after mknod), not masked by the process umask, so
// the node ends up as the layer says, like `mknod -m`.
static Napi::Value Mknod(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 4 || !info[0].IsString() || !info[1].IsNumber() || !info[2].IsNumber() || !info[3].IsNumber()) {
    Napi::TypeError::New(env, "mknod(path: string, mode: number, major: number, minor: number)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  std::string file = info[0].As<Napi::String>().Utf8Value();
  mode_t mode = (mode_t)info[1].As<Napi::Number>().Uint32Value();
  unsigned major = info[2].As<Napi::Number>().Uint32Value();
  unsigned minor = info[3].As<Napi::Number>().Uint32Value();
  if (mknod(file.c_str(), mode, makedev(major, minor)) != 0) return ThrowErrno(env, "mknod", file, errno);
  if (fchmodat(AT_FDCWD, file.c_str(), mode & 07777, 0) != 0) return ThrowErrno(env, "chmod", file, errno);
  return env.Undefined();
}

// lsetxattr(path, name, value): creates or replaces the attribute on the path itself (a symlink is not followed).
static Napi::Value Lsetxattr(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsString() || !info[1].IsString() || !info[2].IsBuffer()) {
    Napi::TypeError::New(env, "lsetxattr(path: string, name: string, value: Buffer)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  std::string file = info[0].As<Napi::String>().Utf8Value();
  std::string name = info[1].As<Napi::String>().Utf8Value();
  Napi::Buffer<uint8_t> value = info[2].As<Napi::Buffer<uint8_t>>();
  if (lsetxattr(file.c_str(), name.c_str(), value.Data(), value.Length(), 0) != 0) {
    return ThrowErrno(env, "lsetxattr", file + " " + name, errno);
  }
  return env.Undefined();
}

// lgetxattr(path, name): the attribute's bytes, or null when the file has no such attribute (ENODATA).
static Napi::Value Lgetxattr(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsString()) {
    Napi::TypeError::New(env, "lgetxattr(path: string, name: string)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  std::string file = info[0].As<Napi::String>().Utf8Value();
  std::string name = info[1].As<Napi::String>().Utf8Value();
  // size first, then read; retry if the attribute grew in between (ERANGE)
  for (int attempt = 0; attempt < 4; attempt++) {
    ssize_t size = lgetxattr(file.c_str(), name.c_str(), nullptr, 0);
    if (size < 0) {
      if (errno == ENODATA) return env.Null();
      return ThrowErrno(env, "lgetxattr", file + " " + name, errno);
    }
    std::vector<uint8_t> buf((size_t)size + 1);
    ssize_t got = lgetxattr(file.c_str(), name.c_str(), buf.data(), buf.size());
    if (got >= 0) return Napi::Buffer<uint8_t>::Copy(env, buf.data(), (size_t)got);
    if (errno == ENODATA) return env.Null();
    if (errno != ERANGE) return ThrowErrno(env, "lgetxattr", file + " " + name, errno);
  }
  return ThrowErrno(env, "lgetxattr", file + " " + name, ERANGE);
}

void InitFs(Napi::Env env, Napi::Object exports) {
  exports.Set("mknod", Napi::Function::New(env, Mknod));
  exports.Set("lsetxattr", Napi::Function::New(env, Lsetxattr));
  exports.Set("lgetxattr", Napi::Function::New(env, Lgetxattr));
}
