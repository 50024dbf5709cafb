// What ensureModel reports while it works, and one renderer for it: a redrawn bar when stderr is a terminal,
// plain lines otherwise (CI logs and journald keep every byte, so they get a line per phase and per quarter).
export type FetchPhase = 'check' | 'download' | 'verify-archive' | 'extract' | 'install' | 'present' | 'fetched';

export interface FetchProgressEvent {
  modelId: string;
  phase: FetchPhase;
  /** Bytes handled so far in this phase, when it has a size. */
  done?: number;
  total?: number;
}

export type FetchProgressSink = (event: FetchProgressEvent) => void;

interface Writable {
  write(s: string): unknown;
  isTTY?: boolean;
}

const labels: Record<FetchPhase, string> = {
  check: 'checking cache',
  download: 'downloading',
  'verify-archive': 'verifying archive',
  extract: 'unpacking',
  install: 'installing',
  present: 'present and verified',
  fetched: 'fetched and verified',
};

export function createStderrProgress(out: Writable = process.stderr): FetchProgressSink {
  const tty = out.isTTY === true;
  let lastKey = '';
  let lastQuarter = -1;
  let lastDraw = 0;
  return (e) => {
    const key = `${e.modelId}:${e.phase}`;
    const final = e.phase === 'present' || e.phase === 'fetched';
    const pct = e.total && e.total > 0 && e.done !== undefined ? Math.min(1, e.done / e.total) : undefined;
    if (tty) {
      const now = Date.now();
      if (key === lastKey && !final && now - lastDraw < 100 && pct !== 1) return;
      lastDraw = now;
      lastKey = key;
      out.write(`\r\x1b[K${e.modelId}: ${labels[e.phase]}${pct === undefined ? sizeOnly(e.done) : ' ' + bar(pct) + sizes(e)}${final ? '\n' : ''}`);
      return;
    }
    if (key !== lastKey) {
      lastKey = key;
      lastQuarter = -1;
      if (pct === undefined || pct === 0) {
        out.write(`${e.modelId}: ${labels[e.phase]}${e.total ? ` (${mb(e.total)})` : ''}\n`);
        lastQuarter = 0;
        return;
      }
    }
    // Hashing is quick; only the slow phases earn a line per quarter in logs.
    if (pct !== undefined && (e.phase === 'download' || e.phase === 'extract')) {
      const quarter = Math.floor(pct * 4);
      if (quarter > lastQuarter) {
        lastQuarter = quarter;
        out.write(`${e.modelId}: ${labels[e.phase]} ${Math.round(pct * 100)}%${sizes(e)}\n`);
      }
    }
  };
}

function bar(pct: number): string {
  const width = 24;
  const full = Math.round(pct * width);
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${String(Math.round(pct * 100)).padStart(3)}%`;
}

function mb(n: number): string {
  return `${(n / 1e6).toFixed(1)} MB`;
}

function sizes(e: FetchProgressEvent): string {
  return e.total ? ` ${mb(e.done ?? 0)}/${mb(e.total)}` : '';
}

function sizeOnly(done: number | undefined): string {
  return done ? ` ${mb(done)}` : '';
}
