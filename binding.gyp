{
  "targets": [
    {
      "target_name": "tscompose_sys",
      "sources": [
        "native/addon/module.cc",
        "native/addon/mount.cc",
        "native/addon/proc.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags_cc": ["-std=c++17", "-O2", "-Wall"]
    },
    {
      "target_name": "tscompose-shim",
      "type": "executable",
      "sources": ["native/shim/main.c"],
      "cflags": ["-std=gnu11", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "ldflags": ["-static-libgcc"]
    }
  ]
}
