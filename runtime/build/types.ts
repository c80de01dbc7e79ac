/**
 * What the builder executes: stages of steps already decided by the Dockerfile planner (src/build).
 * The runtime knows nothing of Dockerfile syntax; it runs commands, copies files into layers, and writes
 * the image. Each stage's steps depend on its base image's config (ENV substitution), so a stage is
 * given as a pure function of that config, called once the base is known.
 */

/** The container part of an image config, in the image format's own key names. */
export interface DockerImageConfig {
  Env?: string[];
  Cmd?: string[] | null;
  Entrypoint?: string[] | null;
  WorkingDir?: string;
  User?: string;
  ExposedPorts?: Record<string, Record<string, never>>;
  Volumes?: Record<string, Record<string, never>>;
  Labels?: Record<string, string>;
  StopSignal?: string;
  Healthcheck?: { Test: string[]; Interval?: number; Timeout?: number; StartPeriod?: number; StartInterval?: number; Retries?: number };
  Shell?: string[];
  OnBuild?: string[] | null;
}

/** Where COPY/ADD read from. */
export type CopySource = { kind: 'context' } | { kind: 'stage'; index: number } | { kind: 'image'; ref: string };

interface StepBase {
  /** the instruction as shown in progress, e.g. `RUN echo hi` */
  display: string;
  /** history created_by */
  createdBy: string;
  /** the step's meaning for the cache (COPY adds the sources' content digest at run time) */
  cacheKey: string;
}

export type BuildStep = StepBase & (
  | { kind: 'run'; argv: string[]; env: string[]; workdir: string; user: string }
  | { kind: 'copy'; add: boolean; sources: string[]; dest: string; from: CopySource; chown?: string; chmod?: number; workdir: string; user: string }
  | { kind: 'workdir'; path: string }
  /** a metadata instruction: no layer */
  | { kind: 'config' }
);

export interface StageEvaluation {
  steps: BuildStep[];
  /** the config after the last step */
  config: DockerImageConfig;
  author?: string;
}

export type StageBase = { kind: 'scratch' } | { kind: 'stage'; index: number } | { kind: 'image'; ref: string };

export interface BuildStagePlan {
  index: number;
  name?: string;
  /** `FROM ...` as written, for progress */
  display: string;
  base: StageBase;
  evaluate(base: DockerImageConfig): StageEvaluation;
}
