/**
 * Child process of `startStoreMatcher`: opens the advisory store while the parent reads the layers, then
 * matches the SBOM it is sent. Protocol over the IPC channel: one request (or `'close'`) in, one
 * `StoreProcessReply` out, then the store is closed and the process ends; it also ends when the parent goes.
 */
import { enableCompileCache } from 'node:module';
import type { SlaPolicy } from '../policy/index.ts';
import type { Sbom } from '../sbom/index.ts';
import type { VexStatement } from '../vuln/index.ts';
import type { StoreProcessReply } from './store-matcher.ts';

// as bin/sgci.js does: V8's compile cache spares re-parsing the store's and matcher's sources on every start
enableCompileCache();
const { describe, isSgciError } = await import('../core/index.ts');
const { openStore } = await import('../store/index.ts');

export interface StoreProcessRequest {
  readonly sbom: Sbom;
  readonly now: string;
  readonly sla: SlaPolicy;
  /** Statements of the request's VEX documents, applied with the store's own. */
  readonly vex: readonly VexStatement[];
  readonly notes: readonly string[];
}

function failure(error: unknown): StoreProcessReply {
  return isSgciError(error)
    ? { error: { code: error.code, input: error.input, message: error.message } }
    : { error: { code: 'DATABASE_ERROR', input: '', message: describe(error) } };
}

async function answer(
  request: StoreProcessRequest | 'close',
  opening: ReturnType<typeof openStore>,
): Promise<StoreProcessReply> {
  let reply: StoreProcessReply = { closed: true };
  const store = await opening.catch((error: unknown) => {
    reply = failure(error);
    return undefined;
  });
  try {
    if (store && request !== 'close') {
      const { storeMatcher } = await import('./store-match.ts');
      const { sbom, vex, notes, sla } = request;
      reply = await storeMatcher(store)(sbom, { vex, notes, sla, now: new Date(request.now) });
    }
  } catch (error) {
    reply = failure(error);
  } finally {
    await store?.close().catch(() => undefined);
  }
  return reply;
}

if (process.send) {
  const opening = openStore();
  // the matcher's modules load while PGlite starts
  const loading = import('./store-match.ts').then(() => import('../vuln/index.ts'));
  loading.catch(() => undefined);
  opening.catch(() => undefined);
  process.once('disconnect', () => process.exit(0));
  process.once('message', async (request: StoreProcessRequest | 'close') => {
    const reply = await answer(request, opening);
    process.send?.(reply, () => process.disconnect());
  });
}
