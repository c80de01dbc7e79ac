// Shared helpers for the syscall addon: one way to turn errno into a JS error.
#pragma once
#include <napi.h>
#include <cerrno>
#include <cstring>
#include <string>

// Throws an Error whose message is "<syscall> <object>: <strerror>" and whose
// `code` is the errno name (EPERM, ENOENT, ...), so runtime/sys can map it. A non-empty `detail` (the
// kernel's own words, e.g. a netlink extended ack) is appended in parentheses.
Napi::Value ThrowErrno(Napi::Env env, const char* syscall, const std::string& object, int err, const std::string& detail = "");

void InitMount(Napi::Env env, Napi::Object exports);
void InitProc(Napi::Env env, Napi::Object exports);
void InitFs(Napi::Env env, Napi::Object exports);
void InitNetlink(Napi::Env env, Napi::Object exports);
