/**
 * `builder: auto` against real engines: systemProbe runs `docker version` in the environment it
 * is given, so DOCKER_HOST at the jest run's dockerd (test/helpers/docker.ts) picks buildx, and
 * DOCKER_HOST at a socket nobody listens on picks buildah with the reason.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { selectBuilder, systemProbe } from '../../src/core/build/select.js';
import { docker, dockerEnv } from '../helpers/docker.js';

let dead: string;
const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root' };

beforeAll(() => {
  dead = mkdtempSync(join(tmpdir(), 'dead-docker-'));
});
afterAll(() => rmSync(dead, { recursive: true, force: true }));

describe('builder selection on this machine', () => {
  it('DOCKER_HOST at a live engine with the buildx plugin in DOCKER_CONFIG: auto picks buildx', async () => {
    const engine = dockerEnv();
    const server = docker(['version', '--format', '{{.Server.Version}}'], engine).trim();
    const sel = await selectBuilder('auto', systemProbe({ ...base, ...engine }, 5000));
    expect(sel.builder.name).toBe('buildx');
    expect(sel.reason).toBe(`a Docker engine answers (server ${server}) and buildx is installed`);
    expect((await selectBuilder('buildx', systemProbe({ ...base, ...engine }, 5000))).builder.name).toBe(
      'buildx',
    );
  });

  it('DOCKER_HOST at a dead socket: auto picks buildah and says no engine answers', async () => {
    const env = { ...base, DOCKER_HOST: `unix://${join(dead, 'docker.sock')}` };
    const sel = await selectBuilder('auto', systemProbe(env, 5000));
    expect(sel.builder.name).toBe('buildah');
    expect(sel.reason).toMatch(
      /^buildah is installed; docker client present but no engine answers \(Cannot connect/,
    );
    expect(sel.reason).toContain(join(dead, 'docker.sock'));
    await expect(selectBuilder('buildx', systemProbe(env, 5000))).rejects.toThrow(
      /builder "buildx" needs a Docker engine: Cannot connect/,
    );
  });
});
