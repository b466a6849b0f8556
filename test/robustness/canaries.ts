/**
 * Every secret a probe run handed out or typed (passwords, tokens, TOTP secrets, codes, API keys), and the search
 * for them afterwards in every log line and every audit event (ASVS 16.2.5).
 */

const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const decimal = /\d+\.\d+/g;

export class Canaries {
  /** secret → its kind, and for numeric codes the whole-number pattern. */
  private readonly secrets = new Map<string, { kind: string; digits?: RegExp }>();

  /** Remembers values of one kind; shorter than 6 characters would match by chance, so they are refused. */
  add(kind: string, ...values: (string | undefined | null)[]): void {
    for (const value of values) {
      if (!value) continue;
      if (value.length < 6) throw new Error(`canary ${kind} too short to grep: ${value.length}`);
      this.secrets.set(value, /^\d+$/.test(value) ? { kind, digits: new RegExp(`(?<!\\d)${value}(?!\\d)`) } : { kind });
    }
  }

  get size(): number {
    return this.secrets.size;
  }

  kinds(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const { kind } of this.secrets.values()) out[kind] = (out[kind] ?? 0) + 1;
    return out;
  }

  /**
   * Each secret found in a text, as `kind in source`. Long secrets also match by a 16-character middle slice (a
   * truncated token is still a leak). Numeric codes match only as a whole number: ids, times and durations are
   * blanked first, so a code's digits inside a timestamp do not count.
   */
  find(sources: { name: string; text: string }[]): string[] {
    const found: string[] = [];
    for (const { name, text } of sources) {
      const numeric = text.replace(uuid, ' ').replace(decimal, ' ');
      for (const [secret, { kind, digits }] of this.secrets) {
        const hit = digits
          ? digits.test(numeric)
          : text.includes(secret) || (secret.length >= 32 && text.includes(secret.slice(8, 24)));
        if (hit) found.push(`${kind} in ${name}`);
      }
    }
    return found;
  }
}
