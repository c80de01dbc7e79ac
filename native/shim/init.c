/* `init: true`: a tiny pid 1 (this shim process, already inside the container) that forks the command,
 * forwards the signals a container receives to it, reaps every orphan, and exits with the command's
 * status (128+N when it was killed by signal N), as docker-init/tini do. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include "spec.h"

int init_main(char *path, char **argv, char **envp, int report) {
  sigset_t all, old;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, &old);
  /* pid 1 runs the shim's binary: keep container processes from reaching it through /proc/1/exe */
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  pid_t child = fork();
  if (child < 0) {
    char err[128];
    errf(err, sizeof err, "init: fork: %m");
    write_all(report, err, strlen(err));
    _exit(127);
  }
  if (child == 0) {
    setpgid(0, 0);
    sigprocmask(SIG_SETMASK, &old, NULL);
    execve(path, argv, envp);
    char err[512];
    errf(err, sizeof err, "exec %s: %m", path);
    write_all(report, err, strlen(err));
    _exit(127);
  }
  close(report);
  for (;;) {
    siginfo_t si;
    int sig = sigwaitinfo(&all, &si);
    if (sig < 0) continue;
    if (sig != SIGCHLD) {
      /* forward to the command's process group, as tini -g would for the common shell-script case */
      kill(child, sig);
      continue;
    }
    int status;
    pid_t p;
    while ((p = waitpid(-1, &status, WNOHANG)) > 0) {
      if (p != child) continue;
      /* the command is done: any remaining processes die with the pid namespace when we exit */
      if (WIFEXITED(status)) _exit(WEXITSTATUS(status));
      _exit(128 + WTERMSIG(status));
    }
  }
}
