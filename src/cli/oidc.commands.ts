/** `gatehouse oidc rotate-keys`: a new generation of OpenID Connect signing keys, the old ones still published. */
import type { Command } from 'commander';
import { loadSecretKeys } from '../crypto/secret-key.ts';
import { recordEvent } from '../features/events/events.service.ts';
import { rotateKeys } from '../features/oidc/oidc.keys.ts';
import { openContext } from './context.ts';
import { run } from './run.ts';

export function registerOidcCommands(program: Command): void {
  const oidc = program.command('oidc').description('the OpenID Connect provider');
  oidc
    .command('rotate-keys')
    .description('sign with new keys from now on; the old ones stay in the JWKS until their tokens have expired')
    .option('--retention-hours <hours>', 'how long the old keys stay published (at least the longest token life)', '24')
    .action((options: { retentionHours: string }) =>
      run(async () => {
        const hours = Number(options.retentionHours);
        if (!Number.isFinite(hours) || hours < 1) throw new Error('--retention-hours must be a number of at least 1');
        const { services, caller, close } = await openContext();
        try {
          const { config, db, clock } = services;
          const secret = loadSecretKeys({ secretKey: config.secretKey, dataDir: config.dataDir }).oidcKeys;
          const after = await rotateKeys(db, secret, clock, hours * 3600_000);
          await recordEvent(db, clock, caller.actor, {
            action: 'oidc.keys.rotate',
            target: null,
            details: {
              current: after.current,
              published: after.publicJwks.keys.map((k) => k.kid),
              retentionHours: hours,
            },
          });
          for (const [alg, kid] of Object.entries(after.current)) process.stdout.write(`${alg}\t${kid}\n`);
        } finally {
          await close();
        }
      }),
    );
}
