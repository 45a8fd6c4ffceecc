import { runCli } from '../platform/cli.js';
import { steps } from '../steps/index.js';

process.exitCode = await runCli(steps, process.argv.slice(2), {
  env: process.env,
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
});
