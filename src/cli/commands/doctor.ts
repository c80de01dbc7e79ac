import type { CommandHandler } from '../command.js';
import { collectHostFacts, planHostProblems } from '../../../runtime/host.js';

const doctor: CommandHandler = async ({ options, stdout, stderr }) => {
  const facts = collectHostFacts();
  const problems = planHostProblems(facts);
  if (options.format === 'json') {
    stdout.write(`${JSON.stringify({ ok: problems.length === 0, facts, problems })}\n`);
  } else if (problems.length === 0) {
    stdout.write(`ok: root, overlayfs, cgroups ${facts.cgroups} (${facts.cgroupControllers.join(',')}), iptables, ip, addon, ${facts.shim}\n`);
  } else {
    for (const p of problems) stderr.write(`${p.check}: ${p.message} — fix: ${p.fix}\n`);
  }
  return problems.length === 0 ? 0 : 1;
};
export default doctor;
