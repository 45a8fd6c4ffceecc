/**
 * Registry credentials from a Docker config (`~/.docker/config.json`) or a containers auth file
 * (`auth.json`), as docker reads them: `credHelpers["<host>"]` names a credential helper for one
 * registry (ECR's `ecr-login`, `gcloud`), else `credsStore` one for all (`desktop`, `pass`),
 * else `auths: { "<host>": { auth: base64(user:pass) } }`. A helper is asked the way docker asks
 * it: `docker-credential-<name> get` with the server on standard input, JSON on standard output.
 */
import { StepError } from '../errors.js';
import { CommandNotFound, type Env, runProcess } from '../process.js';

export interface Credentials {
  username: string;
  password: string;
}

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
}

/** `https://index.docker.io/v1/`, `registry.example.com/` and `registry.example.com` all name one host. */
export function normalizeRegistryHost(key: string): string {
  const host = key.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  return host === 'index.docker.io' || host === 'registry-1.docker.io' ? 'docker.io' : host;
}

function entryCredentials(entry: AuthEntry): Credentials | undefined {
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  // An identity token is sent as the password of the token request (Docker's convention).
  if (entry.identitytoken) return { username: entry.username ?? '<token>', password: entry.identitytoken };
  if (entry.username && entry.password) return { username: entry.username, password: entry.password };
  return undefined;
}

/** Credentials for `registry` (host[:port]) in a parsed config, if any. */
export function credentialsFromConfig(config: unknown, registry: string): Credentials | undefined {
  const auths = (config as { auths?: Record<string, AuthEntry> } | null)?.auths;
  if (!auths || typeof auths !== 'object') return undefined;
  const wanted = normalizeRegistryHost(registry);
  for (const [key, entry] of Object.entries(auths)) {
    if (normalizeRegistryHost(key) === wanted && entry && typeof entry === 'object') {
      const creds = entryCredentials(entry);
      if (creds) return creds;
    }
  }
  return undefined;
}

/** A config that holds exactly one registry's credentials (what builders get, in a temp file). */
export function authConfigFor(registry: string, creds: Credentials): string {
  const auth = Buffer.from(`${creds.username}:${creds.password}`).toString('base64');
  const key = registry === 'docker.io' ? 'https://index.docker.io/v1/' : registry;
  return `${JSON.stringify({ auths: { [key]: { auth } } }, null, 2)}\n`;
}

/** The credential helper a config names for `registry`: `credHelpers` for that host, else `credsStore`. */
export function helperFor(config: unknown, registry: string): string | undefined {
  const c = config as { credHelpers?: Record<string, unknown>; credsStore?: unknown } | null;
  const wanted = normalizeRegistryHost(registry);
  for (const [key, name] of Object.entries(c?.credHelpers ?? {})) {
    if (normalizeRegistryHost(key) === wanted && typeof name === 'string' && name) return name;
  }
  return typeof c?.credsStore === 'string' && c.credsStore ? c.credsStore : undefined;
}

/** The server name a helper stores credentials under (docker's for Docker Hub). */
function helperServer(registry: string): string {
  return normalizeRegistryHost(registry) === 'docker.io' ? 'https://index.docker.io/v1/' : registry;
}

/**
 * Asks `docker-credential-<helper> get` for `registry`. Undefined when the helper has nothing
 * for it; a missing or failing helper is one clear error naming it and the config.
 */
export async function credentialsFromHelper(
  helper: string,
  registry: string,
  options: { env: Env; configPath: string },
): Promise<Credentials | undefined> {
  const command = `docker-credential-${helper}`;
  const result = await runProcess([command, 'get'], {
    env: options.env,
    stdin: helperServer(registry),
    timeoutMs: 60_000,
  }).catch((err: unknown) => {
    if (err instanceof CommandNotFound) {
      throw new StepError(
        `${options.configPath} names the credential helper "${helper}" for ${registry}, but ${command} is not on PATH: install it, or log in again without it (or pass registry-username/registry-password)`,
      );
    }
    throw err;
  });
  const said = (result.stdout || result.stderr).trim();
  if (result.code !== 0) {
    if (/credentials not found/i.test(said)) return undefined;
    throw new StepError(
      `the credential helper ${command} failed for ${registry} (exit ${result.code}${result.timedOut ? ', timed out' : ''}): ${said.slice(0, 300) || 'no output'}`,
    );
  }
  let answer: { Username?: unknown; Secret?: unknown };
  try {
    answer = JSON.parse(result.stdout) as typeof answer;
  } catch {
    throw new StepError(
      `the credential helper ${command} answered for ${registry} with something other than JSON`,
    );
  }
  if (typeof answer.Secret !== 'string' || !answer.Secret) return undefined;
  // `<token>` as the user marks an identity token: sent as the password of the token request.
  return {
    username: typeof answer.Username === 'string' ? answer.Username : '<token>',
    password: answer.Secret,
  };
}

/** Where credentials for a registry were found: a config file's `auths`, or a helper it names. */
export interface FoundCredentials {
  credentials: Credentials;
  source: string;
}

/**
 * The credentials for `registry` from the first of these config files that has any (missing or
 * unreadable files are skipped): its credential helper for the host, else its `auths` entry.
 */
export async function credentialsFromFiles(
  paths: string[],
  registry: string,
  options: { read: (path: string) => string; env: Env },
): Promise<FoundCredentials | undefined> {
  for (const path of paths) {
    let config: unknown;
    try {
      config = JSON.parse(options.read(path));
    } catch {
      continue;
    }
    const helper = helperFor(config, registry);
    if (helper) {
      const credentials = await credentialsFromHelper(helper, registry, {
        env: options.env,
        configPath: path,
      });
      if (credentials) return { credentials, source: `docker-credential-${helper} (${path})` };
    }
    const credentials = credentialsFromConfig(config, registry);
    if (credentials) return { credentials, source: path };
  }
  return undefined;
}
