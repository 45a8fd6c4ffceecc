/**
 * The job image `npm run image` builds (docker/Dockerfile on a debootstrap base) in the jest run's
 * Docker engine: what the components' default `job-image` names, what it holds, and how a job
 * without terraform fails. (docker/Dockerfile's build, run once per jest run: test/helpers/job-image.ts.)
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, jest, test } from '@jest/globals';
import YAML from 'yaml';
import { dockerRun, jobImage } from '../helpers/job-image.js';
import { nodeBinary, ROOT } from '../helpers/runner.js';

jest.setTimeout(300_000);

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
let image: string;

beforeAll(async () => {
  image = await jobImage();
});

/** `docker run --rm --network none <image> argv…` (argv, no shell); exit code and output. */
async function inImage(...argv: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await dockerRun(['run', '--rm', '--network', 'none', image, ...argv]);
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

test('every component defaults to the image npm run image tagged, with cli `stagecraft`', () => {
  const printed = execFileSync(nodeBinary(), [join(ROOT, 'scripts/image.mjs'), '--print-tag'], {
    encoding: 'utf8',
  }).trim();
  expect(image).toBe(printed);
  for (const step of [
    'build-push-image',
    'deploy-env',
    'smoke-test',
    'gate-merge',
    'rollback',
    'notify-pr',
  ]) {
    const [spec] = YAML.parseAllDocuments(
      readFileSync(join(ROOT, 'gitlab-components', step, 'template.yml'), 'utf8'),
    );
    const inputs = spec?.toJS().spec.inputs;
    expect([step, inputs['job-image'].default, inputs.cli.default]).toEqual([step, image, 'stagecraft']);
  }
  const promote = YAML.parseAllDocuments(
    readFileSync(join(ROOT, 'gitlab-components/promote/template.yml'), 'utf8'),
  )[0]?.toJS().spec.inputs;
  expect(promote['job-image'].default).toBe(image);
  expect(promote['build-image'].default).toBe(image);
  expect(promote.cli.default).toBe('stagecraft');
});

test('the image runs stagecraft on Node >= 20 and has git, buildah, kubectl with kustomize, helm; OCI labels', async () => {
  const version = await inImage('stagecraft', '--version');
  expect(version).toEqual({ code: 0, out: `${pkg.version}\n` });
  const tools = await inImage(
    'bash',
    '-c',
    'node --version; git --version; buildah --version; kubectl version --client; helm version --short; command -v stagecraft',
  );
  expect(tools.code).toBe(0);
  const node = /^v(\d+)\./m.exec(tools.out);
  expect(Number(node?.[1])).toBeGreaterThanOrEqual(20);
  expect(tools.out).toMatch(/^git version 2\./m);
  expect(tools.out).toMatch(/^buildah version 1\./m);
  expect(tools.out).toMatch(/^Kustomize Version: v5\./m);
  expect(tools.out).toMatch(/^v4\.\d+\.\d+\+g[0-9a-f]+$/m);
  expect(tools.out).toMatch(/^\/usr\/local\/bin\/stagecraft$/m);
  // kustomize renders a real overlay inside the image.
  const kustomize = await inImage(
    'bash',
    '-c',
    'mkdir -p /k && cd /k && printf "apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: c\\n" > c.yaml && printf "resources: [c.yaml]\\nnamePrefix: dev-\\n" > kustomization.yaml && kubectl kustomize .',
  );
  expect(kustomize.out).toMatch(/name: dev-c/);
  const labels = JSON.parse(
    (await dockerRun(['image', 'inspect', '--format', '{{json .Config.Labels}}', image])).stdout,
  ) as Record<string, string>;
  expect(labels['org.opencontainers.image.version']).toBe(pkg.version);
  expect(labels['org.opencontainers.image.revision']).toBe(
    execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim(),
  );
  expect(labels['org.opencontainers.image.title']).toBe('stagecraft');
  const size = Number((await dockerRun(['image', 'inspect', '--format', '{{.Size}}', image])).stdout);
  console.log(`job image ${image}: ${(size / 1e6).toFixed(0)} MB`);
});

test('a terraform deploy in the image (no terraform) fails with one error naming the tool and the fix', async () => {
  const run = await inImage(
    'bash',
    '-c',
    'mkdir -p /infra && cd / && stagecraft deploy-env --strategy terraform --working-directory infra --environment production --image registry.example.com/app:1',
  );
  expect(run.code).toBe(1);
  const errors = run.out.split('\n').filter((l) => /error/i.test(l));
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(/terraform is not installed/);
  expect(errors[0]).toMatch(/job-image/);
});
