/** Every environment variable Gatehouse reads, parsed once. Nothing else in the code reads process.env. */
import path from 'node:path';
import { z } from 'zod';

const envSchema = z.object({
  /** Listen port. */
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Listen address; loopback by default so a fresh install is not exposed. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Where the embedded SQLite database and the generated secret key live. */
  GATEHOUSE_DATA_DIR: z.string().min(1).default('./data'),
  /** `postgres://…` selects PostgreSQL; unset means SQLite in the data dir. */
  GATEHOUSE_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres://')
    .optional(),
  /** Bootstrap admin, created at start when no user holds the Admin role. */
  GATEHOUSE_ADMIN_USERNAME: z.string().min(1).optional(),
  GATEHOUSE_ADMIN_PASSWORD: z.string().min(1).optional(),
  /** Base URL for links in mail; never derived from request headers. */
  GATEHOUSE_PUBLIC_URL: z.url().optional(),
  /** `smtp://[user:pass@]host:port`; unset: mail goes to the log and the outbox table. */
  GATEHOUSE_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
  /** Key (base64 or hex, 32 bytes) for encrypting MFA secrets at rest; generated into the data dir when unset. */
  GATEHOUSE_SECRET_KEY: z.string().min(32).optional(),
  /** `console` or an http(s) webhook receiving POST {to, body}. */
  GATEHOUSE_SMS_URL: z
    .string()
    .regex(/^(console|https?:\/\/.+)$/, 'must be "console" or an http(s) URL')
    .default('console'),
  /** Comma-separated proxy addresses or CIDRs whose X-Forwarded-* headers are believed. */
  GATEHOUSE_TRUST_PROXY: z.string().optional(),
  /** Optional Redis for shared counters and session cache across nodes. */
  GATEHOUSE_REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis://')
    .optional(),
  /**
   * The management listener (Prometheus /metrics, /healthz, /readyz), apart from the public one as Keycloak keeps
   * its own: loopback by default, so metrics never reach the internet by accident.
   */
  GATEHOUSE_MANAGEMENT_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  GATEHOUSE_MANAGEMENT_HOST: z.string().min(1).default('127.0.0.1'),
  /** When set, /metrics also needs `Authorization: Bearer <this>` (for a scraper on another host). */
  GATEHOUSE_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** pino level. */
  GATEHOUSE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  adminUsername: string | undefined;
  adminPassword: string | undefined;
  publicUrl: string;
  publicUrlConfigured: boolean;
  smtpUrl: string | undefined;
  secretKey: string | undefined;
  smsUrl: string;
  trustProxy: string[];
  redisUrl: string | undefined;
  managementPort: number;
  managementHost: string;
  metricsToken: string | undefined;
  logLevel: z.infer<typeof envSchema>['GATEHOUSE_LOG_LEVEL'];
};

export class ConfigError extends Error {}

/** Parses the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration: ${lines.join('; ')}`);
  }
  const e = parsed.data;
  const publicUrl = (e.GATEHOUSE_PUBLIC_URL ?? `http://${hostForUrl(e.HOST)}:${e.PORT}`).replace(/\/+$/, '');
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.GATEHOUSE_DATA_DIR),
    databaseUrl: e.GATEHOUSE_DATABASE_URL,
    adminUsername: e.GATEHOUSE_ADMIN_USERNAME,
    adminPassword: e.GATEHOUSE_ADMIN_PASSWORD,
    publicUrl,
    publicUrlConfigured: e.GATEHOUSE_PUBLIC_URL !== undefined,
    smtpUrl: e.GATEHOUSE_SMTP_URL,
    secretKey: e.GATEHOUSE_SECRET_KEY,
    smsUrl: e.GATEHOUSE_SMS_URL,
    trustProxy: (e.GATEHOUSE_TRUST_PROXY ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    redisUrl: e.GATEHOUSE_REDIS_URL,
    managementPort: e.GATEHOUSE_MANAGEMENT_PORT,
    managementHost: e.GATEHOUSE_MANAGEMENT_HOST,
    metricsToken: e.GATEHOUSE_METRICS_TOKEN,
    logLevel: e.GATEHOUSE_LOG_LEVEL,
  };
}

function hostForUrl(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

/** Warnings an operator should see at start; printed once by main. */
export function insecureDefaults(config: Config): string[] {
  const warnings: string[] = [];
  if (!config.publicUrlConfigured) {
    warnings.push(`GATEHOUSE_PUBLIC_URL is unset; links in mail will point at ${config.publicUrl}`);
  }
  if (!config.publicUrl.startsWith('https://') && !['127.0.0.1', 'localhost', '::1'].includes(config.host)) {
    warnings.push('serving on a non-loopback address without an https public URL: cookies are not marked Secure');
  }
  if (!['127.0.0.1', 'localhost', '::1'].includes(config.managementHost) && !config.metricsToken) {
    warnings.push('the management listener is not on loopback and GATEHOUSE_METRICS_TOKEN is unset: /metrics is open');
  }
  if (config.smsUrl === 'console') {
    warnings.push(
      'GATEHOUSE_SMS_URL is "console": SMS codes are written to the log, not sent (development only; set a webhook)',
    );
  }
  return warnings;
}
