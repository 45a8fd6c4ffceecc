/**
 * build-push-image run exactly as the GitHub runner runs the committed bundle, with real
 * buildah builds (vfs, chroot) of a FROM-scratch busybox fixture and real docker-registry
 * instances on 127.0.0.1; results checked with skopeo. Builds are few and tiny: one image is
 * built and then reused by the promotion tests. buildx on a real Docker engine:
 * build-push-image-buildx.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFaultProxy } from '../fakes/fault-proxy.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { ROOT, runAction } from '../helpers/runner.js';

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'; // GITHUB_SHA of the runner harness
const PR_HEAD = '0badc0de11223344556677889900aabbccddeeff';
let registry: TestRegistry;
let secured: TestRegistry;
let context: string;
let built: { digest: string; repo: string };

function skopeoInspect(ref: string, creds?: string): { Digest: string; Labels: Record<string, string> } {
  const out = execFileSync(
    'skopeo',
    ['inspect', '--tls-verify=false', ...(creds ? ['--creds', creds] : []), `docker://${ref}`],
    { encoding: 'utf8' },
  );
  return JSON.parse(out);
}

async function tagsOf(reg: TestRegistry, repo: string): Promise<string[]> {
  const res = await fetch(`${reg.url}/v2/${repo}/tags/list`);
  if (res.status === 404) return [];
  return ((await res.json()) as { tags?: string[] }).tags ?? [];
}

beforeAll(async () => {
  [registry, secured] = await Promise.all([
    startRegistry(),
    startRegistry({ auth: { username: 'builder', password: 'S3cret-registry-pass' } }),
  ]);
  // The fixture plus a static busybox: a context that builds offline.
  context = mkdtempSync(join(tmpdir(), 'bpi-context-'));
  cpSync(join(ROOT, 'test/fixtures/app'), context, { recursive: true });
  copyFileSync('/bin/busybox', join(context, 'busybox'));
});
afterAll(async () => {
  await Promise.all([registry?.stop(), secured?.stop()]);
  if (context) rmSync(context, { recursive: true, force: true });
});

describe('build-push-image', () => {
  it('runs the test stage, pushes every policy tag with one digest and the OCI labels', async () => {
    const repo = `${registry.host}/team/app`;
    const run = await runAction('build-push-image', {
      inputs: {
        image: repo,
        context,
        'test-target': 'test',
        target: 'app',
        'build-args': `TEST_RUN=${Date.now()}`,
        'tls-verify': 'false',
      },
      event: { repository: { default_branch: 'main' } },
      // No engine answers there (whatever this machine runs): auto falls back to buildah.
      env: { DOCKER_HOST: `unix://${join(context, 'no-docker.sock')}` },
      timeoutMs: 180_000,
    });
    expect(run.errors).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /Builder: buildah \(buildah is installed; docker client present but no engine answers/,
    );
    expect(run.stdout).toContain('ok: 3 passed');
    const refs = ['a1b2c3d', 'main', 'latest'].map((t) => `${repo}:${t}`);
    expect(run.outputs.tags).toBe(refs.join('\n'));
    expect(run.outputs.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(run.outputs['image-ref']).toBe(`${repo}@${run.outputs.digest}`);
    expect(run.outputs.version).toBe('a1b2c3d');
    for (const ref of refs) {
      const info = skopeoInspect(ref);
      expect(info.Digest).toBe(run.outputs.digest);
      expect(info.Labels).toMatchObject({
        'org.opencontainers.image.revision': SHA,
        'org.opencontainers.image.source': 'https://github.com/octo/app',
        'org.opencontainers.image.version': 'a1b2c3d',
      });
      expect(Date.parse(info.Labels['org.opencontainers.image.created'] as string)).toBeGreaterThan(0);
    }
    expect(run.summary).toContain(run.outputs.digest as string);
    expect(run.summary).toMatch(/Size \| \d/);
    built = { digest: run.outputs.digest as string, repo };
  }, 180_000);

  it('a failing test stage fails the step with the build log and pushes nothing', async () => {
    const run = await runAction('build-push-image', {
      inputs: {
        image: `${registry.host}/team/broken`,
        context,
        'test-target': 'test',
        'build-args': 'FAIL_TESTS=true',
        'tls-verify': 'false',
      },
      timeoutMs: 120_000,
    });
    expect(run.code).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(/test stage "test" failed, nothing was pushed/);
    expect(run.errors[0]).toContain('FAIL: greeting_test');
    expect(await tagsOf(registry, 'team/broken')).toEqual([]);
    expect(run.outputs.digest).toBeUndefined();
  }, 120_000);

  it('promote-from copies the tested digest to another repository and tag, no build', async () => {
    expect(built).toBeDefined();
    const run = await runAction('build-push-image', {
      inputs: {
        image: `${registry.host}/prod/app`,
        'promote-from': `${built.repo}@${built.digest}`,
        tags: 'v1.0.0, stable',
        'tls-verify': 'false',
      },
    });
    expect(run.errors).toEqual([]);
    expect(run.outputs.digest).toBe(built.digest);
    expect(run.outputs.tags).toBe(`${registry.host}/prod/app:v1.0.0\n${registry.host}/prod/app:stable`);
    expect(run.stdout).not.toContain('Builder:');
    expect(run.summary).toMatch(/promoted from .* blobs mounted, 0 copied, 0 already there; 0 B moved/);
    expect(skopeoInspect(`${registry.host}/prod/app:v1.0.0`).Digest).toBe(built.digest);
    expect(skopeoInspect(`${registry.host}/prod/app:stable`).Digest).toBe(built.digest);
  });

  it('promotion survives 503 + Retry-After, 429 and connection resets from the registry', async () => {
    expect(built).toBeDefined();
    const proxy = await startFaultProxy(registry.url, [
      { match: (m, p) => m === 'GET' && p.includes('/manifests/'), fault: { kind: 'reset' } },
      {
        match: (m, p) => m === 'POST' && p.includes('mount='),
        fault: { kind: 'status', status: 429, retryAfter: '1' },
      },
      {
        match: (m, p) => m === 'PUT' && p.includes('/manifests/'),
        fault: { kind: 'status', status: 503 },
        times: 2,
      },
    ]);
    try {
      const run = await runAction('build-push-image', {
        inputs: {
          image: `${proxy.host}/staging/app`,
          'promote-from': `${proxy.host}/team/app:latest`,
          tags: 'rc',
          'tls-verify': 'false',
        },
      });
      expect(run.errors).toEqual([]);
      expect(run.outputs.digest).toBe(built.digest);
      expect(proxy.injected).toHaveLength(4);
      expect(skopeoInspect(`${registry.host}/staging/app:rc`).Digest).toBe(built.digest);
    } finally {
      await proxy.close();
    }
  });

  it('on a pull request tags the PR head sha, logs in with masked credentials and removes the auth file', async () => {
    const temp = mkdtempSync(join(tmpdir(), 'bpi-runner-temp-'));
    try {
      const repo = `${secured.host}/team/app`;
      const run = await runAction('build-push-image', {
        inputs: {
          image: repo,
          context,
          target: 'app',
          'tls-verify': 'false',
          'registry-username': 'builder',
          'registry-password': 'S3cret-registry-pass',
        },
        eventName: 'pull_request',
        event: { number: 12, pull_request: { number: 12, head: { sha: PR_HEAD } } },
        env: { GITHUB_REF: 'refs/pull/12/merge', RUNNER_TEMP: temp },
        timeoutMs: 180_000,
      });
      expect(run.errors).toEqual([]);
      expect(run.outputs.tags).toBe(`${repo}:0badc0d\n${repo}:pr-12`);
      expect(run.masks).toContain('S3cret-registry-pass');
      expect(run.stdout.replaceAll('::add-mask::S3cret-registry-pass', '')).not.toContain(
        'S3cret-registry-pass',
      );
      expect(readdirSync(temp).filter((f) => f.startsWith('stagecraft-auth-'))).toEqual([]);
      const info = skopeoInspect(`${repo}:0badc0d`, 'builder:S3cret-registry-pass');
      expect(info.Digest).toBe(run.outputs.digest);
      expect(info.Labels['org.opencontainers.image.revision']).toBe(PR_HEAD);
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  }, 180_000);
});

describe('bad inputs fail before any build, with one clear error', () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    [
      'invalid image name',
      { image: 'Registry.example.com/Team/App' },
      /Input "image" .*"Team" is not a valid repository/,
    ],
    ['image with a tag', { image: 'registry.example.com/team/app:v1' }, /Input "image" .*without a tag/],
    [
      'invalid tag',
      { image: 'registry.example.com/team/app', tags: 'ok, bad tag!' },
      /Input "tags" .*"bad tag!" is not a valid tag/,
    ],
    [
      'unknown builder',
      { image: 'registry.example.com/team/app', builder: 'podman' },
      /Input "builder" .*one of auto, buildx, buildah, kaniko/,
    ],
    [
      'missing context',
      { image: 'registry.example.com/team/app', context: '/nonexistent/ctx' },
      /Input "context" .*"\/nonexistent\/ctx".*a directory that exists/,
    ],
    [
      'password without user',
      { image: 'registry.example.com/team/app', 'registry-password': 'pw-123456' },
      /Input "registry-username"/,
    ],
  ];
  it.each(cases)('%s', async (_name, inputs, message) => {
    const run = await runAction('build-push-image', { inputs: { context, ...inputs } });
    expect(run.code).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(message);
    expect(run.stdout).not.toContain('Builder:');
    expect(run.stdout.replace(/^::add-mask::.*$/gm, '')).not.toContain('pw-123456');
  });
});
