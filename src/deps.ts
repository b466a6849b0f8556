/**
 * What every service is built from: the parsed configuration, the database and its dialect, and the clock.
 * Its own file so a feature's wiring (mfa.services.ts, account-services.ts) can name it without importing the
 * composition root that imports the feature.
 */
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { Db, Dialect } from './db/database.ts';

export type Deps = { config: Config; db: Db; dialect: Dialect; clock: Clock };
