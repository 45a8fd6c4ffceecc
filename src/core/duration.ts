const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/;

export const DURATION_HELP = 'a duration such as 500ms, 3s, 2m, 1h or 7d (a bare number means seconds)';

/** Parses `500ms`, `3s`, `2m`, `1h` (or a bare number of seconds) into milliseconds; undefined if invalid. */
export function parseDuration(text: string): number | undefined {
  const match = PATTERN.exec(text.trim());
  if (!match) return undefined;
  const unit = match[2] ?? 's';
  return Math.round(Number(match[1]) * (UNITS[unit] as number));
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`;
  return `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`;
}
