/**
 * Enough OpenAPI for kubectl: /openapi/v3 lists a document per group-version, each declaring
 * the `fieldValidation` query parameter on PATCH (so kubectl leaves validation to the server,
 * which applies the schemas in schema.ts) and the strategic-merge keys of the fake's kinds;
 * /openapi/v2 is a minimal Swagger document for clients that still ask for it.
 */
import { apiVersionOf, RESOURCES } from './resources.js';

const fieldValidation = {
  name: 'fieldValidation',
  in: 'query',
  description:
    'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields.',
  schema: { type: 'string', uniqueItems: true },
};

function groupVersions(): string[] {
  return [...new Set(RESOURCES.map((r) => (r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`)))];
}

export function openApiV3() {
  return {
    paths: Object.fromEntries(
      groupVersions().map((gv) => [
        gv,
        {
          serverRelativeURL: `/openapi/v3/${gv}?hash=${Buffer.from(gv).toString('hex').slice(0, 16).toUpperCase()}`,
        },
      ]),
    ),
  };
}

export function openApiV3Group(gv: string) {
  if (!groupVersions().includes(gv)) return undefined;
  const defs = RESOURCES.filter(
    (r) => (r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`) === gv,
  );
  const paths: Record<string, unknown> = {};
  for (const r of defs) {
    const base = `/${gv}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.name}/{name}`;
    const gvk = [{ group: r.group, version: r.version, kind: r.kind }];
    paths[base] = {
      get: { 'x-kubernetes-action': 'get', 'x-kubernetes-group-version-kind': gvk[0] },
      patch: {
        parameters: [fieldValidation],
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': gvk[0],
      },
      put: {
        parameters: [fieldValidation],
        'x-kubernetes-action': 'put',
        'x-kubernetes-group-version-kind': gvk[0],
      },
    };
    paths[base.replace('/{name}', '')] = {
      post: {
        parameters: [fieldValidation],
        'x-kubernetes-action': 'post',
        'x-kubernetes-group-version-kind': gvk[0],
      },
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.33.0-fake' },
    paths,
    components: {
      schemas: Object.fromEntries(
        defs.map((r) => [
          `io.k8s.fake.${apiVersionOf(r).replace('/', '.')}.${r.kind}`,
          {
            type: 'object',
            'x-kubernetes-group-version-kind': [{ group: r.group, version: r.version, kind: r.kind }],
          },
        ]),
      ),
    },
  };
}

export function openApiV2() {
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: 'v1.33.0-fake' },
    paths: {},
    definitions: {},
  };
}
