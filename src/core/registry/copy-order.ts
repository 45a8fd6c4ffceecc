/**
 * The order of a promotion's concurrent work (copy.ts): which manifests the target holds so far
 * (a referrer waits for its subject), the work started alongside the image copy, and the first
 * failure, which stops everything still waiting.
 */
export class CopyOrder {
  /** Manifests stored in the target, by digest. */
  private readonly placed = new Map<string, { done: Promise<void>; resolve: () => void }>();
  /** Work started alongside (referrer discovery and copies), awaited by `settle`. */
  private readonly pending: Promise<void>[] = [];
  private failure: { error: unknown } | undefined;
  private abort!: (err: unknown) => void;
  private readonly aborted = new Promise<never>((_, reject) => {
    this.abort = reject;
  });

  constructor() {
    this.aborted.catch(() => {});
  }

  private slot(digest: string) {
    let slot = this.placed.get(digest);
    if (!slot) {
      let resolve!: () => void;
      const done = new Promise<void>((r) => {
        resolve = r;
      });
      slot = { done, resolve };
      this.placed.set(digest, slot);
    }
    return slot;
  }

  /** Marks a manifest as stored in the target. */
  markPlaced(digest: string): void {
    this.slot(digest).resolve();
  }

  /** Resolves once `digest` is stored in the target; rejects when the promotion failed meanwhile. */
  whenPlaced(digest: string): Promise<void> {
    return Promise.race([this.slot(digest).done, this.aborted]);
  }

  /** Runs `work` alongside; its failure fails the promotion (and stops what waits on it). */
  track(work: Promise<void>): void {
    this.pending.push(
      work.catch((error: unknown) => {
        this.fail(error);
      }),
    );
  }

  fail(error: unknown): void {
    this.failure ??= { error };
    this.abort(error);
  }

  /** Waits for everything tracked, including what it started; throws the first failure. */
  async settle(): Promise<void> {
    while (this.pending.length) await Promise.all(this.pending.splice(0));
    if (this.failure) throw this.failure.error;
  }
}
