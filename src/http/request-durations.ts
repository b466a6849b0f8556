/**
 * The request-duration histogram, by method, route template and status, in the shape prom-client's registry
 * prints. Not prom-client's own Histogram: its observe() builds and hashes a label object on every call (~2 µs,
 * measured as a visible share of the session check's budget, issue 8); here one string key finds a series.
 */

type Series = { labels: Record<string, string>; buckets: number[]; sum: number; count: number };

type Sample = { labels: Record<string, string | number>; value: number; metricName: string };

export class RequestDurations {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
  ) {}

  observe(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`;
    let series = this.series.get(key);
    if (!series) {
      series = {
        labels: { method, route, status: String(status) },
        buckets: this.bounds.map(() => 0),
        sum: 0,
        count: 0,
      };
      this.series.set(key, series);
    }
    const slot = this.bounds.findIndex((bound) => seconds <= bound);
    if (slot >= 0) series.buckets[slot]!++;
    series.sum += seconds;
    series.count++;
  }

  /** What prom-client's Registry reads from a metric: cumulative buckets, +Inf, sum and count per series. */
  async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: Sample[] }> {
    const values: Sample[] = [];
    for (const { labels, buckets, sum, count } of this.series.values()) {
      let cumulative = 0;
      this.bounds.forEach((le, i) => {
        cumulative += buckets[i]!;
        values.push({ labels: { ...labels, le }, value: cumulative, metricName: `${this.name}_bucket` });
      });
      values.push({ labels: { ...labels, le: '+Inf' }, value: count, metricName: `${this.name}_bucket` });
      values.push({ labels, value: sum, metricName: `${this.name}_sum` });
      values.push({ labels, value: count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.series.clear();
  }
}
