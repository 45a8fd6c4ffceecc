/** jest globalSetup: one Docker engine for the whole run (see docker.ts); torn down by docker-teardown.ts. */
import type { TestDocker } from './docker.js';

declare global {
  var stagecraftTestDocker: TestDocker | undefined;
}

export default async function setup(): Promise<void> {
  // Jest loads global setup files with Node's own loader (types stripped, no module mapping), so
  // the helper is imported by its real file name.
  const { CONFIG_VAR, HOST_VAR, startDocker } = (await import(
    new URL('./docker.ts', import.meta.url).href
  )) as typeof import('./docker.js');
  const engine = await startDocker();
  globalThis.stagecraftTestDocker = engine;
  // A run that dies without its teardown still takes the engine down.
  process.once('exit', () => {
    try {
      process.kill(engine.pid, 'SIGTERM');
    } catch {
      // already stopped
    }
  });
  // The test workers start after this: they inherit these (and never a global DOCKER_HOST).
  process.env[HOST_VAR] = engine.host;
  process.env[CONFIG_VAR] = engine.config;
}
