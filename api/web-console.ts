// Serves the built web console (web/dist) on the API's origin: hashed assets with a long cache, and index.html for
// any other GET a browser makes for a page (the console routes in the browser). /v1 and /healthz never reach it.
import fs from 'node:fs';
import path from 'node:path';
import type { Middleware } from 'koa';
import serve from 'koa-static';

export interface WebConsoleOptions {
  /** web/dist, as built by web/build.ts. */
  dir: string;
  /** The LiveKit URL browsers connect to (PUBLIC_LIVEKIT_URL): the only other origin the pages may reach. */
  liveKitUrl: string;
}

export function webConsole(options: WebConsoleOptions): Middleware {
  const indexPath = path.join(options.dir, 'index.html');
  const assets = serve(options.dir, {
    index: false,
    gzip: false,
    brotli: false,
    setHeaders: (res, file) => {
      if (file.includes(`${path.sep}assets${path.sep}`)) res.setHeader('cache-control', 'public, max-age=31536000, immutable');
    },
  });
  const csp = contentSecurityPolicy(options.liveKitUrl);
  return async (ctx, next) => {
    if (ctx.path.startsWith('/v1/') || ctx.path === '/v1' || ctx.path === '/healthz' || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    if (ctx.path.startsWith('/assets/')) {
      await assets(ctx, async () => undefined);
      if (ctx.body !== undefined) {
        ctx.set('x-content-type-options', 'nosniff');
        return;
      }
      return next();
    }
    // A page: anything a browser asks for as HTML. Other clients keep the API's JSON 404.
    if (!ctx.accepts('html') || ctx.get('accept') === '' || ctx.accepts('json', 'html') === 'json') return next();
    if (!fs.existsSync(indexPath)) {
      ctx.status = 503;
      ctx.type = 'text/plain';
      ctx.body = 'The web console is not built: run `npm run build:web` (the bootstrap does it).';
      return;
    }
    ctx.type = 'html';
    ctx.set('cache-control', 'no-cache');
    ctx.set('content-security-policy', csp);
    ctx.set('x-content-type-options', 'nosniff');
    ctx.set('referrer-policy', 'same-origin');
    ctx.set('x-frame-options', 'DENY');
    ctx.body = fs.createReadStream(indexPath);
  };
}

/** Same origin only, plus the LiveKit signalling URL (ws/wss, and its http(s) twin that livekit-client probes). */
export function contentSecurityPolicy(liveKitUrl: string): string {
  const lk = new URL(liveKitUrl);
  const httpTwin = `${lk.protocol === 'wss:' ? 'https:' : 'http:'}//${lk.host}`;
  const wsTwin = `${lk.protocol === 'https:' || lk.protocol === 'wss:' ? 'wss:' : 'ws:'}//${lk.host}`;
  return [
    "default-src 'self'",
    `connect-src 'self' ${wsTwin} ${httpTwin}`,
    "img-src 'self' blob: data:",
    "media-src 'self' blob:",
    "style-src 'self' 'unsafe-inline'",
    "script-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ');
}
