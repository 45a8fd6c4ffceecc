/**
 * Logins that live only in a docker credential helper (what docker/login-action with a
 * credsStore, amazon-ecr-login and `gcloud auth configure-docker` leave behind): the docker
 * config has `credHelpers` / `credsStore` and no `auths` secret. build-push-image asks
 * `docker-credential-<name> get` as docker does, for a build push and for a promotion, against
 * a real registry with htpasswd auth. The helper is a script of the test's own that logs what
 * it was asked.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { ROOT, runAction } from '../helpers/runner.js';

const USER = 'helper-user';
const PASSWORD = 'Helper-S3cret-pass';
let secured: TestRegistry;
let dir: string;
let context: string;
let bin: string;
let askedLog: string;

/** A docker credential helper answering for `host` only; logs "<verb> <server>" per call. */
function writeHelper(name: string, body: string) {
  const file = join(bin, `docker-credential-${name}`);
  writeFileSync(file, `#!/bin/sh\nread -r server\necho "$1 $server" >> '${askedLog}'\n${body}\n`);
  chmodSync(file, 0o755);
}

/** A DOCKER_CONFIG directory with this config.json. */
function dockerConfig(config: object): string {
  const d = mkdtempSync(join(dir, 'docker-config-'));
  writeFileSync(join(d, 'config.json'), JSON.stringify(config));
  return d;
}

function env(configDir: string): Record<string, string> {
  return { DOCKER_CONFIG: configDir, PATH: `${bin}:${process.env.PATH}` };
}

function digestOf(ref: string): string {
  const out = execFileSync(
    'skopeo',
    ['inspect', '--tls-verify=false', '--creds', `${USER}:${PASSWORD}`, `docker://${ref}`],
    { encoding: 'utf8' },
  );
  return (JSON.parse(out) as { Digest: string }).Digest;
}

beforeAll(async () => {
  secured = await startRegistry({ auth: { username: USER, password: PASSWORD } });
  dir = mkdtempSync(join(tmpdir(), 'cred-helpers-'));
  bin = join(dir, 'bin');
  mkdirSync(bin);
  askedLog = join(dir, 'asked.log');
  context = join(dir, 'context');
  cpSync(join(ROOT, 'test/fixtures/app'), context, { recursive: true });
  copyFileSync('/bin/busybox', join(context, 'busybox'));
  writeHelper(
    'sc-test',
    `if [ "$1" = get ] && [ "$server" = '${secured.host}' ]; then
  printf '{"ServerURL":"%s","Username":"${USER}","Secret":"${PASSWORD}"}' "$server"
else
  echo "credentials not found in native keychain"; exit 1
fi`,
  );
  writeHelper(
    'broken',
    'echo "error getting credentials - err: exit status 1, out: keychain locked" >&2; exit 1',
  );
});
afterAll(async () => {
  await secured?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('registry logins kept by a credential helper', () => {
  let digest: string;

  it('a build push uses credHelpers for the registry host', async () => {
    const repo = `${secured.host}/team/app`;
    const run = await runAction('build-push-image', {
      inputs: { image: repo, context, target: 'app', 'tls-verify': 'false', builder: 'buildah', tags: 'v1' },
      env: env(dockerConfig({ auths: { [secured.host]: {} }, credHelpers: { [secured.host]: 'sc-test' } })),
      timeoutMs: 180_000,
    });
    expect(run.errors).toEqual([]);
    expect(run.stdout).toContain(`Using credentials for ${secured.host} from docker-credential-sc-test`);
    expect(run.masks).toContain(PASSWORD);
    expect(readFileSync(askedLog, 'utf8')).toContain(`get ${secured.host}`);
    digest = run.outputs.digest as string;
    expect(digestOf(`${repo}:v1`)).toBe(digest);
  }, 180_000);

  it('a promotion uses credsStore for every registry', async () => {
    const run = await runAction('build-push-image', {
      inputs: {
        image: `${secured.host}/prod/app`,
        'promote-from': `${secured.host}/team/app:v1`,
        tags: 'stable',
        'tls-verify': 'false',
      },
      env: env(dockerConfig({ credsStore: 'sc-test' })),
    });
    expect(run.errors).toEqual([]);
    expect(run.outputs.digest).toBe(digest);
    expect(digestOf(`${secured.host}/prod/app:stable`)).toBe(digest);
  });

  it('without the helper the same promotion is refused by the registry', async () => {
    const run = await runAction('build-push-image', {
      inputs: {
        image: `${secured.host}/prod/app`,
        'promote-from': `${secured.host}/team/app:v1`,
        tags: 'anonymous',
        'tls-verify': 'false',
      },
      env: env(dockerConfig({})),
    });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toMatch(/HTTP 401/);
  });

  it.each([
    ['missing', /names the credential helper "missing" .*docker-credential-missing is not on PATH/],
    ['broken', /docker-credential-broken failed .*keychain locked/],
  ])('a %s helper is one clear error naming it', async (helper, message) => {
    const run = await runAction('build-push-image', {
      inputs: {
        image: `${secured.host}/prod/app`,
        'promote-from': `${secured.host}/team/app:v1`,
        tags: 'never',
        'tls-verify': 'false',
      },
      env: env(dockerConfig({ credHelpers: { [secured.host]: helper } })),
    });
    expect(run.code).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(message);
  });
});
