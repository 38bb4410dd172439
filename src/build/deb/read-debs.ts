import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { describe, type ErrorCode, type Limits, SgciError } from '../../core/index.ts';
import { type Deb, type DebEntry, readDeb } from './read-deb.ts';
import type { ReadRequest } from './read-deb-worker.ts';

/** Below this many bytes of packages a worker's start-up (loading the modules) costs more than it saves. */
const parallelFloorBytes = 8 * 1024 * 1024;

interface Reply {
  readonly id: number;
  readonly deb?: Deb;
  readonly failure?: { readonly code?: ErrorCode; readonly input?: string; readonly message: string };
}

/** Structured clone turns Buffers into Uint8Arrays: the contents become Buffers again, without a copy. */
function revived(deb: Deb): Deb {
  const entries: DebEntry[] = deb.entries.map(({ header, content }) =>
    content === undefined
      ? { header }
      : { header, content: Buffer.from(content.buffer, content.byteOffset, content.byteLength) },
  );
  return { ...deb, entries };
}

async function sizeOf(path: string, input: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    throw new SgciError('IO_ERROR', input, `cannot read: ${describe(error)}`, { cause: error });
  }
}

function failureOf(reply: Reply, input: string): Error {
  const failure = reply.failure;
  if (failure?.code === undefined) return new SgciError('ARCHIVE_INVALID', input, failure?.message ?? 'unreadable');
  const error = new SgciError(failure.code, failure.input ?? input, '');
  error.message = failure.message;
  return error;
}

/**
 * Reads several .debs, in worker threads when there is enough to read and more than one core, else in this thread;
 * the result is in the order asked for either way, so nothing downstream depends on which finished first.
 */
export async function readDebs(
  requested: readonly { readonly path: string; readonly input: string; readonly sha256?: string }[],
  limits: Limits,
): Promise<Deb[]> {
  const packages: { path: string; input: string; sha256?: string; size: number }[] = [];
  for (const p of requested) packages.push({ ...p, size: await sizeOf(p.path, p.input) });
  const total = packages.reduce((sum, p) => sum + p.size, 0);
  const threads = Math.min(availableParallelism(), packages.length, 4);
  if (threads < 2 || total < parallelFloorBytes) {
    const out: Deb[] = [];
    for (const p of packages) out.push(await readDeb(p.path, p.input, limits, p.sha256));
    return out;
  }
  // largest first, so the long ones do not start last
  const queue = packages.map((p, id) => ({ ...p, id })).sort((a, b) => b.size - a.size);
  const results: Deb[] = new Array(packages.length);
  const workers = Array.from({ length: threads }, () => new Worker(new URL('./read-deb-worker.ts', import.meta.url)));
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            let current: (typeof queue)[number] | undefined;
            const next = () => {
              current = queue.shift();
              if (current === undefined) return resolve();
              const request: ReadRequest = {
                id: current.id,
                path: current.path,
                input: current.input,
                limits,
                ...(current.sha256 ? { sha256: current.sha256 } : {}),
              };
              worker.postMessage(request);
            };
            worker.on('message', (reply: Reply) => {
              if (reply.deb === undefined) return reject(failureOf(reply, current?.input ?? ''));
              results[reply.id] = revived(reply.deb);
              next();
            });
            worker.on('error', reject);
            next();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
