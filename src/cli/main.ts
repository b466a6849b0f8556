/** `npx gatehouse <command>`: the service's command line, with the server's environment variables. */
import { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { openDatabase } from '../db/open.ts';
import { registerBulkCommands } from './bulk.commands.ts';
import { registerOidcCommands } from './oidc.commands.ts';
import { run } from './run.ts';
import { registerAdminCommands, registerUsersCommands } from './users.commands.ts';

const program = new Command('gatehouse').description('Gatehouse user management').showHelpAfterError();

program
  .command('serve')
  .description('run the HTTP service (what npm start does)')
  .action(async () => {
    await import('../main.ts');
  });

program
  .command('migrate')
  .description('apply pending database migrations')
  .action(() =>
    run(async () => {
      const { db } = openDatabase(loadConfig());
      try {
        const applied = await migrateToLatest(db);
        process.stdout.write(applied.length ? `applied ${applied.join(', ')}\n` : 'up to date\n');
      } finally {
        await db.destroy();
      }
    }),
  );

registerAdminCommands(program);
registerUsersCommands(program);
registerBulkCommands(program);
registerOidcCommands(program);

await program.parseAsync(process.argv);
