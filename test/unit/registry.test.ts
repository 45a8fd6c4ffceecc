/**
 * The registry client's parsers, without a registry: auth challenges and docker config files.
 * (The client and promotion against real registries are in test/integration/registry.test.ts.)
 */
import { describe, expect, it } from '@jest/globals';
import { parseChallenge, tokenUrl } from '../../src/core/registry/auth.js';
import { authConfigFor, credentialsFromConfig } from '../../src/core/registry/docker-config.js';

describe('auth', () => {
  it('parses Bearer challenges into token requests', () => {
    const challenge = parseChallenge(
      'Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:a/b:pull"',
    );
    expect(challenge).toEqual({
      scheme: 'bearer',
      params: {
        realm: 'https://auth.example.com/token',
        service: 'registry.example.com',
        scope: 'repository:a/b:pull',
      },
    });
    const url = tokenUrl(challenge as NonNullable<typeof challenge>, [
      'repository:x:pull,push',
      'repository:a/b:pull',
    ]);
    expect(url.searchParams.getAll('scope')).toEqual(['repository:x:pull,push', 'repository:a/b:pull']);
    expect(parseChallenge('Basic realm="r"')?.scheme).toBe('basic');
    expect(parseChallenge('Negotiate')).toBeUndefined();
  });

  it('reads docker config auths (auth, identity token, Docker Hub aliases)', () => {
    const config = {
      auths: {
        'https://index.docker.io/v1/': { auth: Buffer.from('hubuser:hubpass').toString('base64') },
        'ghcr.io': { identitytoken: 'tok' },
        'registry.example.com:5000/': { username: 'u', password: 'p' },
      },
    };
    expect(credentialsFromConfig(config, 'docker.io')).toEqual({ username: 'hubuser', password: 'hubpass' });
    expect(credentialsFromConfig(config, 'ghcr.io')).toEqual({ username: '<token>', password: 'tok' });
    expect(credentialsFromConfig(config, 'registry.example.com:5000')).toEqual({
      username: 'u',
      password: 'p',
    });
    expect(credentialsFromConfig(config, 'quay.io')).toBeUndefined();
    expect(credentialsFromConfig(null, 'quay.io')).toBeUndefined();
    const written = JSON.parse(authConfigFor('127.0.0.1:5000', { username: 'a', password: 'b:c' }));
    expect(credentialsFromConfig(written, '127.0.0.1:5000')).toEqual({ username: 'a', password: 'b:c' });
  });
});
