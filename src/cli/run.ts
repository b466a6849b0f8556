/** Runs a command: exit 0 on success, non-zero with a one-line reason on failure. */
import { ConfigError } from '../config.ts';
import { AppError } from '../errors.ts';

export async function run(action: () => Promise<void>): Promise<void> {
  try {
    await action();
    process.exit(0);
  } catch (error) {
    process.stderr.write(`gatehouse: ${reason(error)}\n`);
    process.exit(error instanceof AppError && error.status < 500 ? 2 : 1);
  }
}

function reason(error: unknown): string {
  if (error instanceof AppError) {
    const fields = error.errors?.map((e) => `${e.path} ${e.message}`).join('; ');
    return fields ? `${error.message} (${fields})` : error.message;
  }
  if (error instanceof ConfigError) return error.message;
  return error instanceof Error ? (error.message.split('\n')[0] ?? 'failed') : String(error);
}
