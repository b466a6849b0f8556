/**
 * Loads a CommonJS package on first use instead of at start. Start-up time and idle memory are measured (bench/,
 * footprint), and some packages serve only one configuration (pg, ioredis, nodemailer) or one rare request (qrcode
 * at TOTP enrolment, yaml for a YAML body): together they were about 30 MB and 200 ms of every start.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function lazyRequire<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => {
    loaded ??= require(name) as T;
    return loaded;
  };
}
