// Shared helpers for the syscall addon: one way to turn errno into a JS error.
#pragma once
#include <napi.h>
#include <cerrno>
#include <cstring>
#include <string>

// Throws an Error whose message is "<syscall> <object>: <strerror>" and whose
// `code` is the errno name (EPERM, ENOENT, ...), so runtime/sys can map it.
Napi::Value ThrowErrno(Napi::Env env, const char* syscall, const std::string& object, int err);

void InitMount(Napi::Env env, Napi::Object exports);
void InitProc(Napi::Env env, Napi::Object exports);
