/** What core code may log through; the platform Runtime satisfies it. Core never writes to stdout itself. */
export interface Log {
  info(message: string): void;
  warning(message: string): void;
  debug(message: string): void;
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
}

/** A Log that drops everything (tests, benches). */
export const silentLog: Log = {
  info() {},
  warning() {},
  debug() {},
  group: (_title, fn) => fn(),
};
