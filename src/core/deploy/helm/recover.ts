/**
 * A release a cancelled job left `pending-install`, `pending-upgrade` or `pending-rollback`
 * refuses every later upgrade ("another operation (install/upgrade/rollback) is in progress").
 * Before deploying, such a release is rolled back to its last deployed revision, or uninstalled
 * when it never had one, with a warning that says so.
 */
import type { Log } from '../../log.js';
import { type Helm, history, isPending, lastGood, type Revision } from './cli.js';

export async function recoverPending(
  helm: Helm,
  release: string,
  revisions: Revision[],
  log: Log,
): Promise<Revision[]> {
  const last = revisions.at(-1);
  if (!last || !isPending(last.status)) return revisions;
  const good = lastGood(revisions, last.revision);
  if (good) {
    log.warning(
      `Release ${release} was left ${last.status} at revision ${last.revision} (a cancelled or killed helm run): rolling it back to revision ${good.revision}, its last deployed one, before deploying`,
    );
    await helm.run(
      ['rollback', release, String(good.revision)],
      `helm rollback ${release} (recovering ${last.status})`,
    );
  } else {
    log.warning(
      `Release ${release} was left ${last.status} at revision ${last.revision} with no deployed revision before it (a cancelled or killed first install): uninstalling it before deploying`,
    );
    await helm.run(['uninstall', release], `helm uninstall ${release} (recovering ${last.status})`);
  }
  return history(helm, release);
}
