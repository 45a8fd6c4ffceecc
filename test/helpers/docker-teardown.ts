/** jest globalTeardown: removes the run's containers and stops its Docker engine by pid. */
export default async function teardown(): Promise<void> {
  const engine = globalThis.stagecraftTestDocker;
  globalThis.stagecraftTestDocker = undefined;
  await engine?.stop();
}
