/**
 * pino options: JSON lines with request ids; credentials never reach a log line. Authorization and cookie
 * headers are redacted, and token-like path segments and query values are masked in logged URLs.
 */
import type { FastifyRequest } from 'fastify';

const tokenLike = /(gh[s]?_)?[A-Za-z0-9_-]{32,}/g;

export function maskUrl(url: string): string {
  return url.replace(tokenLike, '[redacted]');
}

export function loggerOptions(level: string) {
  return {
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        '*.password',
        '*.token',
        '*.secret',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: FastifyRequest) => ({
        method: req.method,
        url: maskUrl(req.url),
        remoteAddress: req.ip,
        userAgent: req.headers['user-agent'],
      }),
    },
  };
}
