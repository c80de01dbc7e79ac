import assert from 'node:assert/strict';
import test from 'node:test';
import { planDockerfile } from '../../../src/build/plan-build.js';
import { assertGolden, renderPlan } from './golden.js';

const busybox = { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root'], Cmd: ['sh'] };

test('multi-stage with ARG scopes, ENV substitution, COPY --from and a target', () => {
  const df = [
    '# syntax=docker/dockerfile:1',
    'ARG BASE=busy',
    'ARG TAG=latest',
    'FROM ${BASE}box:$TAG AS builder',
    'ARG TAG',
    'ARG GREETING=hello',
    'ENV APP_HOME=/opt/app \\',
    '    MSG="$GREETING world"',
    '# a comment inside nothing',
    'WORKDIR $APP_HOME',
    'RUN echo "$MSG" > greeting.txt \\',
    '  # comments vanish inside continuations',
    '  && rm /etc/motd',
    'COPY --chown=1000:1000 src/ ./src/',
    '',
    'FROM busybox AS final',
    'COPY --from=builder /opt/app/greeting.txt /greeting.txt',
    'USER 1000',
    'WORKDIR data',
    'EXPOSE 8080 53/udp',
    'LABEL org.example.version="${TAG:-none}" other=x',
    'CMD ["cat", "/greeting.txt"]',
    '',
    'FROM final AS unused',
    'RUN false',
  ].join('\n');
  const plan = planDockerfile(df, 'Dockerfile', { buildArgs: { GREETING: 'hi', NOBODY: 'x' }, target: 'final' });
  assert.deepEqual(plan.stages.map((s) => s.index), [0, 1]);
  assertGolden('multi-stage-target', renderPlan(plan, { 'busybox:latest': busybox, busybox }));
});

test('CMD/ENTRYPOINT shell forms go through SHELL; ENTRYPOINT resets an inherited CMD; HEALTHCHECK and volumes', () => {
  const df = [
    'FROM busybox',
    'SHELL ["/bin/sh", "-ec"]',
    'ENTRYPOINT exec myapp --port 80',
    'HEALTHCHECK --interval=5s --timeout=1m30s --retries=3 CMD wget -q localhost || exit 1',
    'VOLUME /data ["/not-json"',
    'VOLUME ["/logs", "/cache"]',
    'STOPSIGNAL SIGQUIT',
    'ENV LEGACY value with spaces',
    'RUN ["echo", "$LEGACY"]',
    'RUN echo $LEGACY',
  ].join('\n');
  assertGolden('config-instructions', renderPlan(planDockerfile(df, 'Dockerfile'), { busybox }));
});

test('scratch base gets the default PATH; build args override ARG defaults only where declared', () => {
  const df = ['FROM scratch', 'ARG A=default', 'ARG B', 'ENV X=$A Y=${B:-unset} Z=${B:+set}', 'COPY ["a b", "c*", "/dst/"]'].join('\n');
  const plan = planDockerfile(df, 'Dockerfile', { buildArgs: { A: 'given' } });
  const ev = plan.stages[0]!.evaluate({});
  assert.deepEqual(ev.config.Env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'X=given', 'Y=unset', 'Z=']);
  const copy = ev.steps.find((s) => s.kind === 'copy');
  assert.ok(copy && copy.kind === 'copy');
  assert.deepEqual(copy.sources, ['a b', 'c*']);
  assert.equal(copy.dest, '/dst/');
});

test('escape directive makes the backtick the line continuation', () => {
  const df = ['# escape=`', 'FROM busybox', 'RUN echo a `', '  b', 'COPY c:\\dir\\ /x/'].join('\n');
  const ev = planDockerfile(df, 'Dockerfile').stages[0]!.evaluate(busybox);
  const run = ev.steps[0]!;
  assert.ok(run.kind === 'run');
  assert.deepEqual(run.argv, ['/bin/sh', '-c', 'echo a   b']);
  const copy = ev.steps[1]!;
  assert.ok(copy.kind === 'copy');
  assert.deepEqual(copy.sources, ['c:\\dir\\']);
});

