// Process measurements for the stack benches, read from /proc: resident memory of a process tree and the CPU time a
// process tree used. Benches run in the test's PID namespace while /proc may be the host's, so a pid we know (a
// child's pid in our namespace) is found through `NSpid` (last field: the pid in the innermost namespace).
import fs from 'node:fs';
import os from 'node:os';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ; 100 on every Linux we run). */
const TICKS_PER_SECOND = 100;

interface ProcEntry {
  pid: number;
  ppid: number;
  rssKb: number;
  nsPid: number;
  nsDepth: number;
}

function ownNamespaceDepth(): number {
  return (/^NSpid:\s+(.*)$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '').trim().split(/\s+/).length;
}

function readProcs(): ProcEntry[] {
  const out: ProcEntry[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = fs.readFileSync(`/proc/${entry}/status`, 'utf8');
      const nspids = (/^NSpid:\s+(.*)$/m.exec(status)?.[1] ?? entry).trim().split(/\s+/).map(Number);
      out.push({
        pid: Number(entry),
        ppid: Number(/^PPid:\s+(\d+)/m.exec(status)?.[1] ?? 0),
        rssKb: Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0),
        nsPid: nspids.at(-1) ?? Number(entry),
        nsDepth: nspids.length,
      });
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

/** /proc pids of `rootPid` (a pid in our namespace) and all its descendants; empty when it is gone. */
function treePids(rootPid: number, procs = readProcs()): number[] {
  const depth = ownNamespaceDepth();
  // A host process whose pid merely equals rootPid has a shorter NSpid line.
  const root = procs.find((p) => p.nsDepth === depth && p.nsPid === rootPid)?.pid;
  if (root === undefined) return [];
  const children = new Map<number, number[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const out: number[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift()!;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** Resident memory of `rootPid` and all its descendants, in MB (0 when the process is gone). */
export function treeRssMb(rootPid: number): number {
  const procs = readProcs();
  const rss = new Map(procs.map((p) => [p.pid, p.rssKb]));
  const kb = treePids(rootPid, procs).reduce((sum, pid) => sum + (rss.get(pid) ?? 0), 0);
  return Math.round(kb / 1024);
}

/** CPU seconds (user + system) the tree of `rootPid` has used so far; ended descendants are not counted. */
export function treeCpuSeconds(rootPid: number): number {
  let ticks = 0;
  for (const pid of treePids(rootPid)) {
    try {
      // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // ended while we looked
    }
  }
  return ticks / TICKS_PER_SECOND;
}

/** CPU use of a process tree over a window: start() then stop() → cores used on average (1 = one core busy). */
export function cpuWindow(rootPid: number): { stop(): { cpuSeconds: number; wallSeconds: number; cores: number } } {
  const cpu0 = treeCpuSeconds(rootPid);
  const t0 = performance.now();
  return {
    stop() {
      const cpuSeconds = treeCpuSeconds(rootPid) - cpu0;
      const wallSeconds = (performance.now() - t0) / 1000;
      return { cpuSeconds: round(cpuSeconds, 2), wallSeconds: round(wallSeconds, 1), cores: round(cpuSeconds / wallSeconds, 3) };
    },
  };
}

/** Least-squares line y = a + b·x. */
export function linearFit(xs: readonly number[], ys: readonly number[]): { intercept: number; slope: number } {
  const n = xs.length;
  if (n < 2) return { intercept: ys[0] ?? NaN, slope: NaN };
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return { intercept: my - slope * mx, slope };
}

export function percentiles(samples: readonly number[]): { n: number; p50: number; p95: number; max: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] ?? NaN;
  return { n: s.length, p50: round(at(0.5), 1), p95: round(at(0.95), 1), max: round(s.at(-1) ?? NaN, 1) };
}

export const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** The machine, with its load: the benches share a 2-core box with other work, so every figure carries it. */
export function machine(): { cpus: number; cpuModel: string; loadAverage: number[]; memTotalMb: number } {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    loadAverage: os.loadavg().map((l) => round(l, 2)),
    memTotalMb: Math.round(os.totalmem() / 2 ** 20),
  };
}
