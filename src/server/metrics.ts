/**
 * Prometheus text exposition of what this process saw (HTTP requests) and what the shared database holds (jobs
 * per kind and state), so every instance reports the queue the same way.
 */
export class Metrics {
  readonly #requests = new Map<string, number>();
  readonly #durations = new Map<string, { buckets: number[]; sum: number; count: number }>();
  static readonly buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const key = `method="${method}",route="${escapeLabel(route)}",status="${status}"`;
    this.#requests.set(key, (this.#requests.get(key) ?? 0) + 1);
    const dKey = `method="${method}",route="${escapeLabel(route)}"`;
    let d = this.#durations.get(dKey);
    if (!d) {
      d = { buckets: Metrics.buckets.map(() => 0), sum: 0, count: 0 };
      this.#durations.set(dKey, d);
    }
    Metrics.buckets.forEach((le, i) => {
      if (seconds <= le && d) d.buckets[i] = (d.buckets[i] ?? 0) + 1;
    });
    d.sum += seconds;
    d.count++;
  }

  render(jobs: readonly { kind: string; state: string; count: number }[]): string {
    const lines: string[] = [
      '# HELP sgci_http_requests_total HTTP requests served by this process.',
      '# TYPE sgci_http_requests_total counter',
    ];
    for (const [labels, n] of [...this.#requests].sort()) lines.push(`sgci_http_requests_total{${labels}} ${n}`);
    lines.push(
      '# HELP sgci_http_request_duration_seconds Time to serve a request.',
      '# TYPE sgci_http_request_duration_seconds histogram',
    );
    for (const [labels, d] of [...this.#durations].sort(([a], [b]) => (a < b ? -1 : 1))) {
      Metrics.buckets.forEach((le, i) => {
        lines.push(`sgci_http_request_duration_seconds_bucket{${labels},le="${le}"} ${d.buckets[i]}`);
      });
      lines.push(`sgci_http_request_duration_seconds_bucket{${labels},le="+Inf"} ${d.count}`);
      lines.push(`sgci_http_request_duration_seconds_sum{${labels}} ${d.sum}`);
      lines.push(`sgci_http_request_duration_seconds_count{${labels}} ${d.count}`);
    }
    lines.push('# HELP sgci_jobs Jobs in the shared queue by kind and state.', '# TYPE sgci_jobs gauge');
    for (const j of jobs) lines.push(`sgci_jobs{kind="${escapeLabel(j.kind)}",state="${j.state}"} ${j.count}`);
    return `${lines.join('\n')}\n`;
  }
}

function escapeLabel(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}
