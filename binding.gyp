{
  "targets": [
    {
      "target_name": "tscompose_sys",
      "sources": [
        "native/addon/module.cc",
        "native/addon/mount.cc",
        "native/addon/proc.cc",
        "native/addon/fs.cc",
        "native/addon/netlink.cc",
        "native/addon/nlmsg.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags_cc": ["-std=c++17", "-O2", "-Wall"]
    },
    {
      "target_name": "tscompose-shim",
      "type": "executable",
      "sources": [
        "native/shim/main.c", "native/shim/json.c", "native/shim/config.c", "native/shim/caps.c",
        "native/shim/seccomp.c", "native/shim/cgroup.c", "native/shim/namespaces.c", "native/shim/mounts.c",
        "native/shim/process.c", "native/shim/init.c", "native/shim/io.c", "native/shim/state.c",
        "native/shim/monitor.c", "native/shim/ctl.c", "native/shim/health.c", "native/shim/exec.c",
        "native/shim/runc.c", "native/shim/stdin.c"
      ],
      "cflags": ["-std=gnu11", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "ldflags": ["-static"]
    },
    {
      "target_name": "tscompose-dns",
      "type": "executable",
      "sources": ["native/dns/main.c", "native/dns/table.c", "native/dns/packet.c"],
      "cflags": ["-std=gnu11", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "ldflags": ["-static"]
    }
  ]
}
