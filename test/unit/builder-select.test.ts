import { describe, expect, it } from '@jest/globals';
import { type BuilderProbe, selectBuilder } from '../../src/core/build/select.js';

function probe(
  have: string[],
  engine: { version?: string; problem?: string },
  buildx = true,
): BuilderProbe & {
  asked: string[];
} {
  const asked: string[] = [];
  return {
    asked,
    has: (c) => have.includes(c),
    dockerEngine: async () => {
      asked.push('engine');
      return engine;
    },
    buildx: async () => buildx,
  };
}

const NO_ENGINE = { problem: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock' };

describe('builder selection', () => {
  it('auto picks buildx only when an engine answers', async () => {
    const sel = await selectBuilder('auto', probe(['docker', 'buildah'], { version: '27.1.0' }));
    expect(sel.builder.name).toBe('buildx');
    expect(sel.reason).toContain('server 27.1.0');
  });

  it('auto falls back to buildah when the docker client has no engine, and says why', async () => {
    const sel = await selectBuilder('auto', probe(['docker', 'buildah'], NO_ENGINE));
    expect(sel.builder.name).toBe('buildah');
    expect(sel.reason).toMatch(/docker client present but no engine answers \(Cannot connect/);
  });

  it('auto uses kaniko when only its executor exists', async () => {
    const p = probe(['/kaniko/executor'], {});
    const sel = await selectBuilder('auto', p);
    expect(sel.builder.name).toBe('kaniko');
    expect(sel.reason).toMatch(/no docker client; no buildah/);
    expect(p.asked).toEqual([]);
  });

  it('auto without any builder names what is missing', async () => {
    await expect(selectBuilder('auto', probe([], {}))).rejects.toThrow(
      /no image builder found \(no docker client; no buildah; no \/kaniko\/executor\)/,
    );
  });

  it('an explicit builder must be usable', async () => {
    await expect(selectBuilder('kaniko', probe(['buildah'], {}))).rejects.toThrow(
      /\/kaniko\/executor is not installed/,
    );
    await expect(selectBuilder('buildx', probe(['docker'], NO_ENGINE))).rejects.toThrow(
      /needs a Docker engine: Cannot/,
    );
    expect((await selectBuilder('buildah', probe(['buildah'], {}))).builder.name).toBe('buildah');
  });
});
