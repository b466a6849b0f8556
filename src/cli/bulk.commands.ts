/** `gatehouse import FILE [--dry-run]` and `gatehouse export [--format]`: the API's import and export services. */
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import type { Command } from 'commander';
import { csvSource, jsonSource, readJson } from '../features/import-export/bulk-import.parse.ts';
import { openContext } from './context.ts';
import { type Format, print } from './output.ts';
import { progressBar } from './progress.ts';
import { run } from './run.ts';

export function registerBulkCommands(program: Command): void {
  program
    .command('import')
    .description('import users (and groups) from a CSV or JSON file; upserts by username or email')
    .argument('<file>', 'a .csv file with a header row, or a .json file (array or {users, groups})')
    .option('--dry-run', 'report what would be created, updated and refused, change nothing')
    .option('--format <format>', 'table or json', 'table')
    .action((file: string, opts: { dryRun?: boolean; format: Format }) =>
      run(async () => {
        const size = (await stat(file)).size;
        const input = createReadStream(file);
        const bar = progressBar(opts.dryRun ? 'checking' : 'importing', size);
        const ctx = await openContext();
        try {
          const source = /\.json$/i.test(file) ? jsonSource(await readJson(input)) : csvSource(input);
          const result = await ctx.services.importer.run(ctx.caller, source, {
            dryRun: opts.dryRun === true,
            onProgress: (rows) => bar.update(input.bytesRead, rows),
          });
          bar.finish();
          if (opts.format === 'json') print(result, 'json');
          else {
            print(
              {
                dryRun: result.dryRun,
                created: result.created,
                updated: result.updated,
                unchanged: result.unchanged,
                refused: result.refusedTotal,
              },
              'table',
            );
            if (result.refused.length) print(result.refused, 'table', ['line', 'reason']);
          }
        } finally {
          await ctx.close();
        }
      }),
    );

  program
    .command('export')
    .description('export users (with groups, roles, organizations) and groups to stdout or a file')
    .option('--format <format>', 'csv or json', 'json')
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action((opts: { format: string; output?: string }) =>
      run(async () => {
        if (opts.format !== 'csv' && opts.format !== 'json') throw new Error('--format must be csv or json');
        const ctx = await openContext();
        try {
          const out: NodeJS.WritableStream = opts.output ? createWriteStream(opts.output) : process.stdout;
          const bar = progressBar('exporting', await ctx.services.exporter.count());
          let rows = 0;
          const counted = (n: number) => {
            rows += n;
            bar.update(rows, rows);
          };
          for await (const chunk of ctx.services.exporter.export(ctx.caller, opts.format, counted)) {
            if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', () => resolve(undefined)));
          }
          bar.finish();
          if (out !== process.stdout) {
            out.end();
            await finished(out);
          }
        } finally {
          await ctx.close();
        }
      }),
    );
}
