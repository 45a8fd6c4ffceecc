/**
 * docker/Dockerfile builds the CLI image with buildah (no Docker engine here). No base image can
 * be pulled, so the test first makes a Node 24 base FROM scratch (the toolchain's node binary, its
 * shared libraries and a static busybox for the shell) and passes it as NODE_IMAGE; the `cli`
 * stage of the real Dockerfile is then built on it and `stagecraft --version` run inside.
 */

import { execFile } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import { nodeBinary, ROOT } from '../helpers/runner.js';

jest.setTimeout(300_000);
const run = promisify(execFile);

let work: string;
let storage: string[];

async function buildah(...args: string[]) {
  return run('buildah', [...storage, ...args], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
}

/** A root filesystem with node (and the libraries ldd names) and busybox as /bin/sh. */
async function nodeRootfs(dir: string) {
  const node = nodeBinary();
  const libs = (await run('ldd', [node])).stdout.match(/\/\S+\.so[.\d]*/g) ?? [];
  for (const lib of new Set(libs)) {
    mkdirSync(join(dir, dirname(lib)), { recursive: true });
    copyFileSync(realpathSync(lib), join(dir, lib));
  }
  mkdirSync(join(dir, 'usr/local/bin'), { recursive: true });
  cpSync(node, join(dir, 'usr/local/bin/node'));
  mkdirSync(join(dir, 'bin'), { recursive: true });
  mkdirSync(join(dir, 'usr/bin'), { recursive: true });
  cpSync('/bin/busybox', join(dir, 'bin/busybox'));
  for (const tool of ['sh', 'ln', 'ls']) symlinkSync('busybox', join(dir, 'bin', tool));
  symlinkSync('/bin/busybox', join(dir, 'usr/bin/env'));
  mkdirSync(join(dir, 'tmp'), { recursive: true });
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'stagecraft-image-'));
  // A private store, so parallel tests of other steps never see these images.
  storage = ['--root', join(work, 'storage'), '--runroot', join(work, 'run'), '--storage-driver', 'vfs'];
});

afterAll(async () => {
  await buildah('rm', '--all').catch(() => {});
  // vfs layers hold files owned by other uids; buildah unshare is not needed as root.
  rmSync(work, { recursive: true, force: true });
});

test('docker/Dockerfile builds the CLI image and `stagecraft --version` runs inside', async () => {
  const base = join(work, 'base');
  await nodeRootfs(join(base, 'rootfs'));
  writeFileSync(
    join(base, 'Dockerfile'),
    'FROM scratch\nCOPY rootfs/ /\nENV PATH=/usr/local/bin:/usr/bin:/bin\n',
  );
  await buildah('bud', '--isolation', 'chroot', '-q', '-t', 'localhost/node24-test:latest', base);

  await buildah(
    'bud',
    '--isolation',
    'chroot',
    '-q',
    '-f',
    'docker/Dockerfile',
    '--target',
    'cli',
    '--build-arg',
    'NODE_IMAGE=localhost/node24-test:latest',
    '-t',
    'localhost/stagecraft-cli:test',
    '.',
  );
  const container = (await buildah('from', 'localhost/stagecraft-cli:test')).stdout.trim();
  const version = await buildah('run', '--isolation', 'chroot', container, '--', 'stagecraft', '--version');
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  expect(version.stdout.trim()).toBe(pkg.version);
  const help = await buildah(
    'run',
    '--isolation',
    'chroot',
    container,
    '--',
    'stagecraft',
    'smoke-test',
    '--help',
  );
  expect(help.stdout).toContain('--url');
});
