/**
 * `restore`: after a host reboot, bring back every container whose restart policy is always or
 * unless-stopped and that was not stopped explicitly, with its networks (bridges, rules, resolvers,
 * addresses, published ports). What dockerd does when it starts; contrib/systemd runs it at boot.
 * Each project's networks and containers are restored under its project lock, as `up` and `down` take it.
 */
import type { CommandHandler } from '../command.js';
import { restoreAll } from '../../../runtime/restore.js';
import { L } from '../../reconcile/labels.js';
import { withProjectLock } from '../../reconcile/project-lock.js';

const restore: CommandHandler = async ({ options, stdout, stderr }) => {
  const quiet = !!options.quiet;
  const line = (s: string) => { if (!quiet) stderr.write(`${s}\n`); };
  const report = await restoreAll({
    network: (name, outcome, detail) => {
      if (outcome === 'failed') stderr.write(` Network ${name}  Error: ${detail}\n`);
      else if (outcome === 'restored') line(` Network ${name}  Restored`);
    },
    container: (name, outcome, detail) => {
      if (outcome === 'failed') stderr.write(` Container ${name}  Error: ${detail}\n`);
      else line(` Container ${name}  ${outcome === 'restoring' ? 'Restoring' : 'Restored'}`);
    },
  }, {
    scopeOf: (labels) => labels[L.project],
    withScope: (project, fn) => withProjectLock(project, (m) => stderr.write(`${m}\n`), fn),
  });
  if (options.format === 'json') stdout.write(`${JSON.stringify(report)}\n`);
  const failed = report.networks.some((n) => 'error' in n) || report.containers.some((c) => c.error !== undefined);
  return failed ? 1 : 0;
};
export default restore;
