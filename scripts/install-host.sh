#!/usr/bin/env bash
# Installs, from Debian's archive, the host packages tscompose needs on a fresh Debian 12 machine, and only
# those that are missing. Runs as root.
#
#   bash scripts/install-host.sh           what tscompose and the image kit need: iptables and iproute2 for
#                                          networks and published ports, busybox-static and redis-server for
#                                          the example images, make and g++ for the native build,
#                                          curl for the README's first command
#   bash scripts/install-host.sh --tests   the above, and what the test suite adds: the loopback registry
#                                          (docker-registry, apache2-utils), tmux, runc and git
#
# Debian's packaged services (redis, the registry) are kept from starting on install: tscompose and the tests
# start their own on loopback.
set -euo pipefail

tests=0
for arg in "$@"; do
  case "$arg" in
    --tests) tests=1 ;;
    *) echo "install-host: unknown option $arg (usage: install-host.sh [--tests])" >&2; exit 1 ;;
  esac
done

if [ "$(id -u)" -ne 0 ]; then
  echo "install-host: run as root (tscompose creates namespaces, mounts and iptables rules)" >&2
  exit 1
fi

need=()
have() { command -v "$1" >/dev/null 2>&1; }
want() { have "$1" || need+=("$2"); }

want iptables iptables
want ip iproute2
[ -x /bin/busybox ] || need+=(busybox-static)
want redis-server redis-server
want redis-cli redis-tools
want make make
want g++ g++
want curl curl
if [ "$tests" -eq 1 ]; then
  want docker-registry docker-registry
  want htpasswd apache2-utils
  want tmux tmux
  want runc runc
  want git git
fi

if [ "${#need[@]}" -eq 0 ]; then
  exit 0
fi

echo "install-host: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# A policy-rc.d that refuses keeps the packaged services from starting; one already there is left as it was.
own_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  own_policy=1
fi
status=0
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null || status=$?
if [ "$own_policy" -eq 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
if [ "$status" -ne 0 ]; then
  echo "install-host: apt-get install ${need[*]} failed (exit $status)" >&2
  exit "$status"
fi
