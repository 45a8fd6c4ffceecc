/**
 * `npm run fake:kube -- --kubeconfig <file> [--namespaces a,b] [--pod-start-ms 500]`: starts the
 * fake API server on 127.0.0.1 with TLS, writes a kubeconfig for it (its CA and a client
 * certificate) to <file>, prints `ready` and serves until killed (SIGINT/SIGTERM stop it cleanly).
 * Pods follow the image-name conventions of kubelet.ts (`broken`, `crash`, `unready`, `nosecret`,
 * uppercase); anything else becomes Ready.
 */
import { resolve } from 'node:path';
import { startFakeKube } from './index.js';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const kubeconfig = flag('kubeconfig');
if (!kubeconfig) {
  process.stderr.write(
    'usage: npm run fake:kube -- --kubeconfig <file> [--namespaces a,b] [--pod-start-ms 500]\n',
  );
  process.exit(2);
}
const kube = await startFakeKube({
  namespaces: (flag('namespaces') ?? 'default').split(',').filter(Boolean),
  podStartMs: Number(flag('pod-start-ms') ?? 500),
});
const path = kube.writeKubeconfig(resolve(kubeconfig));
process.stdout.write(`fake Kubernetes API at ${kube.url}, kubeconfig ${path}\nready\n`);
const stop = async () => {
  await kube.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
setInterval(() => {}, 1 << 30);
