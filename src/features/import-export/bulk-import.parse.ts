/**
 * Turns an import file into numbered records without holding it in memory: CSV is parsed as a stream (csv-parse),
 * one record at a time with the line it ends on; JSON (an array, or {users, groups}) is parsed whole, so very large
 * files should be CSV (see docs/import-export.md).
 */
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { AppError } from '../../errors.ts';
import { exportColumns } from './bulk-import.schema.ts';

export type NumberedRecord = { line: number; record: Record<string, unknown> };
export type ImportSource = { users: AsyncIterable<NumberedRecord>; groups: Record<string, unknown>[] };

export function csvSource(input: Readable): ImportSource {
  const parser = input.pipe(parse({ columns: checkHeader, bom: true, info: true, skip_empty_lines: true }));
  input.on('error', (err) => parser.destroy(err));
  async function* users(): AsyncIterable<NumberedRecord> {
    try {
      for await (const item of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
        yield { line: item.info.lines, record: item.record };
      }
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError('INVALID_BODY', { detail: `The CSV file cannot be read: ${(error as Error).message}` });
    }
  }
  return { users: users(), groups: [] };
}

const knownColumns = new Set<string>([...exportColumns, 'passwordHash']);

/** A misspelt column would otherwise be ignored silently: the whole file is refused, naming it. */
function checkHeader(header: string[]): string[] {
  const columns = header.map((h) => h.trim());
  const unknown = columns.filter((c) => !knownColumns.has(c));
  if (unknown.length) {
    throw new AppError('VALIDATION_FAILED', {
      detail: `Unknown CSV column(s): ${unknown.join(', ')}; known: ${[...knownColumns].join(', ')}`,
    });
  }
  if (!columns.includes('username'))
    throw new AppError('VALIDATION_FAILED', { detail: 'The CSV header needs a username column' });
  return columns;
}

/** JSON: `[user, …]` or `{ users: [...], groups: [...] }`; a record's "line" is its 1-based position in the list. */
export function jsonSource(body: unknown): ImportSource {
  const doc = Array.isArray(body) ? { users: body, groups: [] } : (body as { users?: unknown; groups?: unknown });
  if (!doc || typeof doc !== 'object' || (doc.users !== undefined && !Array.isArray(doc.users))) {
    throw new AppError('INVALID_BODY', { detail: 'Send an array of users or an object {users: [...], groups: [...]}' });
  }
  if (doc.groups !== undefined && !Array.isArray(doc.groups)) {
    throw new AppError('INVALID_BODY', { detail: '"groups" must be an array' });
  }
  const list = (doc.users ?? []) as unknown[];
  async function* users(): AsyncIterable<NumberedRecord> {
    for (const [i, record] of list.entries()) {
      yield { line: i + 1, record: (record && typeof record === 'object' ? record : {}) as Record<string, unknown> };
    }
  }
  return { users: users(), groups: (doc.groups ?? []) as Record<string, unknown>[] };
}

export async function readJson(input: Readable): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.from(chunk));
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new AppError('INVALID_BODY', { detail: 'The body is not valid JSON' });
  }
}
