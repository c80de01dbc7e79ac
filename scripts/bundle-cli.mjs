#!/usr/bin/env node
/**
 * Bundles the built CLI (tsc's dist/src/cli/main.js) into dist/cli/ with esbuild: one entry file plus
 * shared chunks, with every command handler still a lazily imported chunk.
 *
 * Why: after the import fixes, start-up is mostly Node's ESM loader resolving and reading ~50 small
 * files (plus commander's CommonJS tree); a few files per command path cut `config -q` by ~30 ms and a
 * pull of present layers by ~20 ms on this 2-core machine (bench/startup with BENCH_CLI=dist/cli/main.js).
 *
 * What must stay true for code that finds files next to itself (import.meta.url walks up the tree):
 *   - the bundle lives inside the package, so package.json, compose-spec/ and binding.gyp are found above;
 *   - the DNS resolver's entry is emitted as serve.js in the same folder as the chunks, because
 *     runtime/network/dns/process.ts starts `serve.js` from the folder of the code that calls it.
 * Not bundled: npm packages other than commander (they resolve from node_modules at run time, exactly as
 * without the bundle), the native addon (.node) and the pre-compiled schema validator (computed path).
 *
 * Usage: node scripts/bundle-cli.mjs [--outdir dist/cli]   (after `tsc -p tsconfig.json`)
 */
import { chmodSync, existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const i = process.argv.indexOf('--outdir');
const outdir = path.resolve(root, i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : 'dist/cli');
const entries = {
  main: path.join(root, 'dist/src/cli/main.js'),
  serve: path.join(root, 'dist/runtime/network/dns/serve.js'),
};

function fail(message) {
  process.stderr.write(`bundle-cli: ${message}\n`);
  process.exit(1);
}

for (const [name, file] of Object.entries(entries)) {
  if (!existsSync(file)) fail(`entry "${name}" not built: ${file} is missing (run tsc -p tsconfig.json first)`);
}
if (path.relative(root, outdir).startsWith('..')) fail(`--outdir ${outdir} is outside the package: the bundle must find package.json above it`);

// Packages stay in node_modules and load as Node loads them, except commander: every command loads it, and
// as a CommonJS tree it costs ~15 ms of loader work. The others are loaded only by the commands that need
// them, and bundling changes their CommonJS interop (yaml's namespace lost stringify under esbuild's wrapper).
const BUNDLED_PACKAGES = new Set(['commander']);
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const external = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })
  .filter((name) => !BUNDLED_PACKAGES.has(name))
  .flatMap((name) => [name, `${name}/*`]);

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  fail('esbuild is not installed (it is a devDependency: run npm ci)');
}

rmSync(outdir, { recursive: true, force: true });
try {
  await esbuild.build({
    entryPoints: entries,
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: [...external, '*.node'],
    // Bundled commander is CommonJS and require()s Node's own modules; ESM has no require of its own.
    banner: { js: "import { createRequire as __tscCreateRequire } from 'node:module'; const require = __tscCreateRequire(import.meta.url);" },
    logLevel: 'warning',
  });
} catch (e) {
  fail(e instanceof Error ? e.message : String(e));
}
chmodSync(path.join(outdir, 'main.js'), 0o755);
