/**
 * Registry authentication as Docker clients do it: the first 401 carries a `WWW-Authenticate`
 * challenge; `Basic` means send the credentials on every request, `Bearer` means fetch a token
 * for the request's scope from the realm (with the credentials, if any) and send that.
 */
import type { Credentials } from './docker-config.js';

export interface Challenge {
  scheme: 'basic' | 'bearer';
  params: Record<string, string>;
}

/** Parses `Bearer realm="https://auth/token",service="registry",scope="repository:a:pull"`. */
export function parseChallenge(header: string | null): Challenge | undefined {
  if (!header) return undefined;
  const match = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!match) return undefined;
  const scheme = (match[1] as string).toLowerCase();
  if (scheme !== 'basic' && scheme !== 'bearer') return undefined;
  const params: Record<string, string> = {};
  for (const m of (match[2] as string).matchAll(/(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    params[(m[1] as string).toLowerCase()] = (m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1');
  }
  return { scheme, params };
}

export function basicHeader(creds: Credentials): string {
  return `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
}

/** The token request URL for a Bearer challenge and the scopes a request needs. */
export function tokenUrl(challenge: Challenge, scopes: string[]): URL {
  const realm = challenge.params.realm;
  if (!realm) throw new Error('the registry sent a Bearer challenge without a realm');
  const url = new URL(realm);
  if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
  for (const scope of scopes) url.searchParams.append('scope', scope);
  return url;
}

/** Scope strings of the distribution token spec. */
export function pullScope(repository: string): string {
  return `repository:${repository}:pull`;
}
export function pushScope(repository: string): string {
  return `repository:${repository}:pull,push`;
}
