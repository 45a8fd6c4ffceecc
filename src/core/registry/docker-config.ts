/**
 * Registry credentials from a Docker config (`~/.docker/config.json`) or a containers auth file
 * (`auth.json`): both keep `auths: { "<host>": { auth: base64(user:pass) } }`. The caller reads
 * the file; this module only interprets it.
 */
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

/** The first credentials for `registry` found in these config files (missing or unreadable files are skipped). */
export function credentialsFromFiles(
  paths: string[],
  registry: string,
  read: (path: string) => string,
): { credentials: Credentials; path: string } | undefined {
  for (const path of paths) {
    let config: unknown;
    try {
      config = JSON.parse(read(path));
    } catch {
      continue;
    }
    const credentials = credentialsFromConfig(config, registry);
    if (credentials) return { credentials, path };
  }
  return undefined;
}
