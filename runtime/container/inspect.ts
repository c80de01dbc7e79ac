/** inspect: a docker-inspect-like document (the fields Compose tooling reads) from meta, state and config. */
import path from 'node:path';
import { readJsonIfExists } from '../store/atomic.js';
import type { ShimState } from '../types.js';
import { openContainer } from './lookup.js';

export interface InspectState {
  Status: string;
  Running: boolean;
  Paused: boolean;
  Restarting: boolean;
  OOMKilled: boolean;
  Dead: boolean;
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
  Health?: { Status: string; FailingStreak: number; Log: Array<{ Start: string; End: string; ExitCode: number; Output: string }> };
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

/** Pure: state.json (+ the user-visible status) → docker's State object. */
export function renderInspectState(status: string, s: ShimState | undefined): InspectState {
  const live = status === 'running' || status === 'paused' || status === 'restarting';
  const out: InspectState = {
    Status: status,
    Running: live,
    Paused: status === 'paused',
    Restarting: status === 'restarting',
    OOMKilled: s?.oomKilled ?? false,
    Dead: status === 'dead',
    Pid: live ? s?.pid ?? 0 : 0,
    ExitCode: s?.exitCode ?? 0,
    Error: s?.error ?? '',
    StartedAt: s?.startedAt || ZERO_TIME,
    FinishedAt: s?.finishedAt || ZERO_TIME,
  };
  if (s?.health) {
    out.Health = {
      Status: s.health.status,
      FailingStreak: s.health.failingStreak,
      Log: s.health.log.map((l) => ({ Start: l.start, End: l.end, ExitCode: l.exitCode, Output: l.output })),
    };
  }
  return out;
}

export function inspectContainer(ref: string): Record<string, unknown> {
  const c = openContainer(ref, 'inspect');
  const spec = c.meta.spec;
  const config = readJsonIfExists<{ process?: { args?: string[]; env?: string[]; cwd?: string; terminal?: boolean; user?: unknown }; hostname?: string }>(c.bundle.config);
  const args = config?.process?.args ?? [];
  return {
    Id: c.meta.id,
    Created: c.meta.createdAt,
    Path: args[0] ?? '',
    Args: args.slice(1),
    State: renderInspectState(c.status, c.state),
    Name: `/${c.meta.name}`,
    RestartCount: c.state?.restartCount ?? 0,
    LogPath: c.bundle.log,
    // as docker: the files bound on /etc/resolv.conf, /etc/hosts and /etc/hostname ('' when the image's are used);
    // network_mode service:/container: shares them, and attach writes the container's own address into hosts
    ResolvConfPath: spec.resolvConf ? spec.resolvConf.path ?? path.join(c.bundle.dir, 'resolv.conf') : '',
    HostsPath: spec.hostsFile ? spec.hostsFile.path ?? path.join(c.bundle.dir, 'hosts') : '',
    HostnamePath: spec.hostnameFile ? spec.hostnameFile.path ?? path.join(c.bundle.dir, 'hostname') : '',
    HostConfig: {
      Privileged: spec.privileged ?? false,
      ReadonlyRootfs: spec.readOnly ?? false,
      RestartPolicy: { Name: spec.restart?.policy ?? 'no', MaximumRetryCount: spec.restart?.maxRetries ?? 0 },
      Memory: spec.memLimit ?? 0,
      NanoCpus: spec.cpus ? Math.round(spec.cpus * 1e9) : 0,
      PidsLimit: spec.pidsLimit ?? null,
      CapAdd: spec.capAdd ?? null,
      CapDrop: spec.capDrop ?? null,
      Runtime: spec.runtime ?? 'shim',
    },
    Config: {
      Hostname: config?.hostname ?? '',
      Env: config?.process?.env ?? [],
      Cmd: spec.command ?? spec.image.cmd,
      Entrypoint: spec.entrypoint ?? spec.image.entrypoint,
      WorkingDir: config?.process?.cwd ?? '',
      User: spec.user ?? spec.image.user,
      Tty: spec.tty ?? false,
      OpenStdin: spec.stdinOpen ?? false,
      Labels: c.meta.labels,
      StopSignal: spec.stopSignal ?? spec.image.stopSignal ?? 'SIGTERM',
    },
    Mounts: (spec.mounts ?? []).map((m) => ({ Type: m.type, Source: m.source ?? '', Destination: m.target, RW: !m.readOnly })),
  };
}
