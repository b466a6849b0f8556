/** Time, injected so tests can move it instead of sleeping. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests can advance. */
export class ManualClock implements Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

/** ISO 8601 UTC with milliseconds: the one timestamp format stored and answered. Sorts as text. */
export function iso(date: Date): string {
  return date.toISOString();
}
