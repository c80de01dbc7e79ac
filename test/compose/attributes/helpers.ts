/**
 * Loads an inline Compose file through the whole loader (as `docker compose config` does) and gives
 * back the canonical document. Extra files (env files, secrets, other compose files) are written into
 * the same fresh temp dir, which is the project directory; it is removed afterwards.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { toComposeDocument } from '../../../src/compose/document.js';
import { loadProject, type LoadOptions } from '../../../src/compose/load.js';
import type { Project } from '../../../src/compose/types.js';

export interface Loaded { doc: Record<string, any>; project: Project; dir: string }

export interface LoadYamlOptions {
  env?: Record<string, string>;
  files?: Record<string, string>;
  overrides?: string[];
  profiles?: string[];
  services?: string[];
  skip?: LoadOptions['skip'];
  /** null: no -p, the project name comes from the file or the directory */
  projectName?: string | null;
}

export async function loadYaml(yaml: string, o: LoadYamlOptions = {}): Promise<Loaded> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tscompose-attr-'));
  try {
    for (const [rel, content] of Object.entries(o.files ?? {})) {
      mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      writeFileSync(path.join(dir, rel), content);
    }
    const configFiles = [{ path: path.join(dir, 'compose.yaml'), content: yaml }];
    (o.overrides ?? []).forEach((content, i) => configFiles.push({ path: path.join(dir, `override${i}.yaml`), content }));
    const project = await loadProject({
      cwd: dir, workingDir: dir, configFiles, environment: o.env ?? {}, projectName: o.projectName === null ? undefined : o.projectName ?? 'test',
      profiles: o.profiles, services: o.services, skip: o.skip,
    });
    return { doc: toComposeDocument(project) as Record<string, any>, project, dir };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The canonical attributes of one service. */
export async function loadService(yaml: string, name = 'web', o: LoadYamlOptions = {}): Promise<Record<string, any>> {
  const { doc } = await loadYaml(yaml, o);
  const s = doc.services[name];
  if (!s) throw new Error(`service ${name} missing from ${JSON.stringify(Object.keys(doc.services))}`);
  return s;
}

/** The message of the error a load must raise. */
export async function loadError(yaml: string, o: LoadYamlOptions = {}): Promise<string> {
  try {
    await loadYaml(yaml, o);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  throw new Error('expected the load to fail');
}

/** A one-service document with the given attribute lines (indented under the service). */
export function svc(body: string, image = 'alpine'): string {
  const lines = body.trim().split('\n').map((l) => `    ${l}`).join('\n');
  return `services:\n  web:\n    image: ${image}\n${lines}\n`;
}
