#!/usr/bin/env -S node --
// The tscompose executable. `node --` stops Node from reading our flags (such as --env-file) as its own.
import { runCli } from './run.js';

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
process.exitCode = code;
