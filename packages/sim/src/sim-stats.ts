/**
 * What each simulated router has served: requests and response body bytes, in total and
 * per `METHOD /rest/path`. The benchmarks read these to measure what the bridge costs a
 * router per report cycle.
 */

export interface PathCount {
  requests: number;
  /** Response body bytes (headers not included). */
  bytes: number;
}

export interface RouterStatsSnapshot extends PathCount {
  name: string;
  address: string;
  paths: Record<string, PathCount>;
}

export class RouterStats {
  private requests = 0;
  private bytes = 0;
  private readonly paths = new Map<string, PathCount>();

  constructor(
    readonly name: string,
    readonly address: string,
  ) {}

  /** One more request on `key` (e.g. `GET /rest/interface`). */
  request(key: string): PathCount {
    this.requests++;
    let p = this.paths.get(key);
    if (!p) {
      p = { requests: 0, bytes: 0 };
      this.paths.set(key, p);
    }
    p.requests++;
    return p;
  }

  /** `bytes` more response body bytes sent for the request counted in `path`. */
  sent(path: PathCount, bytes: number): void {
    path.bytes += bytes;
    this.bytes += bytes;
  }

  snapshot(): RouterStatsSnapshot {
    const paths: Record<string, PathCount> = {};
    for (const [k, v] of [...this.paths].sort(([a], [b]) => a.localeCompare(b))) paths[k] = { ...v };
    return { name: this.name, address: this.address, requests: this.requests, bytes: this.bytes, paths };
  }
}
