/* The container's filesystem, built inside its own mount namespace (so nothing is left on the host when
 * the container dies): overlay (or a bind of a single plain dir), config.json mounts, /dev nodes,
 * pivot_root, then masked and read-only paths and the read-only root. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include "spec.h"

static const struct { const char *name; bool clear; unsigned long flag; } mount_flags[] = {
  {"ro", false, MS_RDONLY}, {"rw", true, MS_RDONLY}, {"nosuid", false, MS_NOSUID}, {"suid", true, MS_NOSUID},
  {"nodev", false, MS_NODEV}, {"dev", true, MS_NODEV}, {"noexec", false, MS_NOEXEC}, {"exec", true, MS_NOEXEC},
  {"sync", false, MS_SYNCHRONOUS}, {"async", true, MS_SYNCHRONOUS}, {"noatime", false, MS_NOATIME},
  {"atime", true, MS_NOATIME}, {"nodiratime", false, MS_NODIRATIME}, {"relatime", false, MS_RELATIME},
  {"strictatime", false, MS_STRICTATIME}, {"bind", false, MS_BIND}, {"rbind", false, MS_BIND | MS_REC},
  {"remount", false, MS_REMOUNT}, {"dirsync", false, MS_DIRSYNC}, {"mand", false, MS_MANDLOCK},
  {"defaults", false, 0},
};
static const struct { const char *name; unsigned long flag; } prop_flags[] = {
  {"private", MS_PRIVATE}, {"rprivate", MS_PRIVATE | MS_REC}, {"shared", MS_SHARED}, {"rshared", MS_SHARED | MS_REC},
  {"slave", MS_SLAVE}, {"rslave", MS_SLAVE | MS_REC}, {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
};

/* splits OCI options into mount flags, propagation flags and the fs-specific data string */
static void parse_opts(const struct mnt *m, unsigned long *flags, unsigned long *prop, struct sbuf *data) {
  *flags = 0; *prop = 0;
  for (int i = 0; i < m->nopts; i++) {
    const char *o = m->opts[i];
    bool known = false;
    for (size_t k = 0; k < sizeof mount_flags / sizeof *mount_flags && !known; k++)
      if (!strcmp(mount_flags[k].name, o)) {
        known = true;
        if (mount_flags[k].clear) *flags &= ~mount_flags[k].flag; else *flags |= mount_flags[k].flag;
      }
    for (size_t k = 0; k < sizeof prop_flags / sizeof *prop_flags && !known; k++)
      if (!strcmp(prop_flags[k].name, o)) { known = true; *prop |= prop_flags[k].flag; }
    if (known) continue;
    if (data->len) sb_put(data, ",", 1);
    sb_put(data, o, strlen(o));
  }
}

/* creates the mount point inside the rootfs: a dir, or an empty file when binding a non-directory.
 * Refuses paths that resolve outside the root through symlinks by resolving with the root as base. */
