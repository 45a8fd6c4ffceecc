/**
 * A small client for the OCI distribution API (Docker Registry HTTP API v2) on fetch: manifests
 * and blobs of one registry, with Basic/Bearer auth from the first 401 challenge and retries with
 * jittered exponential backoff on 408/429/5xx and dropped connections, honouring Retry-After.
 * A 4xx other than those is final: it will not change by asking again.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { type HttpRetry, httpFetch, networkReason } from '../http.js';
import { type Log, silentLog } from '../log.js';
import type { HttpResponse, SendInit } from '../transport.js';
import { basicHeader, type Challenge, parseChallenge, pullScope, pushScope, tokenUrl } from './auth.js';
import type { Credentials } from './docker-config.js';
import {
  type Descriptor,
  type ImageIndex,
  MANIFEST_ACCEPT,
  type Manifest,
  manifestMediaType,
  OCI_INDEX,
} from './media-types.js';

export interface RegistryClientOptions {
  /** host[:port] as in image references; `docker.io` means Docker Hub. */
  registry: string;
  /** Plain HTTP instead of HTTPS (local registries; the step's `tls-verify: false`). */
  insecure?: boolean;
  credentials?: Credentials;
  /** Attempts per request, including the first (default 6). */
  attempts?: number;
  /** First backoff delay (default 500ms), doubled per attempt up to `maxDelayMs` (default 20s). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  log?: Log;
}

export class RegistryError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

export interface FetchedManifest {
  digest: string;
  mediaType: string;
  bytes: Uint8Array;
  manifest: Manifest;
}

interface RequestOptions {
  scopes: string[];
  headers?: Record<string, string>;
  /** A fresh body for each attempt (a stream cannot be sent twice). */
  body?: () => SendInit['body'];
  /** false: one attempt only (the caller retries a whole streamed upload). */
  retry?: boolean;
}

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export class RegistryClient {
  readonly registry: string;
  readonly baseUrl: string;
  private challenge: Challenge | undefined;
  private readonly tokens = new Map<string, string>();
  /** The retry policy of every call (also used by copy.ts to retry a whole streamed upload). */
  readonly retryPolicy: HttpRetry;
  private readonly log: Log;

  constructor(private readonly options: RegistryClientOptions) {
    this.registry = options.registry;
    const host = options.registry === 'docker.io' ? 'registry-1.docker.io' : options.registry;
    this.baseUrl = `${options.insecure ? 'http' : 'https'}://${host}`;
    this.log = options.log ?? silentLog;
    this.retryPolicy = {
      attempts: options.attempts ?? 6,
      baseMs: options.baseDelayMs ?? 500,
      capMs: options.maxDelayMs ?? 20_000,
      // The server knows best; a cap only guards against a Retry-After of hours.
      maxRetryAfterMs: 60_000,
      onRetry: ({ attempt, attempts, delayMs, reason }) =>
        this.log.debug(`${this.registry}: ${reason}; retry ${attempt}/${attempts - 1} in ${delayMs}ms`),
    };
  }

  /** Sends with retries on retryable statuses and network errors; returns the last response. */
  private async send(what: string, init: () => SendInit, url: URL, retry = true): Promise<HttpResponse> {
    try {
      return await httpFetch(url, init, {
        retry: retry ? this.retryPolicy : { ...this.retryPolicy, attempts: 1 },
      });
    } catch (err) {
      throw new RegistryError(`${what}: ${networkReason(err)}`);
    }
  }

  private async authorization(scopes: string[]): Promise<string | undefined> {
    const challenge = this.challenge;
    if (!challenge) return undefined;
    const creds = this.options.credentials;
    if (challenge.scheme === 'basic') return creds ? basicHeader(creds) : undefined;
    const key = [...scopes].sort().join(' ');
    const cached = this.tokens.get(key);
    if (cached) return cached;
    const url = tokenUrl(challenge, scopes);
    const res = await this.send(
      `GET token ${url.origin}${url.pathname}`,
      (): SendInit => (creds ? { headers: { authorization: basicHeader(creds) } } : {}),
      url,
    );
    if (!res.ok) {
      await res.cancel();
      throw new RegistryError(
        `${this.registry}: the token service refused ${creds ? 'the credentials' : 'anonymous access'} (HTTP ${res.status})`,
        res.status,
      );
    }
    const body = (await res.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryError(`${this.registry}: the token service answered without a token`);
    const header = `Bearer ${token}`;
    this.tokens.set(key, header);
    return header;
  }

  /** One API call: path relative to the registry (or an absolute upload URL), auth on challenge. */
  async request(method: string, path: string, options: RequestOptions): Promise<HttpResponse> {
    const url = new URL(path, this.baseUrl);
    const what = `${method} ${url.origin}${url.pathname}`;
    for (let authTry = 0; ; authTry++) {
      const auth = await this.authorization(options.scopes);
      const res = await this.send(
        what,
        () => {
          const body = options.body?.();
          return {
            method,
            headers: { ...options.headers, ...(auth ? { authorization: auth } : {}) },
            redirect: 'follow',
            ...(body !== undefined ? { body } : {}),
          };
        },
        url,
        options.retry !== false,
      );
      if (res.status !== 401 || authTry > 0) return res;
      const challenge = parseChallenge(res.headers.get('www-authenticate'));
      // No challenge, or the same one after we already answered it: the credentials are wrong.
      if (!challenge || (this.challenge && auth)) return res;
      await res.cancel();
      this.challenge = challenge;
      if (options.retry === false && options.body) return res; // the stream is spent; the caller retries
    }
  }

  /** A RegistryError with the registry's own error code and message, when it sent one. */
  async fail(res: HttpResponse, what: string): Promise<never> {
    let detail = '';
    try {
      const body = (await res.json()) as { errors?: { code?: string; message?: string }[] };
      const first = body.errors?.[0];
      if (first) detail = ` ${first.code ?? ''} ${first.message ?? ''}`.trimEnd();
    } catch {
      // not JSON: the status says enough
    }
    const hint =
      res.status === 401 || res.status === 403
        ? ' (check registry-username / registry-password or the docker config)'
        : '';
    throw new RegistryError(`${what} on ${this.registry}: HTTP ${res.status}${detail}${hint}`, res.status);
  }

  async getManifest(repository: string, reference: string): Promise<FetchedManifest> {
    const res = await this.request('GET', `/v2/${repository}/manifests/${reference}`, {
      scopes: [pullScope(repository)],
      headers: { accept: MANIFEST_ACCEPT },
    });
    if (!res.ok) return this.fail(res, `manifest ${repository}:${reference}`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    const digest = sha256Digest(bytes);
    const manifest = JSON.parse(Buffer.from(bytes).toString('utf8')) as Manifest;
    return {
      digest,
      mediaType: manifestMediaType(res.headers.get('content-type'), manifest),
      bytes,
      manifest,
    };
  }

  /**
   * Every tag of a repository (`GET /v2/<name>/tags/list`, following `Link` pages): none for a
   * repository the registry does not know (404), undefined when it will not list them
   * (401/403/405: a token without the right, a registry that does not offer it).
   */
  async listTags(repository: string): Promise<string[] | undefined> {
    const tags: string[] = [];
    let path: string | undefined = `/v2/${repository}/tags/list?n=1000`;
    for (let page = 0; path && page < 1000; page++) {
      const res = await this.request('GET', path, { scopes: [pullScope(repository)] });
      if ([401, 403, 404, 405].includes(res.status)) {
        await res.cancel();
        if (page > 0) return tags;
        return res.status === 404 ? [] : undefined;
      }
      if (!res.ok) return this.fail(res, `tags of ${repository}`);
      const body = (await res.json()) as { tags?: string[] | null };
      tags.push(...(body.tags ?? []));
      const next = /<([^>]+)>\s*;\s*rel="?next"?/.exec(res.headers.get('link') ?? '')?.[1];
      path = next ? new URL(next, new URL(path, this.baseUrl)).href : undefined;
    }
    return tags;
  }

  /** A manifest, or undefined when it does not exist (one request either way). */
  async getManifestIfAny(repository: string, reference: string): Promise<FetchedManifest | undefined> {
    try {
      return await this.getManifest(repository, reference);
    } catch (err) {
      if (err instanceof RegistryError && err.status === 404) return undefined;
      throw err;
    }
  }

  /** The digest and type of a manifest, or undefined when it does not exist. */
  async headManifest(
    repository: string,
    reference: string,
  ): Promise<{ digest: string; mediaType: string; size: number } | undefined> {
    const res = await this.request('HEAD', `/v2/${repository}/manifests/${reference}`, {
      scopes: [pullScope(repository)],
      headers: { accept: MANIFEST_ACCEPT },
    });
    if (res.status === 404) return undefined;
    if (!res.ok) return this.fail(res, `manifest ${repository}:${reference}`);
    const digest = res.headers.get('docker-content-digest');
    if (!digest) {
      const full = await this.getManifest(repository, reference);
      return { digest: full.digest, mediaType: full.mediaType, size: full.bytes.length };
    }
    return {
      digest,
      mediaType: res.headers.get('content-type') ?? '',
      size: Number(res.headers.get('content-length') ?? 0),
    };
  }

  /** Stores a manifest under a tag or digest; returns the digest the registry computed. */
  async putManifest(
    repository: string,
    reference: string,
    bytes: Uint8Array,
    mediaType: string,
  ): Promise<string> {
    return (await this.pushManifest(repository, reference, bytes, mediaType)).digest;
  }

  /**
   * Stores a manifest; also returns the `OCI-Subject` header, which a registry with the
   * referrers API sends for a manifest with a `subject` (it then indexes the referrer itself;
   * without it the client keeps the referrers tag schema up to date).
   */
  async pushManifest(
    repository: string,
    reference: string,
    bytes: Uint8Array,
    mediaType: string,
  ): Promise<{ digest: string; subject: string | null }> {
    const res = await this.request('PUT', `/v2/${repository}/manifests/${reference}`, {
      scopes: [pushScope(repository)],
      headers: { 'content-type': mediaType },
      body: () => bytes as Uint8Array<ArrayBuffer>,
    });
    if (!res.ok) return this.fail(res, `put manifest ${repository}:${reference}`);
    await res.cancel();
    return {
      digest: res.headers.get('docker-content-digest') ?? sha256Digest(bytes),
      subject: res.headers.get('oci-subject'),
    };
  }

  /**
   * The referrers of `digest` through the OCI 1.1 referrers API (`GET /v2/<name>/referrers/<digest>`,
   * following `Link: <…>; rel="next"` pages), or undefined when the registry has no such API
   * (a registry that has it answers 200 with an index, empty for an unknown digest; 404 means none).
   */
  async getReferrers(repository: string, digest: string): Promise<Descriptor[] | undefined> {
    const out: Descriptor[] = [];
    let path: string | undefined = `/v2/${repository}/referrers/${digest}`;
    for (let page = 0; path && page < 100; page++) {
      const res = await this.request('GET', path, {
        scopes: [pullScope(repository)],
        headers: { accept: OCI_INDEX },
      });
      if (page === 0 && (res.status === 404 || res.status === 405 || res.status === 400)) {
        await res.cancel();
        return undefined;
      }
      if (!res.ok) return this.fail(res, `referrers of ${repository}@${digest}`);
      const type = res.headers.get('content-type')?.split(';')[0]?.trim();
      const body = (await res.json().catch(() => undefined)) as ImageIndex | undefined;
      // Not an index (some registries answer unknown routes with HTML or their UI): no API.
      if (
        !body ||
        !Array.isArray(body.manifests) ||
        (type && type !== OCI_INDEX && type !== 'application/json')
      ) {
        if (page === 0) return undefined;
        break;
      }
      out.push(...body.manifests);
      const next = /<([^>]+)>\s*;\s*rel="?next"?/.exec(res.headers.get('link') ?? '')?.[1];
      path = next ? new URL(next, new URL(path, this.baseUrl)).href : undefined;
    }
    return out;
  }

  async hasBlob(repository: string, digest: string): Promise<boolean> {
    const res = await this.request('HEAD', `/v2/${repository}/blobs/${digest}`, {
      scopes: [pullScope(repository)],
    });
    if (res.status === 404) return false;
    if (!res.ok) return this.fail(res, `blob ${repository}@${digest}`);
    return true;
  }

  /**
   * Asks the registry to link a blob from another repository (no bytes move). Returns true when
   * mounted; otherwise the upload URL the registry opened instead (it may not allow the mount).
   */
  async mountBlob(repository: string, digest: string, from: string): Promise<true | string> {
    const query = new URLSearchParams({ mount: digest, from });
    const res = await this.request('POST', `/v2/${repository}/blobs/uploads/?${query}`, {
      scopes: [pushScope(repository), pullScope(from)],
    });
    await res.cancel();
    if (res.status === 201) return true;
    if (res.status === 202 && res.headers.get('location')) return res.headers.get('location') as string;
    return this.fail(res, `mount ${digest} from ${from} into ${repository}`);
  }

  async startUpload(repository: string): Promise<string> {
    const res = await this.request('POST', `/v2/${repository}/blobs/uploads/`, {
      scopes: [pushScope(repository)],
    });
    await res.cancel();
    const location = res.headers.get('location');
    if (res.status !== 202 || !location) return this.fail(res, `start upload to ${repository}`);
    return location;
  }

  /** Streams a blob's bytes (GET, following the redirect to storage if any). */
  async getBlob(repository: string, digest: string): Promise<HttpResponse> {
    const res = await this.request('GET', `/v2/${repository}/blobs/${digest}`, {
      scopes: [pullScope(repository)],
    });
    if (!res.ok) return this.fail(res, `blob ${repository}@${digest}`);
    return res;
  }

  /**
   * Completes an upload in one PUT with a streamed body (single attempt: the stream is spent),
   * piped on as it comes: no stage of our own per chunk.
   */
  async putBlob(
    repository: string,
    location: string,
    digest: string,
    size: number,
    body: ReadableStream | Readable,
  ) {
    const url = new URL(location, this.baseUrl);
    url.searchParams.set('digest', digest);
    const res = await this.request('PUT', url.href, {
      scopes: [pushScope(repository)],
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
      body: () => body,
      retry: false,
    });
    await res.cancel();
    if (res.status !== 201) return this.fail(res, `upload ${digest} to ${repository}`);
  }
}
