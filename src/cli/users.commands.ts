/** `gatehouse users …` and `gatehouse admin create`: the same services, validation and audit as the API. */
import type { Command } from 'commander';
import { createAdmin } from '../bootstrap.ts';
import { assertPasswordAcceptable } from '../features/passwords/password-policy.ts';
import type { UserDto } from '../features/users/users.schema.ts';
import { openContext } from './context.ts';
import { type Format, print, readPassword } from './output.ts';
import { run } from './run.ts';

const userColumns = ['id', 'username', 'displayName', 'email', 'status', 'type', 'path', 'createdAt'];

function row(u: UserDto): Record<string, unknown> {
  return {
    ...u,
    roles: u.roles.map((r) => r.name),
    groups: u.groups.map((g) => g.name),
    organizations: u.organizations.map((o) => o.name),
  };
}

export function registerAdminCommands(program: Command): void {
  const admin = program.command('admin').description('administrator accounts');
  admin
    .command('create')
    .description(
      'create a user holding the Admin role (the password is read from stdin or prompted, never an argument)',
    )
    .requiredOption('--username <name>', 'username of the new administrator')
    .option('--format <format>', 'table or json', 'table')
    .action((opts: { username: string; format: Format }) =>
      run(async () => {
        const password = await readPassword('Password: ');
        const ctx = await openContext();
        try {
          assertPasswordAcceptable(password, await ctx.services.settings.get(), { username: opts.username });
          const id = await createAdmin(ctx.services, opts.username, password);
          print({ id, username: opts.username, role: 'Admin' }, opts.format);
        } finally {
          await ctx.close();
        }
      }),
    );
}

export function registerUsersCommands(program: Command): void {
  const users = program.command('users').description('the user directory');
  users
    .command('list')
    .description('list users, newest first')
    .option('-q, --query <text>', 'search text')
    .option('--status <status>', 'active, disabled or invited')
    .option('--limit <n>', 'at most this many (1-200)', '50')
    .option('--format <format>', 'table or json', 'table')
    .action((opts: { query?: string; status?: 'active' | 'disabled' | 'invited'; limit: string; format: Format }) =>
      run(async () => {
        const ctx = await openContext();
        try {
          const page = await ctx.services.users.list(ctx.caller, {
            q: opts.query,
            status: opts.status,
            limit: Math.min(200, Math.max(1, Number(opts.limit) || 50)),
            sort: '-createdAt',
          });
          print(page.items.map(row), opts.format, userColumns);
        } finally {
          await ctx.close();
        }
      }),
    );
  users
    .command('create')
    .description('create a user (with --password-stdin to set a password)')
    .requiredOption('--username <name>')
    .option('--email <email>')
    .option('--display-name <name>')
    .option('--phone <phone>')
    .option('--password-stdin', 'read the password from stdin')
    .option('--format <format>', 'table or json', 'table')
    .action(
      (opts: {
        username: string;
        email?: string;
        displayName?: string;
        phone?: string;
        passwordStdin?: boolean;
        format: Format;
      }) =>
        run(async () => {
          const password = opts.passwordStdin ? await readPassword('Password: ') : undefined;
          const ctx = await openContext();
          try {
            const input = {
              username: opts.username,
              email: opts.email,
              displayName: opts.displayName,
              phone: opts.phone,
              password,
            };
            const user = await ctx.services.users.create(ctx.caller, input);
            print(row(user), opts.format, userColumns);
          } finally {
            await ctx.close();
          }
        }),
    );
  for (const action of ['disable', 'enable', 'delete'] as const) {
    users
      .command(`${action} <login>`)
      .description(`${action} a user, found by id, username or email`)
      .action((login: string) =>
        run(async () => {
          const ctx = await openContext();
          try {
            const id = await resolveUser(ctx.services, login);
            if (action === 'delete') await ctx.services.lifecycle.delete(ctx.caller, id);
            else await ctx.services.lifecycle[action](ctx.caller, id);
            process.stdout.write(`${action}d ${login}\n`);
          } finally {
            await ctx.close();
          }
        }),
      );
  }
  users
    .command('reset-password <login>')
    .description('set a new password (from stdin) or --generate one; the user must change it at next sign-in')
    .option('--generate', 'generate a password and print it')
    .option('--no-must-change', 'do not force a change at next sign-in')
    .action((login: string, opts: { generate?: boolean; mustChange: boolean }) =>
      run(async () => {
        const password = opts.generate ? undefined : await readPassword('New password: ');
        const ctx = await openContext();
        try {
          const id = await resolveUser(ctx.services, login);
          const result = await ctx.services.lifecycle.resetPassword(ctx.caller, id, {
            password,
            generate: opts.generate,
            mustChange: opts.mustChange,
          });
          process.stdout.write(
            result.generatedPassword ? `${result.generatedPassword}\n` : `password reset for ${login}\n`,
          );
        } finally {
          await ctx.close();
        }
      }),
    );
}

async function resolveUser(
  services: Awaited<ReturnType<typeof openContext>>['services'],
  login: string,
): Promise<string> {
  const { findUserByLogin, findUserById } = await import('../features/users/users.store.ts');
  const { loginKey } = await import('../features/users/users.validation.ts');
  const row = (await findUserById(services.db, login)) ?? (await findUserByLogin(services.db, loginKey(login)));
  if (!row) throw new Error(`no user ${login}`);
  return row.id;
}