static int make_target(const char *root, const char *dest, bool file, char **out, char *err, size_t errlen) {
  char *full;
  if (asprintf(&full, "%s%s", root, dest) < 0) abort();
  struct stat st;
  if (lstat(full, &st) == 0 && S_ISLNK(st.st_mode)) {
    /* resolve inside the root (openat2 RESOLVE_IN_ROOT would be better; a symlink target is re-rooted here) */
    char link[4096];
    ssize_t n = readlink(full, link, sizeof link - 1);
    if (n > 0) {
      link[n] = '\0';
      char *re;
      if (link[0] == '/') { if (asprintf(&re, "%s%s", root, link) < 0) abort(); }
      else { char *d = strdup(dest); char *sl = strrchr(d, '/'); *sl = '\0'; if (asprintf(&re, "%s%s/%s", root, d, link) < 0) abort(); free(d); }
      free(full);
      full = re;
    }
  }
  if (file) {
    char *dir = strdup(full), *sl = strrchr(dir, '/');
    if (sl) *sl = '\0';
    if (mkdir_p(dir, 0755)) { errf(err, errlen, "mount %s: create %s: %m", dest, dir); free(dir); free(full); return -1; }
    free(dir);
    int fd = open(full, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
    if (fd < 0 && errno != EISDIR) { errf(err, errlen, "mount %s: create the mount point: %m", dest); free(full); return -1; }
    if (fd >= 0) close(fd);
  } else if (mkdir_p(full, 0755)) { errf(err, errlen, "mount %s: create the mount point: %m", dest); free(full); return -1; }
  *out = full;
  return 0;
}

static int mount_one(const struct spec *sp, const struct mnt *m, char *err, size_t errlen) {
  unsigned long flags, prop;
  struct sbuf data = {0};
  parse_opts(m, &flags, &prop, &data);
  bool bind = (flags & MS_BIND) || !strcmp(m->type, "bind");
  struct mnt v2;
  if (bind) flags |= MS_BIND;
  if (!strcmp(m->type, "cgroup")) {
    /* hybrid v1 hosts: a v1 hierarchy per controller is more than containers need; skip as Docker-on-v1
     * would expose a read-only view. Pure v2: mount the namespaced cgroup2. */
    struct stat st;
    if (stat("/sys/fs/cgroup/cgroup.controllers", &st) != 0) { free(data.p); return 0; }
    v2 = (struct mnt){ m->dest, "cgroup2", "cgroup2", m->opts, m->nopts };
    m = &v2;
  }
  struct stat sst;
  bool srcfile = false;
  if (bind) {
    if (stat(m->source, &sst)) { errf(err, errlen, "mount %s: source %s: %m", m->dest, m->source); free(data.p); return -1; }
    srcfile = !S_ISDIR(sst.st_mode);
  }
  char *target;
  if (make_target(sp->root, m->dest, srcfile, &target, err, errlen)) { free(data.p); return -1; }
  int rc = 0;
  if (bind) {
    if (mount(m->source, target, NULL, flags & (MS_BIND | MS_REC), NULL)) { errf(err, errlen, "mount %s: bind %s: %m", m->dest, m->source); rc = -1; goto out; }
    unsigned long extra = flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
    if (extra && mount(NULL, target, NULL, MS_BIND | MS_REMOUNT | extra, NULL)) {
      /* locked flags (nodev/nosuid of the source) must be kept on remount: retry adding them */
      if (mount(NULL, target, NULL, MS_BIND | MS_REMOUNT | extra | MS_NOSUID | MS_NODEV, NULL)) { errf(err, errlen, "mount %s: remount with options: %m", m->dest); rc = -1; goto out; }
    }
  } else {
    const char *type = m->type;
    if (mount(m->source, target, type, flags & ~MS_REMOUNT, data.p)) {
      /* mqueue/sysfs may be refused in a shared net/ipc ns case: fall back to a bind for sysfs */
      if (!strcmp(type, "sysfs") && (errno == EPERM || errno == EBUSY)) {
        if (!mount("/sys", target, NULL, MS_BIND | MS_REC, NULL) && !mount(NULL, target, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL)) goto props;
      }
      errf(err, errlen, "mount %s (%s, %s): %m", m->dest, type, data.p ? data.p : "");
      rc = -1; goto out;
    }
  }
props:
  if (prop && mount(NULL, target, NULL, prop, NULL)) { errf(err, errlen, "mount %s: set propagation: %m", m->dest); rc = -1; }
out:
  free(target); free(data.p);
  return rc;
}

int mounts_rootfs(const struct spec *sp, char *err, size_t errlen) {
  if (mkdir_p(sp->root, 0755)) { errf(err, errlen, "rootfs %s: %m", sp->root); return -1; }
  if (!sp->upper) {
    if (mount(sp->lower[0], sp->root, NULL, MS_BIND | MS_REC, NULL)) { errf(err, errlen, "rootfs: bind %s: %m", sp->lower[0]); return -1; }
    return 0;
  }
  if (mkdir_p(sp->upper, 0755) || mkdir_p(sp->work, 0700)) { errf(err, errlen, "rootfs: create upper/work dirs: %m"); return -1; }
  struct sbuf d = {0};
  sb_put(&d, "lowerdir=", 9);
  for (int i = 0; i < sp->nlower; i++) { if (i) sb_put(&d, ":", 1); sb_put(&d, sp->lower[i], strlen(sp->lower[i])); }
  sb_printf(&d, ",upperdir=%s,workdir=%s", sp->upper, sp->work);
  if (mount("overlay", sp->root, "overlay", 0, d.p)) { errf(err, errlen, "rootfs: mount overlay: %m"); free(d.p); return -1; }
  free(d.p);
  return 0;
}

/* the OCI default device nodes, then linux.devices; created with mknod (we are root in the init userns) */
static int make_devices(const struct spec *sp, char *err, size_t errlen) {
  static const struct devnode defaults[] = {
    {"/dev/null", 'c', 1, 3, 0666, 0, 0}, {"/dev/zero", 'c', 1, 5, 0666, 0, 0}, {"/dev/full", 'c', 1, 7, 0666, 0, 0},
    {"/dev/random", 'c', 1, 8, 0666, 0, 0}, {"/dev/urandom", 'c', 1, 9, 0666, 0, 0}, {"/dev/tty", 'c', 5, 0, 0666, 0, 0},
  };
  char p[4096];
  snprintf(p, sizeof p, "%s/dev", sp->root);
  struct stat st;
  if (stat(p, &st)) return 0;  /* no /dev in the image and none mounted: nothing to populate */
  mode_t old = umask(0);
  for (int pass = 0; pass < 2; pass++) {
    int n = pass ? sp->ndevices : (int)(sizeof defaults / sizeof *defaults);
    for (int i = 0; i < n; i++) {
      const struct devnode *d = pass ? &sp->devices[i] : &defaults[i];
      snprintf(p, sizeof p, "%s%s", sp->root, d->path);
      char *dir = strdup(p), *sl = strrchr(dir, '/');
      *sl = '\0';
      mkdir_p(dir, 0755);
      free(dir);
      mode_t type = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;
      unlink(p);
      if (mknod(p, type | (d->mode & 07777), makedev((unsigned)d->major, (unsigned)d->minor))) {
        errf(err, errlen, "create device %s: %m", d->path); umask(old); return -1;
      }
      if (chown(p, d->uid, d->gid)) { errf(err, errlen, "chown device %s: %m", d->path); umask(old); return -1; }
    }
  }
  umask(old);
  static const char *const links[][2] = {
    {"/proc/self/fd", "/dev/fd"}, {"/proc/self/fd/0", "/dev/stdin"}, {"/proc/self/fd/1", "/dev/stdout"},
    {"/proc/self/fd/2", "/dev/stderr"}, {"/proc/kcore", "/dev/core"},
  };
  for (size_t i = 0; i < sizeof links / sizeof *links; i++) {
    snprintf(p, sizeof p, "%s%s", sp->root, links[i][1]);
    if (symlink(links[i][0], p) && errno != EEXIST) { errf(err, errlen, "create %s: %m", links[i][1]); return -1; }
  }
  /* /dev/ptmx → the container's own devpts instance */
  snprintf(p, sizeof p, "%s/dev/pts/ptmx", sp->root);
  if (stat(p, &st) == 0) {
    snprintf(p, sizeof p, "%s/dev/ptmx", sp->root);
    unlink(p);
    if (symlink("pts/ptmx", p)) { errf(err, errlen, "create /dev/ptmx: %m"); return -1; }
  }
  return 0;
}

int mounts_setup(const struct spec *sp, char *err, size_t errlen) {
  if (mount(NULL, "/", NULL, sp->rootprop, NULL)) { errf(err, errlen, "set root propagation: %m"); return -1; }
  if (mounts_rootfs(sp, err, errlen)) return -1;
  bool dev_mounted = false;
  for (int i = 0; i < sp->nmounts; i++) {
    if (mount_one(sp, &sp->mounts[i], err, errlen)) return -1;
    if (!strcmp(sp->mounts[i].dest, "/dev")) dev_mounted = true;
  }
  /* nodes go only into a /dev we own (a tmpfs); never into the image's /dev on the overlay */
  if (dev_mounted && make_devices(sp, err, errlen)) return -1;
  if (chdir(sp->root)) { errf(err, errlen, "chdir %s: %m", sp->root); return -1; }
  if (syscall(SYS_pivot_root, ".", ".")) { errf(err, errlen, "pivot_root %s: %m", sp->root); return -1; }
  /* the old root now sits under the new one at "."; make it private before detaching so it does not propagate */
  if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) || umount2(".", MNT_DETACH)) { errf(err, errlen, "detach the old root: %m"); return -1; }
  if (chdir("/")) { errf(err, errlen, "chdir /: %m"); return -1; }
  return 0;
}

