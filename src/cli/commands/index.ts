/**
 * The command table. One entry per docker compose command that tscompose implements today;
 * each handler lives in its own file and is imported only when its command runs.
 */
import type { CommandSpec } from '../command.js';

export const commands: CommandSpec[] = [
  {
    name: 'version',
    summary: 'Show the tscompose version information',
    options: [
      { flags: '-f, --format <format>', description: 'Format the output. Values: [pretty | json]', default: 'pretty', choices: ['pretty', 'json'] },
      { flags: '--short', description: "Shows only tscompose's version number" },
    ],
    load: () => import('./version.js'),
  },
  {
    name: 'doctor',
    summary: 'Check that this host has what tscompose needs (root, overlayfs, cgroups, iptables, native parts)',
    options: [{ flags: '--format <format>', description: 'Format the output. Values: [pretty | json]', default: 'pretty', choices: ['pretty', 'json'] }],
    load: () => import('./doctor.js'),
  },
];