test('RUN carries ARG values in its environment and cache key; ENV wins over ARG of the same name', () => {
  const df = ['FROM busybox', 'ARG V=1', 'ARG W=arg', 'ENV W=env', 'RUN echo $V $W'].join('\n');
  const one = planDockerfile(df, 'Dockerfile').stages[0]!.evaluate(busybox).steps.at(-1)!;
  const two = planDockerfile(df, 'Dockerfile', { buildArgs: { V: '2' } }).stages[0]!.evaluate(busybox).steps.at(-1)!;
  assert.ok(one.kind === 'run' && two.kind === 'run');
  assert.ok(one.env.includes('V=1') && one.env.includes('W=env') && !one.env.includes('W=arg'));
  assert.ok(two.env.includes('V=2'));
  assert.notEqual(one.cacheKey, two.cacheKey);
  assert.match(one.createdBy, /^RUN \|1 V=1 \/bin\/sh -c echo \$V \$W # buildkit$/);
});

const bad: Array<[string, string, RegExp]> = [
  ['heredoc', 'FROM busybox\nRUN <<EOF\necho hi\nEOF', /^Dockerfile:2: RUN: heredocs are not supported/],
  ['onbuild', 'FROM busybox\n\nONBUILD RUN x', /^Dockerfile:3: ONBUILD: ONBUILD is not supported/],
  ['unknown', 'FROM busybox\nFROB x', /^Dockerfile:2: unknown instruction: FROB/],
  ['no from', 'RUN true', /^Dockerfile:1: RUN: no build stage in current context/],
  ['empty', '# just a comment\n', /^Dockerfile:1: the Dockerfile has no FROM instruction/],
  ['add url', 'FROM busybox\nADD https://example.com/x.tgz /x', /^Dockerfile:2: ADD: remote source "https:\/\/example.com\/x.tgz" is not supported/],
  ['add git', 'FROM busybox\nADD git@github.com:moby/moby.git /x', /^Dockerfile:2: ADD: remote source/],
  ['platform', 'FROM --platform=linux/arm64 busybox', /^Dockerfile:1: FROM: platform "linux\/arm64" is not supported/],
  ['copy one arg', 'FROM busybox\nCOPY onlyone', /^Dockerfile:2: COPY: COPY requires at least two arguments, but only 1 provided/],
  ['copy many to file', 'FROM busybox\nCOPY a b /file', /^Dockerfile:2: COPY: When using COPY with more than one source file, the destination must be a directory and end with a \//],
  ['unknown flag', 'FROM busybox\nCOPY --frob=1 a /b', /^Dockerfile:2: COPY: unknown flag: --frob/],
  ['run mount', 'FROM busybox\nRUN --mount=type=cache,target=/x true', /^Dockerfile:2: RUN: --mount is not supported by this builder/],
  ['blank base', 'ARG B\nFROM $B', /^Dockerfile:2: FROM: base name \(\$B\) should not be blank/],
  ['unterminated quote', 'FROM busybox\nENV A="x', /^Dockerfile:2: ENV: unexpected end of statement while looking for matching double-quote/],
  ['required var', 'FROM busybox\nARG X\nWORKDIR ${X:?X must be set}', /^Dockerfile:3: WORKDIR: X: X must be set/],
  ['shell not json', 'FROM busybox\nSHELL /bin/bash -c', /^Dockerfile:2: SHELL: SHELL requires the arguments to be in JSON form/],
  ['bad expose', 'FROM busybox\nEXPOSE http', /^Dockerfile:2: EXPOSE: invalid port "http"/],
  ['dup stage', 'FROM busybox AS a\nFROM busybox AS a', /^Dockerfile:2: FROM: duplicate stage name "a"/],
  ['later stage', 'FROM busybox\nCOPY --from=1 /a /b', /^Dockerfile:2: COPY: --from=1: a stage can only copy from an earlier stage/],
  ['bad chmod', 'FROM busybox\nCOPY --chmod=u+x a /b', /^Dockerfile:2: COPY: invalid --chmod "u\+x"/],
  ['bad healthcheck', 'FROM busybox\nHEALTHCHECK --interval=soon CMD true', /^Dockerfile:2: HEALTHCHECK: invalid --interval "soon"/],
];
for (const [name, text, re] of bad) {
  test(`refused clearly, naming file, line and instruction: ${name}`, () => {
    assert.throws(() => {
      const plan = planDockerfile(text, 'Dockerfile');
      for (const st of plan.stages) st.evaluate({});
    }, (e: Error & { code?: string }) => {
      assert.match(e.message, re);
      assert.ok(e.code === 'E_DOCKERFILE', `code ${e.code}`);
      return true;
    });
  });
}

test('an unknown --target names the stages there are', () => {
  assert.throws(() => planDockerfile('FROM busybox AS one\nFROM busybox AS two', 'df', { target: 'three' }), (e: Error & { hint?: string }) => {
    assert.equal(e.message, 'df: target stage "three" could not be found');
    assert.equal(e.hint, 'stages: one, two');
    return true;
  });
});
