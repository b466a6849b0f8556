/** Types for scripts/build-server-if-stale.mjs (imported by test/features/process.test.ts). */
export const serverBundle: string;
export function serverBundleIsFresh(): boolean;
export function buildServer(): Promise<void>;
