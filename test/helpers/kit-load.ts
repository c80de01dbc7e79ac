/** Loads the image kit's images (test/helpers/image-kit.ts) into a test's root through the built CLI. */
import { ok } from './cli-assert.js';
import { tscompose } from './cli.js';
import { buildImage } from './image-kit.js';

export async function loadKitImages(env: Record<string, string>, ...names: Array<'busybox' | 'redis'>): Promise<void> {
  for (const name of names) {
    const image = await buildImage(name);
    ok(await tscompose(['image', 'load', '-q', '-i', image.archivePath], { env, timeoutMs: 120_000 }), `image load ${name}`);
  }
}
