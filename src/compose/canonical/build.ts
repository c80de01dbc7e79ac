/** build: a context string becomes {context}; its list-or-mapping and short-form fields are expanded. */
import { bytes } from './bytes.js';
import { child, isMap, type Normaliser } from './context.js';
import { extraHosts } from './extra-hosts.js';
import { envMapping, labels } from './labels.js';
import { fileReferences } from './secrets-configs.js';
import { ulimits } from './ulimits.js';

export const build: Normaliser = (v, ctx) => {
  if (typeof v === 'string') return { context: v };
  if (!isMap(v)) return v;
  const out: Record<string, unknown> = { ...v };
  if (v.args !== undefined) out.args = envMapping(v.args, child(ctx, 'args'));
  if (v.labels !== undefined) out.labels = labels(v.labels, child(ctx, 'labels'));
  if (v.additional_contexts !== undefined) out.additional_contexts = labels(v.additional_contexts, child(ctx, 'additional_contexts'));
  if (v.extra_hosts !== undefined) out.extra_hosts = extraHosts(v.extra_hosts, child(ctx, 'extra_hosts'));
  if (v.secrets !== undefined) out.secrets = fileReferences(v.secrets, child(ctx, 'secrets'));
  if (v.ulimits !== undefined) out.ulimits = ulimits(v.ulimits, child(ctx, 'ulimits'));
  if (v.shm_size !== undefined) out.shm_size = bytes(v.shm_size, child(ctx, 'shm_size'));
  if (typeof v.cache_from === 'string') out.cache_from = [v.cache_from];
  if (typeof v.tags === 'string') out.tags = [v.tags];
  return out;
};
