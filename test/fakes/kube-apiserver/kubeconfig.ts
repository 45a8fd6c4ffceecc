/**
 * Kubeconfigs for the fake, of the kinds clusters hand out: the server's CA as data or as a file,
 * or `insecure-skip-tls-verify`; a client certificate (data), a bearer token, or an exec
 * credential plugin (a shell script printing an ExecCredential, as `aws eks get-token`,
 * `gke-gcloud-auth-plugin` and `kubelogin` do).
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import YAML from 'yaml';
import type { Pki } from './tls.js';

export interface KubeconfigOptions {
  /** How the server is trusted. Default `data`. */
  ca?: 'data' | 'file' | 'insecure';
  /** How the client authenticates. Default `cert`. */
  user?: 'cert' | 'token' | 'exec';
  /** Context name (default `fake`) and its namespace (default `default`). */
  context?: string;
  namespace?: string;
  /** More contexts in the same file; `current` picks the current one (default the first). */
  extraContexts?: Array<{ name: string; server: string; token: string; namespace?: string }>;
  current?: string;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

export function writeKubeconfig(
  path: string,
  server: string,
  pki: Pki,
  token: string,
  options: KubeconfigOptions = {},
): string {
  mkdirSync(dirname(path), { recursive: true });
  const ca = options.ca ?? 'data';
  const kind = options.user ?? 'cert';
  const name = options.context ?? 'fake';
  const cluster =
    ca === 'insecure'
      ? { server, 'insecure-skip-tls-verify': true }
      : ca === 'file'
        ? { server, 'certificate-authority': pki.caFile }
        : { server, 'certificate-authority-data': b64(pki.ca) };
  let user: Record<string, unknown>;
  if (kind === 'token') user = { token };
  else if (kind === 'exec') {
    const plugin = join(dirname(path), `${name}-credential-plugin.sh`);
    const credential = JSON.stringify({
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      status: {
        token,
        expirationTimestamp: new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, 'Z'),
      },
    });
    writeFileSync(
      plugin,
      `#!/bin/sh\n# A test credential plugin: prints an ExecCredential.\nprintf '%s\\n' '${credential}'\n`,
    );
    chmodSync(plugin, 0o755);
    user = {
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1',
        command: plugin,
        args: [],
        interactiveMode: 'Never',
        provideClusterInfo: false,
      },
    };
  } else user = { 'client-certificate-data': b64(pki.client.cert), 'client-key-data': b64(pki.client.key) };
  const extra = options.extraContexts ?? [];
  writeFileSync(
    path,
    YAML.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        { name, cluster },
        ...extra.map((c) => ({
          name: c.name,
          cluster: { server: c.server, 'certificate-authority-data': b64(pki.ca) },
        })),
      ],
      users: [
        { name: `${name}-user`, user },
        ...extra.map((c) => ({ name: `${c.name}-user`, user: { token: c.token } })),
      ],
      contexts: [
        { name, context: { cluster: name, user: `${name}-user`, namespace: options.namespace ?? 'default' } },
        ...extra.map((c) => ({
          name: c.name,
          context: { cluster: c.name, user: `${c.name}-user`, namespace: c.namespace ?? 'default' },
        })),
      ],
      'current-context': options.current ?? name,
    }),
    { mode: 0o600 },
  );
  return path;
}
