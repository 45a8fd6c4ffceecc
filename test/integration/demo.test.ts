// `npm run demo` is the first thing a new user runs: it must finish and name the production version.
import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from '@jest/globals';
import { nodeBinary, ROOT } from '../helpers/runner.js';

it('runs the whole promotion and ends with the version production runs', async () => {
  execFileSync('bash', [join(ROOT, 'scripts/seed-busybox.sh')]);
  const sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  const { stdout } = await promisify(execFile)(
    nodeBinary(),
    [join(ROOT, 'scripts/run-ts.mjs'), join(ROOT, 'demo/demo.ts')],
    {
      cwd: ROOT,
      env: { ...process.env, PATH: `${join(nodeBinary(), '..')}:${process.env.PATH}` },
      timeout: 240_000,
    },
  );
  expect(stdout).toContain('deploy-env failed: deployment/shop in namespace staging will not become ready');
  // The pull failure is caught at its first state (ErrImagePull) or after the kubelet backs off
  // (ImagePullBackOff), depending on how fast the step polls: both are fail-fast verdicts.
  expect(stdout).toMatch(
    /container shop: (ErrImagePull|ImagePullBackOff) — Failed to pull image|Back-off pulling image/,
  );
  expect(stdout).toMatch(/same digest as staging/);
  expect(stdout).toContain(`Production runs version ${sha.slice(0, 7)} (sha256:`);
  expect(stdout).not.toContain('FAILED');
}, 300_000);
