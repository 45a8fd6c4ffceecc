/** What build-push-image hands its builder: registry credentials (the inputs', else the docker config) and secret files. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { authConfigFor, type Credentials, credentialsFromFiles } from '../core/registry/docker-config.js';
import type { Runtime } from '../platform/runtime.js';

export interface CredentialInputs {
  image: { registry: string };
  registryUsername?: string;
  registryPassword?: string;
}

/** Explicit credentials (for the image's registry), else the docker config / containers auth file; passwords are masked. */
export async function credentialsFor(
  registry: string,
  input: CredentialInputs,
  rt: Runtime,
): Promise<Credentials | undefined> {
  // Paired at the edge (settings): both or neither.
  if (input.registryUsername && input.registryPassword && registry === input.image.registry) {
    return { username: input.registryUsername, password: input.registryPassword };
  }
  const home = rt.env.HOME ?? '';
  const paths = [
    rt.env.REGISTRY_AUTH_FILE,
    rt.env.DOCKER_CONFIG ? join(rt.env.DOCKER_CONFIG, 'config.json') : join(home, '.docker/config.json'),
    rt.env.XDG_RUNTIME_DIR ? join(rt.env.XDG_RUNTIME_DIR, 'containers/auth.json') : undefined,
  ].filter((p): p is string => Boolean(p));
  const found = await credentialsFromFiles(paths, registry, {
    read: (p) => readFileSync(p, 'utf8'),
    env: rt.env,
  });
  if (!found) return undefined;
  rt.setSecret(found.credentials.password);
  rt.info(`Using credentials for ${registry} from ${found.source}`);
  return found.credentials;
}

/**
 * Writes a Docker config with just these registries' credentials for the builder (the image's,
 * and the cache repository's when it lives elsewhere); the caller removes the directory.
 */
export function writeAuthDir(
  tempDir: string,
  entries: { registry: string; credentials: Credentials }[],
): string {
  const dir = mkdtempSync(join(tempDir, 'stagecraft-auth-'));
  const auths = Object.assign(
    {},
    ...entries.map((e) => (JSON.parse(authConfigFor(e.registry, e.credentials)) as { auths: object }).auths),
  );
  writeFileSync(join(dir, 'config.json'), `${JSON.stringify({ auths }, null, 2)}\n`, { mode: 0o600 });
  return dir;
}

/**
 * The secrets' values in files of their own (0600, in a 0700 directory of the run's temp dir), so
 * that no value is ever on a command line; removed by the caller.
 */
export function writeSecrets(tempDir: string, secrets: { id: string; value: string }[]) {
  const dir = mkdtempSync(join(tempDir, 'stagecraft-secrets-'));
  const files = secrets.map(({ id, value }, i) => {
    const src = join(dir, `secret-${i}`);
    writeFileSync(src, value, { mode: 0o600 });
    return { id, src };
  });
  return { dir, files };
}

/** The registries the builder talks to (the image's, the cache's) with their credentials. */
export async function builderAuth(
  input: CredentialInputs & { cache?: { repository: { registry: string }; from: { registry: string }[] } },
  targetCreds: Credentials | undefined,
  rt: Runtime,
) {
  const entries: { registry: string; credentials: Credentials }[] = [];
  if (targetCreds) entries.push({ registry: input.image.registry, credentials: targetCreds });
  for (const ref of input.cache ? [input.cache.repository, ...input.cache.from] : []) {
    if (entries.some((e) => e.registry === ref.registry)) continue;
    const creds = await credentialsFor(ref.registry, input, rt);
    if (creds) entries.push({ registry: ref.registry, credentials: creds });
  }
  return entries.length ? writeAuthDir(rt.tempDir, entries) : undefined;
}
