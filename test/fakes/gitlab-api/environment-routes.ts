/**
 * The fake GitLab's environments, as the Environments API answers them
 * (https://docs.gitlab.com/api/environments/): `GET /projects/:id/environments` with `name`
 * (exact) or `search`, and `states`; `GET /projects/:id/environments/:id`;
 * `POST /projects/:id/environments/:id/stop` (state `stopped`; the environment object back).
 * An environment appears, `available`, with its first deployment (as a job with `environment:` makes it).
 */
export interface FakeGitLabEnvironment {
  id: number;
  name: string;
  slug: string;
  external_url: string | null;
  state: 'available' | 'stopping' | 'stopped';
  tier: string;
  created_at: string;
  updated_at: string;
  auto_stop_at: string | null;
}

export function environmentRoute(
  environments: FakeGitLabEnvironment[],
  method: string,
  rest: string,
  url: URL,
  clock: () => Date,
): [number, unknown] | undefined {
  if (method === 'GET' && rest === '/environments') {
    const name = url.searchParams.get('name');
    const search = url.searchParams.get('search');
    const states = url.searchParams.get('states');
    if (name && search) return [400, { error: 'name, search are mutually exclusive' }];
    if (states && !['available', 'stopping', 'stopped'].includes(states))
      return [400, { error: 'states does not have a valid value' }];
    return [
      200,
      environments.filter(
        (e) =>
          (!name || e.name === name) &&
          (!search || e.name.includes(search)) &&
          (!states || e.state === states),
      ),
    ];
  }
  const one = /^\/environments\/(\d+)(\/stop)?$/.exec(rest);
  if (!one) return undefined;
  const env = environments.find((e) => e.id === Number(one[1]));
  if (method === 'GET' && !one[2]) return env ? [200, env] : [404, { message: '404 Environment Not Found' }];
  if (method === 'POST' && one[2]) {
    if (!env) return [404, { message: '404 Environment Not Found' }];
    env.state = 'stopped';
    env.updated_at = clock().toISOString();
    return [200, env];
  }
  return undefined;
}

/** The environment a deployment goes to, created `available` when new (a stopped one becomes available again). */
export function ensureEnvironment(
  environments: FakeGitLabEnvironment[],
  name: string,
  nextId: () => number,
  clock: () => Date,
): FakeGitLabEnvironment {
  const at = clock().toISOString();
  let env = environments.find((e) => e.name === name);
  if (!env) {
    env = {
      id: nextId(),
      name,
      slug: name.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
      external_url: null,
      state: 'available',
      tier: 'other',
      created_at: at,
      updated_at: at,
      auto_stop_at: null,
    };
    environments.push(env);
  }
  env.state = 'available';
  return env;
}
