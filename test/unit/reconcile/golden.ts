/** Golden files for plan text forms: test/unit/reconcile/golden/<name>.txt (see test/helpers/golden.ts). */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goldenAsserter } from '../../helpers/golden.js';

export const assertGolden = goldenAsserter(join(dirname(fileURLToPath(import.meta.url)), 'golden'), 'plan');