static int mask_path(const char *path, char *err, size_t errlen) {
  struct stat st;
  if (stat(path, &st)) return 0;  /* absent on this kernel: nothing to hide */
  if (S_ISDIR(st.st_mode)) {
    if (mount("tmpfs", path, "tmpfs", MS_RDONLY, "size=0k,mode=000") == 0) return 0;
  } else if (mount("/dev/null", path, NULL, MS_BIND, NULL) == 0) return 0;
  if (errno == ENOENT) return 0;
  errf(err, errlen, "mask %s: %m", path);
  return -1;
}

static int readonly_path(const char *path, char *err, size_t errlen) {
  if (mount(path, path, NULL, MS_BIND | MS_REC, NULL)) {
    if (errno == ENOENT) return 0;
    errf(err, errlen, "read-only %s: %m", path); return -1;
  }
  if (mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) &&
      mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL)) { errf(err, errlen, "read-only %s: %m", path); return -1; }
  return 0;
}

int mounts_finish(const struct spec *sp, char *err, size_t errlen) {
  for (int i = 0; i < sp->nropaths; i++) if (readonly_path(sp->ropaths[i], err, errlen)) return -1;
  for (int i = 0; i < sp->nmasked; i++) if (mask_path(sp->masked[i], err, errlen)) return -1;
  if (sp->root_ro && mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL)) { errf(err, errlen, "read-only root: %m"); return -1; }
  return 0;
}
