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
  {
    name: 'config',
    usage: '[SERVICE...]',
    summary: 'Parse, resolve and render compose file in canonical format',
    options: [
      { flags: '--format <format>', description: 'Format the output. Values: [yaml | json]', default: 'yaml', choices: ['yaml', 'json'] },
      { flags: '-q, --quiet', description: 'Only validate the configuration, don\'t print anything' },
      { flags: '--services', description: 'Print the service names, one per line' },
      { flags: '--volumes', description: 'Print the volume names, one per line' },
      { flags: '--networks', description: 'Print the network names, one per line' },
      { flags: '--images', description: 'Print the image names, one per line' },
      { flags: '--profiles', description: 'Print the profile names, one per line' },
      { flags: '--variables', description: 'Print model variables and default values' },
      { flags: '--environment', description: 'Print environment used for interpolation' },
      { flags: '--hash <service>', description: 'Print the service config hash, one per line ("*" for all)' },
      { flags: '--no-interpolate', description: "Don't interpolate environment variables" },
      { flags: '--no-normalize', description: "Don't normalize compose model" },
      { flags: '--no-path-resolution', description: "Don't resolve file paths" },
      { flags: '--no-env-resolution', description: "Don't resolve service env files" },
      { flags: '--no-consistency', description: "Don't check model consistency - warning: may produce invalid Compose output" },
      { flags: '-o, --output <file>', description: 'Save to file (default to stdout)' },
    ],
    load: () => import('./config.js'),
  },
  {
    name: 'image',
    summary: 'Manage images (pull, push, ls, inspect, rm, tag, load, save, prune)',
    subcommands: [
      { name: 'pull', usage: 'NAME[:TAG|@DIGEST]', summary: 'Download an image from a registry', options: [{ flags: '-q, --quiet', description: 'Suppress verbose output' }, { flags: '--platform <platform>', description: 'Set platform if server is multi-platform capable (os/arch[/variant])' }], load: () => import('./image-pull.js') },
      { name: 'push', usage: 'NAME[:TAG]', summary: 'Upload an image to a registry', options: [{ flags: '-q, --quiet', description: 'Suppress verbose output' }], load: () => import('./image-push.js') },
      { name: 'ls', aliases: ['list'], summary: 'List images', options: [{ flags: '--format <format>', description: 'Format the output. Values: [table | json]', default: 'table', choices: ['table', 'json'] }, { flags: '-q, --quiet', description: 'Only display image IDs' }], load: () => import('./image-ls.js') },
      { name: 'inspect', usage: 'IMAGE...', summary: 'Display detailed information on one or more images', load: () => import('./image-inspect.js') },
      { name: 'rm', aliases: ['remove'], usage: 'IMAGE...', summary: 'Remove one or more images', options: [{ flags: '-f, --force', description: 'Force removal of the image' }], load: () => import('./image-rm.js') },
      { name: 'tag', usage: 'SOURCE TARGET', summary: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE', load: () => import('./image-tag.js') },
      { name: 'load', summary: 'Load an image from a tar archive (docker-archive or OCI layout)', options: [{ flags: '-i, --input <file>', description: 'Read from tar archive file' }, { flags: '-q, --quiet', description: 'Suppress the load output' }], load: () => import('./image-load.js') },
      { name: 'save', usage: 'IMAGE...', summary: 'Save one or more images to a tar archive', options: [{ flags: '-o, --output <file>', description: 'Write to a file' }], load: () => import('./image-save.js') },
      { name: 'prune', summary: 'Remove unused images, blobs and layer snapshots', options: [{ flags: '-a, --all', description: 'Remove all unused images, not just dangling ones' }, { flags: '-f, --force', description: 'Do not prompt for confirmation' }], load: () => import('./image-prune.js') },
    ],
  },
  {
    name: 'images',
    summary: 'List images',
    options: [{ flags: '--format <format>', description: 'Format the output. Values: [table | json]', default: 'table', choices: ['table', 'json'] }, { flags: '-q, --quiet', description: 'Only display IDs' }],
    load: () => import('./image-ls.js'),
  },
  {
    name: 'network',
    summary: 'Manage networks (ls, inspect, create, rm, prune)',
    subcommands: [
      { name: 'ls', aliases: ['list'], summary: 'List networks', options: [{ flags: '--format <format>', description: 'Format the output. Values: [table | json]', default: 'table', choices: ['table', 'json'] }, { flags: '-q, --quiet', description: 'Only display network IDs' }, { flags: '--filter <filter>', description: 'Filter output (label=KEY[=VALUE])', repeatable: true }], load: () => import('./network-ls.js') },
      { name: 'inspect', usage: 'NETWORK...', summary: 'Display detailed information on one or more networks', load: () => import('./network-inspect.js') },
      {
        name: 'create', usage: 'NETWORK', summary: 'Create a bridge network',
        options: [
          { flags: '-d, --driver <driver>', description: 'Driver to manage the Network (bridge only)', default: 'bridge' },
          { flags: '--subnet <cidr>', description: 'Subnet in CIDR format (default: a free /24 of 10.201.0.0/16)' },
          { flags: '--gateway <ip>', description: 'IPv4 Gateway for the subnet' },
          { flags: '--ip-range <cidr>', description: 'Allocate container ip from a sub-range' },
          { flags: '--internal', description: 'Restrict external access to the network' },
          { flags: '--ipv6', description: 'Enable IPv6 networking (not supported yet)' },
          { flags: '--label <label>', description: 'Set metadata on a network (repeatable)', repeatable: true },
          { flags: '-o, --opt <opt>', description: 'Set driver specific options, e.g. com.docker.network.driver.mtu=1400 (repeatable)', repeatable: true },
        ],
        load: () => import('./network-create.js'),
      },
      { name: 'rm', aliases: ['remove'], usage: 'NETWORK...', summary: 'Remove one or more networks', load: () => import('./network-rm.js') },
      { name: 'prune', summary: 'Remove all unused networks', options: [{ flags: '-f, --force', description: 'Do not prompt for confirmation' }, { flags: '--filter <filter>', description: 'Provide filter values (label=KEY[=VALUE])', repeatable: true }], load: () => import('./network-prune.js') },
    ],
  },
  {
    name: 'volume',
    summary: 'Manage volumes (ls, inspect, create, rm, prune)',
    subcommands: [
      { name: 'ls', aliases: ['list'], summary: 'List volumes', options: [{ flags: '--format <format>', description: 'Format the output. Values: [table | json]', default: 'table', choices: ['table', 'json'] }, { flags: '-q, --quiet', description: 'Only display volume names' }, { flags: '--filter <filter>', description: 'Filter output (label=KEY[=VALUE])', repeatable: true }], load: () => import('./volume-ls.js') },
      { name: 'inspect', usage: 'VOLUME...', summary: 'Display detailed information on one or more volumes', load: () => import('./volume-inspect.js') },
      {
        name: 'create', usage: '[VOLUME]', summary: 'Create a volume',
        options: [
          { flags: '-d, --driver <driver>', description: 'Specify volume driver name (local only)', default: 'local' },
          { flags: '--label <label>', description: 'Set metadata for a volume (repeatable)', repeatable: true },
          { flags: '-o, --opt <opt>', description: 'Set driver specific options: type, o, device (repeatable)', repeatable: true },
        ],
        load: () => import('./volume-create.js'),
      },
      { name: 'rm', aliases: ['remove'], usage: 'VOLUME...', summary: 'Remove one or more volumes', options: [{ flags: '-f, --force', description: 'Do not fail when a volume does not exist' }], load: () => import('./volume-rm.js') },
      { name: 'prune', summary: 'Remove unused volumes (anonymous ones; --all for every unused volume)', options: [{ flags: '-a, --all', description: 'Remove all unused volumes, not just anonymous ones' }, { flags: '-f, --force', description: 'Do not prompt for confirmation' }, { flags: '--filter <filter>', description: 'Provide filter values (label=KEY[=VALUE])', repeatable: true }], load: () => import('./volume-prune.js') },
    ],
  },
  {
    name: 'volumes',
    summary: "List the project's volumes",
    options: [{ flags: '--format <format>', description: 'Format the output. Values: [table | json]', default: 'table', choices: ['table', 'json'] }, { flags: '-q, --quiet', description: 'Only display volume names' }],
    load: () => import('./volumes.js'),
  },
  {
    name: 'up',
    usage: '[SERVICE...]',
    summary: 'Create and start containers',
    options: [
      { flags: '-d, --detach', description: 'Detached mode: Run containers in the background' },
      { flags: '--no-deps', description: "Don't start linked services" },
      { flags: '--force-recreate', description: "Recreate containers even if their configuration and image haven't changed" },
      { flags: '--no-recreate', description: "If containers already exist, don't recreate them. Incompatible with --force-recreate." },
      { flags: '--remove-orphans', description: 'Remove containers for services not defined in the Compose file' },
      { flags: '--scale <scale>', description: 'Scale SERVICE to NUM instances. Overrides the `scale` setting in the Compose file if present.', repeatable: true },
      { flags: '--no-start', description: "Don't start the services after creating them" },
      { flags: '--wait', description: 'Wait for services to be running|healthy. Implies detached mode.' },
      { flags: '--wait-timeout <seconds>', description: 'Maximum duration in seconds to wait for the project to be running|healthy' },
    ],
    load: () => import('./up.js'),
  },
  {
    name: 'down',
    summary: 'Stop and remove containers, networks',
    options: [
      { flags: '-v, --volumes', description: 'Remove named volumes declared in the "volumes" section of the Compose file and anonymous volumes attached to containers' },
      { flags: '--remove-orphans', description: 'Remove containers for services not defined in the Compose file' },
      { flags: '--rmi <type>', description: 'Remove images used by services. "local" remove only images that don\'t have a custom tag ("local"|"all")' },
      { flags: '-t, --timeout <seconds>', description: 'Specify a shutdown timeout in seconds' },
    ],
    load: () => import('./down.js'),
  },
  {
    name: 'ps',
    usage: '[SERVICE...]',
    summary: 'List containers',
    options: [
      { flags: '-a, --all', description: 'Show all stopped containers (including those created by the run command)' },
      { flags: '-q, --quiet', description: 'Only display IDs' },
      { flags: '--services', description: 'Display services' },
      { flags: '--format <format>', description: 'Format the output. Values: [table | json]', default: 'table', choices: ['table', 'json'] },
    ],
    load: () => import('./ps.js'),
  },
];
