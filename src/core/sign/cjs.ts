/**
 * Sigstore's packages are CommonJS. Imported with `import()`, Node puts their exports on the
 * namespace and on `default`; the bundle (esbuild) only on `default`. This takes `default` when
 * it is there, so both runs see the same object.
 */
export async function cjs<T>(load: Promise<T>): Promise<T> {
  const mod = await load;
  return ((mod as { default?: T }).default ?? mod) as T;
}
