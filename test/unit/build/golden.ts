/** Golden files for build plan text forms: test/unit/build/golden/<name>.txt (see test/helpers/golden.ts). */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goldenAsserter } from '../../helpers/golden.js';
import type { BuildPlan } from '../../../src/build/plan-build.js';
import type { DockerImageConfig } from '../../../runtime/index.js';

export const assertGolden = goldenAsserter(join(dirname(fileURLToPath(import.meta.url)), 'golden'), 'plan');

/** A plan as text: each stage evaluated on the given base configs (by image ref; stages chain). */
export function renderPlan(plan: BuildPlan, bases: Record<string, DockerImageConfig> = {}): string {
  const out: string[] = [];
  const results = new Map<number, DockerImageConfig>();
  for (const st of plan.stages) {
    const base = st.base.kind === 'scratch' ? {} : st.base.kind === 'stage' ? results.get(st.base.index)! : bases[st.base.ref] ?? {};
    const ev = st.evaluate(base);
    results.set(st.index, ev.config);
    out.push(`stage ${st.index}${st.name ? ` (${st.name})` : ''}: ${st.display} -> ${JSON.stringify(st.base)}`);
    for (const s of ev.steps) {
      const { display, cacheKey: _k, ...rest } = s;
      out.push(`  ${display}`, `    ${JSON.stringify(rest)}`);
    }
    out.push(`  config ${JSON.stringify(ev.config)}`);
    if (ev.author) out.push(`  author ${ev.author}`);
  }
  if (plan.unusedArgs.length) out.push(`unused build args: ${plan.unusedArgs.join(', ')}`);
  return out.join('\n') + '\n';
}
