/**
 * Applies iptables plans. Chains and the jumps into them are created only when absent (checked with -C),
 * rules are appended and deleted exactly as recorded, in one iptables-restore --noflush call per change.
 * Nothing here ever flushes a chain: when our chains are empty and no network is left they are deleted.
 */
import { RuntimeError } from '../errors.js';
import { execTool, execToolRaw } from './exec-tool.js';
import { CHAINS, planBaseJumps, planRuleArgv, renderRestore } from './iptables-plan.js';
import type { IptRule } from './types.js';

export async function execEnsureChains(): Promise<void> {
  for (const c of CHAINS) {
    const r = await execToolRaw(['iptables', '-w', '-t', c.table, '-N', c.chain]);
    if (r.code !== 0 && !/exists/i.test(r.stderr)) {
      throw new RuntimeError('E_NET_IPTABLES', `create chain ${c.table}/${c.chain}: ${r.stderr.trim()}`, { hint: 'is the iptables package installed (tscompose doctor)?' });
    }
  }
  for (const j of planBaseJumps()) {
    const exists = (await execToolRaw(planRuleArgv('-C', j))).code === 0;
    if (!exists) await execTool(`add jump ${j.table}/${j.chain} ${j.args.join(' ')}`, planRuleArgv(j.insert ? '-I' : '-A', j));
  }
}

export async function execAddRules(what: string, rules: IptRule[]): Promise<void> {
  if (rules.length === 0) return;
  await execTool(`${what}: add iptables rules`, ['iptables-restore', '-w', '--noflush'], renderRestore('A', rules));
}

/**
 * Deletes exactly these rules. One restore call normally; when it fails (a rule was already removed by
 * hand) each rule is deleted on its own so the others still go.
 */
export async function execDeleteRules(what: string, rules: IptRule[]): Promise<void> {
  if (rules.length === 0) return;
  const r = await execToolRaw(['iptables-restore', '-w', '--noflush'], renderRestore('D', rules));
  if (r.code === 0) return;
  const failed: string[] = [];
  for (const rule of [...rules].reverse()) {
    const one = await execToolRaw(planRuleArgv('-D', rule));
    if (one.code !== 0 && !/does a matching rule exist|bad rule|no chain/i.test(one.stderr)) failed.push(`${rule.chain} ${rule.args.join(' ')}: ${one.stderr.trim()}`);
  }
  if (failed.length > 0) throw new RuntimeError('E_NET_IPTABLES', `${what}: delete iptables rules: ${failed.join('; ')}`);
}

/** Removes our jumps and chains when nothing of ours is left in them; never touches a non-empty chain. */
export async function execRemoveChainsIfUnused(): Promise<void> {
  for (const c of CHAINS) {
    const r = await execToolRaw(['iptables', '-w', '-t', c.table, '-S', c.chain]);
    if (r.code !== 0) continue;
    const own = r.stdout.split('\n').filter((l) => l.startsWith('-A ') && l !== '-A TSC-FWD -j TSC-ISO');
    if (own.length > 0) return; // still in use (another network or another tscompose root)
  }
  for (const j of [...planBaseJumps()].reverse()) {
    if ((await execToolRaw(planRuleArgv('-C', j))).code === 0) await execTool(`remove jump ${j.chain}`, planRuleArgv('-D', j));
  }
  for (const c of CHAINS) await execToolRaw(['iptables', '-w', '-t', c.table, '-X', c.chain]);
}
