/**
 * The OCI 1.1 referrers API in front of a real registry that lacks it (Debian's docker-registry,
 * distribution 2.8), as the OCI distribution spec 1.1 describes it:
 * - `PUT /v2/<name>/manifests/<ref>` of a manifest with a `subject` is forwarded; when the
 *   registry stored it, the answer carries `OCI-Subject: <subject digest>` and the manifest is
 *   listed as a referrer of that digest (descriptor: mediaType, digest, size, artifactType — the
 *   manifest's own, else its config's media type — and annotations);
 * - `GET /v2/<name>/referrers/<digest>[?artifactType=…]` answers an OCI image index of those
 *   descriptors (200 and an empty index for a digest nobody refers to; `OCI-Filters-Applied:
 *   artifactType` when filtered), paged with `Link: <…>; rel="next"` after `pageSize` entries;
 * - `DELETE /v2/<name>/manifests/<digest>` drops the referrer.
 * Everything else is forwarded as is, bodies streamed both ways. (No OCI 1.1 registry — zot,
 * distribution v3 — is packaged for Debian bookworm or npm, so this stands in for one.)
 */
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Desc {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export interface ReferrersProxy {
  /** `127.0.0.1:<port>` */
  host: string;
  url: string;
  /** Every request seen, as `METHOD path`. */
  seen: string[];
  close(): Promise<void>;
}

const MANIFEST = /^\/v2\/(.+)\/manifests\/([^/?]+)$/;
const REFERRERS = /^\/v2\/(.+)\/referrers\/(sha256:[a-f0-9]{64})$/;

export async function startReferrersProxy(
  targetUrl: string,
  { pageSize = 50 }: { pageSize?: number } = {},
): Promise<ReferrersProxy> {
  const target = new URL(targetUrl);
  const seen: string[] = [];
  /** `name@subject` → referrers in push order. */
  const referrers = new Map<string, Desc[]>();

  function forward(
    req: IncomingMessage,
    res: ServerResponse,
    body?: Buffer,
    onAnswer?: (status: number, headers: Record<string, string>) => Record<string, string>,
  ) {
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        const extra = onAnswer?.(up.statusCode ?? 502, up.headers as Record<string, string>) ?? {};
        res.writeHead(up.statusCode ?? 502, { ...up.headers, ...extra });
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.on('error', () => upstream.destroy());
    if (body) upstream.end(body);
    else req.pipe(upstream);
  }

  function answerReferrers(res: ServerResponse, url: URL, name: string, subject: string) {
    const all = referrers.get(`${name}@${subject}`) ?? [];
    const wanted = url.searchParams.get('artifactType');
    const filtered = wanted ? all.filter((d) => d.artifactType === wanted) : all;
    const from = Number(url.searchParams.get('offset') ?? 0);
    const page = filtered.slice(from, from + pageSize);
    const headers: Record<string, string> = { 'content-type': 'application/vnd.oci.image.index.v1+json' };
    if (wanted) headers['oci-filters-applied'] = 'artifactType';
    if (from + pageSize < filtered.length) {
      const next = new URL(url.href);
      next.searchParams.set('offset', String(from + pageSize));
      headers.link = `<${next.pathname}${next.search}>; rel="next"`;
    }
    res.writeHead(200, headers);
    res.end(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: page,
      }),
    );
  }

  const server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://proxy');
    seen.push(`${method} ${req.url}`);
    const ref = REFERRERS.exec(url.pathname);
    if (ref && method === 'GET') {
      req.resume();
      return answerReferrers(res, url, ref[1] as string, ref[2] as string);
    }
    const man = MANIFEST.exec(url.pathname);
    if (man && method === 'DELETE') {
      for (const list of referrers.values()) {
        const at = list.findIndex((d) => d.digest === man[2]);
        if (at >= 0) list.splice(at, 1);
      }
      return forward(req, res);
    }
    if (!man || method !== 'PUT') return forward(req, res);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      let manifest: {
        mediaType?: string;
        artifactType?: string;
        config?: { mediaType?: string };
        subject?: { digest?: string };
        annotations?: Record<string, string>;
      } = {};
      try {
        manifest = JSON.parse(body.toString('utf8'));
      } catch {
        // not JSON: the registry will say so
      }
      forward(req, res, body, (status, headers): Record<string, string> => {
        const subject = manifest.subject?.digest;
        const digest = headers['docker-content-digest'];
        if (status !== 201 || !subject || !digest) return {};
        const key = `${man[1]}@${subject}`;
        const list = referrers.get(key) ?? [];
        if (!list.some((d) => d.digest === digest)) {
          const artifactType = manifest.artifactType ?? manifest.config?.mediaType;
          list.push({
            mediaType: manifest.mediaType ?? String(req.headers['content-type']),
            digest,
            size: body.length,
            ...(artifactType ? { artifactType } : {}),
            ...(manifest.annotations ? { annotations: manifest.annotations } : {}),
          });
        }
        referrers.set(key, list);
        return { 'oci-subject': subject };
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
