// /healthz: each dependency probed on its own with a time limit, so one slow part cannot hide the others.
export type ProbeResult = { ok: true; detail?: string } | { ok: false; error: string };
export type Probe = () => Promise<string | void>;

export interface HealthReport {
  status: 'ok' | 'degraded';
  checks: Record<string, ProbeResult>;
}

/** What anyone may see: which parts are up or down, without messages (paths, hosts, versions are for staff). */
export interface PublicHealthReport {
  status: HealthReport['status'];
  checks: Record<string, { ok: boolean }>;
}

export function publicHealthReport(report: HealthReport): PublicHealthReport {
  return { status: report.status, checks: Object.fromEntries(Object.entries(report.checks).map(([name, r]) => [name, { ok: r.ok }])) };
}

export class HealthCheck {
  constructor(private readonly probes: Record<string, Probe>, private readonly timeoutMs = 3000) {}

  async run(): Promise<HealthReport> {
    const entries = await Promise.all(
      Object.entries(this.probes).map(async ([name, probe]): Promise<[string, ProbeResult]> => {
        try {
          const detail = await withTimeout(probe(), this.timeoutMs, name);
          return [name, detail ? { ok: true, detail } : { ok: true }];
        } catch (err) {
          return [name, { ok: false, error: (err as Error).message }];
        }
      }),
    );
    const checks = Object.fromEntries(entries);
    return { status: entries.every(([, r]) => r.ok) ? 'ok' : 'degraded', checks };
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${name} did not answer within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
