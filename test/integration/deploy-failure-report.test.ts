// A failed deploy still writes its outputs and a job summary that carries the diagnosis.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from '@jest/globals';
import { runAction } from '../helpers/runner.js';

it('reports a failed deploy in the summary and outputs', async () => {
  const missing = join(mkdtempSync(join(tmpdir(), 'no-repo-')), 'absent.git');
  const run = await runAction('deploy-env', {
    inputs: {
      strategy: 'gitops',
      environment: 'staging',
      image: 'registry.test/app:1.2.3',
      repository: missing,
      record: 'false',
    },
  });
  expect(run.code).toBe(1);
  expect(run.errors).toHaveLength(1);
  expect(run.outputs).toMatchObject({
    environment: 'staging',
    image: 'registry.test/app:1.2.3',
    skipped: 'false',
  });
  expect(run.summary).toContain('### Deploy to staging failed');
  expect(run.summary).toContain('absent.git');
});
