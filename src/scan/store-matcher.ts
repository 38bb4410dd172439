import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { dataDir, type ErrorCode, SgciError } from '../core/index.ts';
import type { VulnReport } from '../vuln/index.ts';
import type { VulnMatcher } from './request.ts';
import type { StoreProcessRequest } from './store-process.ts';

export type StoreProcessReply =
  | { readonly report: VulnReport }
  | { readonly unavailable: string; readonly unavailableDe: string }
  | { readonly error: { readonly code: ErrorCode; readonly input: string; readonly message: string } }
  | { readonly closed: true };

/**
 * Matching against the local advisory database (or DATABASE_URL), with the store opened in a child process from
 * the moment this is called, so PGlite's start-up (a second of WebAssembly) runs on another core while the layers
 * are read. A child process rather than a worker thread because only a process can be given V8's `--liftoff-only`:
 * PGlite is PostgreSQL compiled to one large WebAssembly module, and V8's background tier-up of it to TurboFan
 * costs more than it saves in a run of seconds (debian-full with 2,600 Debian advisories: 7.3 s -> 4.4 s, peak
 * RSS 750 -> 480 MiB). Without a database on disk nothing starts and the report says so (never "no
 * vulnerabilities"); nothing is created. Dispose when done: that ends the child however the run ended.
 */
export function startStoreMatcher(): { readonly match: VulnMatcher } & AsyncDisposable {
  const location = process.env.DATABASE_URL ? 'DATABASE_URL' : join(dataDir(), 'db');
  if (!process.env.DATABASE_URL && !existsSync(location)) {
    return {
      match: async () => ({
        unavailable: 'no advisory database: run sgci db import or sgci db update first',
        unavailableDe: 'keine Advisory-Datenbank: zuerst sgci db import oder sgci db update ausführen',
      }),
      [Symbol.asyncDispose]: async () => undefined,
    };
  }
  const child: ChildProcess = fork(new URL('./store-process.ts', import.meta.url), [], {
    execArgv: ['--liftoff-only'],
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const reply = new Promise<StoreProcessReply>((resolve, reject) => {
    child.once('message', (message) => resolve(message as StoreProcessReply));
    child.once('error', (error) =>
      reject(new SgciError('DATABASE_ERROR', location, `cannot start the advisory store process: ${error.message}`)),
    );
    child.once('exit', (code, signal) =>
      reject(new SgciError('DATABASE_ERROR', location, `advisory store process ended (${signal ?? `exit ${code}`})`)),
    );
  });
  reply.catch(() => undefined);
  let asked = false;
  return {
    async match(sbom, request) {
      asked = true;
      child.send({
        sbom,
        now: request.now.toISOString(),
        sla: request.sla,
        vex: [...request.vex],
        notes: [...request.notes],
      } satisfies StoreProcessRequest);
      return unwrap(await reply);
    },
    async [Symbol.asyncDispose]() {
      if (!asked && child.connected) child.send('close');
      await reply.catch(() => undefined);
      if (child.exitCode === null && child.signalCode === null) {
        await new Promise((resolve) => {
          child.once('exit', resolve);
          setTimeout(() => child.kill(), 10_000).unref();
        });
      }
    },
  };
}

function unwrap(reply: StoreProcessReply): { report: VulnReport } | { unavailable: string; unavailableDe: string } {
  if ('error' in reply) {
    const { code, input, message } = reply.error;
    const detail = input && message.startsWith(`${input}: `) ? message.slice(input.length + 2) : message;
    throw new SgciError(code, input, detail);
  }
  if ('closed' in reply) throw new SgciError('DATABASE_ERROR', '', 'advisory store process closed before matching');
  return reply;
}
