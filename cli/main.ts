// `roundtable <command>`: start | api | worker | migrate | models | moderate | transcribe | grant-role | password-reset | round | import-members. One entry for people, scripts and compose files.
import { ConfigError, loadConfig, type Config } from '../core/config.js';
import { createLogger } from '../core/logger.js';

const USAGE = `usage: roundtable <command>

commands:
  start              database, LiveKit, API and agent workers; prints where the API is
  api                one more API process (with its background workers) on an existing database and LiveKit
                     (needs DATABASE_URL and LIVEKIT_URL); run several behind a load balancer
  worker             one moderation agent worker (needs DATABASE_URL and LIVEKIT_URL)
  migrate            apply database migrations
  models <sub>       list | fetch [id...|--all] | verify | path <id>
  moderate           score JSON lines {"id","text"} from stdin on every harm category
  transcribe [--json] <file>...
                     transcribe WAV/FLAC files with the local speech model
  grant-role <email> <trust_safety|admin>...
                     give a member platform roles (how the first admin is made)
  password-reset [--json] <email>
                     print a single-use, expiring link that sets a member's password (imported members, forgotten ones)
  round [--dry-run] [--json]
                     pair every opted-in matchable member (Donut-style); creates suggestions both ways
  import-members <file.jsonl> [--no-embed]
                     import members with matching profiles (README: line format); all or nothing
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  switch (command) {
    case 'start': {
      const { startStack } = await import('./stack.js');
      const stack = await startStack(config, log);
      process.stdout.write(`Roundtable is up\n  API:     ${stack.apiUrl}  (health: ${stack.apiUrl}/healthz, OpenAPI: ${stack.apiUrl}/v1/openapi.json)\n  LiveKit: ${stack.livekitUrl}\n  DB:      ${stack.database.kind}\n  Agents:  ${stack.workers.length} worker(s)\n`);
      await waitForSignal();
      await stack.stop();
      return 0;
    }
    case 'api': {
      // Several of these share one database and one LiveKit: stage events reach every process through the room
      // event bus, and background workers run in one process at a time (leases).
      const missing = [!config.database.url && 'DATABASE_URL', config.livekit.managed && 'LIVEKIT_URL'].filter(Boolean);
      if (missing.length > 0) {
        process.stderr.write(`roundtable api: set ${missing.join(' and ')} (an API process joins an existing database and LiveKit; \`roundtable start\` runs the whole stack)\n`);
        return 2;
      }
      const { startStack } = await import('./stack.js');
      const stack = await startStack(config, log, { workers: 0 });
      process.stdout.write(`Roundtable API is up\n  API:     ${stack.apiUrl}\n  LiveKit: ${stack.livekitUrl}\n  DB:      ${stack.database.kind}\n`);
      // Tests and supervisors that spawn this process learn it is ready here.
      process.send?.({ type: 'api_ready', url: stack.apiUrl });
      await waitForSignal();
      await stack.stop();
      return 0;
    }
    case 'worker': {
      const { startWorker } = await import('../agents/worker.js');
      const worker = startWorker(config, log);
      // SIGTERM (a deploy: docker stop, systemd) drains: its rooms go to other workers first. SIGINT stops at once.
      if ((await waitForSignal()) === 'SIGTERM') await worker.drain();
      await worker.close();
      return 0;
    }
    case 'migrate': {
      const { openDatabase } = await import('../db/database.js');
      const { migrate } = await import('../db/migrate.js');
      const db = await openDatabase(config, log);
      try {
        const applied = await migrate(db.pool);
        process.stdout.write(applied.length ? `applied migrations ${applied.join(', ')} (${db.kind})\n` : `database is up to date (${db.kind})\n`);
      } finally {
        await db.close();
      }
      return 0;
    }
    case 'grant-role': {
      const [email, ...roles] = rest;
      const valid = ['trust_safety', 'admin'] as const;
      if (!email || roles.length === 0 || !roles.every((r) => (valid as readonly string[]).includes(r))) {
        process.stderr.write('usage: roundtable grant-role <email> <trust_safety|admin>...\n');
        return 2;
      }
      const { openDatabase } = await import('../db/database.js');
      const { AccountService } = await import('../engine/identity/account-service.js');
      const db = await openDatabase(config, log);
      try {
        const accounts = new AccountService(db.pool, config.auth);
        const id = await accounts.findMemberIdByEmail(email);
        if (!id) {
          process.stderr.write(`no member with email ${email}\n`);
          return 1;
        }
        const granted = await accounts.setPlatformRoles(id, roles as ('trust_safety' | 'admin')[]);
        process.stdout.write(`${email}: ${granted.join(', ')} (effective at next login)\n`);
        return 0;
      } finally {
        await db.close();
      }
    }
    case 'password-reset': {
      const { passwordResetCommand } = await import('./password-reset.js');
      return passwordResetCommand(rest, config, log, { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) });
    }
    case 'round': {
      const { roundCommand } = await import('./matching.js');
      return roundCommand(rest, config, log, { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) });
    }
    case 'import-members': {
      const { importMembersCommand } = await import('./matching.js');
      return importMembersCommand(rest, config, log, { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) });
    }
    case 'models': {
      const { modelsCommand } = await import('./models.js');
      return modelsCommand(rest, config);
    }
    case 'moderate': {
      const { moderateCommand } = await import('./moderate.js');
      return moderateCommand(rest, config, { input: process.stdin, out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) });
    }
    case 'transcribe': {
      const { transcribeCommand } = await import('./transcribe.js');
      return transcribeCommand(rest, config, { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) });
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`unknown command: ${command}\n${USAGE}`);
      return 2;
  }
}

function waitForSignal(): Promise<'SIGINT' | 'SIGTERM'> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`roundtable: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  },
);
