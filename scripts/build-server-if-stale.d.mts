/** Types for scripts/build-server-if-stale.mjs (imported by test/features/process.test.ts and bench/). */
export const serverBundle: string;
export const cliBundle: string;
export function bundleIsFresh(bundle: string): boolean;
export function serverBundleIsFresh(): boolean;
export function buildServer(): Promise<void>;
export function buildCli(): Promise<void>;
