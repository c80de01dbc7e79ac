#!/usr/bin/env node
/**
 * Makes the images the examples use, offline, with the project's image kit (test/helpers/image-kit.ts:
 * busybox from busybox-static, redis from the host's redis-server and redis-cli with their libraries), and
 * loads them into tscompose's store with `tscompose image load -i` (the store of TSCOMPOSE_ROOT, default
 * /var/lib/tscompose: run as root). The kit is TypeScript; tsx (a devDependency) compiles it on the fly.
 *
 * Usage: node scripts/kit-images.mjs [busybox] [redis]   (default: both)
 *   TSCOMPOSE_CLI=path runs another build of the CLI (default: package.json's bin, dist/cli/main.js).
 * Needs the Debian packages busybox-static and redis-server (+ redis-tools); the kit says which is missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).bin.tscompose;
const cli = process.env.TSCOMPOSE_CLI || path.join(root, bin);
const names = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['busybox', 'redis'];

if (!existsSync(cli)) {
  console.error(`kit-images: ${cli} is not built yet (run npm ci or npm run prepare first)`);
  process.exit(1);
}
register();
const { buildImage } = await import(pathToFileURL(path.join(root, 'test/helpers/image-kit.ts')).href);

for (const name of names) {
  let built;
  try {
    built = await buildImage(name);
  } catch (e) {
    console.error(`kit-images: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
  const r = spawnSync(cli, ['image', 'load', '-i', built.archivePath], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    console.error(`kit-images: loading ${built.repoTag} from ${built.archivePath} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}
console.error(`kit-images: ${names.join(', ')} ready. Next: ./${bin} -f examples/quickstart/compose.yaml up -d --wait, then curl http://127.0.0.1:8080/`);
