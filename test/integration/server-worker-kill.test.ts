/**
 * A worker killed in the middle of a scan (SIGKILL: no handler runs) leaves nothing half-written: the submission
 * stays `scanning` without a result, its job stays leased to the dead worker, and once the lease has run out another
 * worker claims the job again and finishes it. The second worker runs in this process on a clock set past the
 * lease, so nobody waits for ten minutes to pass.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import {
  type CatalogueServices,
  createOrganisation,
  createUser,
  openCatalogue,
  scanJob,
  submit,
  Worker,
} from '../../src/catalogue/index.ts';
import { silentLogger } from '../../src/core/index.ts';
import { defaultPolicy } from '../../src/policy/index.ts';
import { registryImageAccess } from '../../src/server/index.ts';
import { fixture, fixturesMissing } from '../helpers/fixtures.ts';
import { postgresMissing, startPostgres } from '../helpers/postgres.ts';
import { startRegistry } from '../helpers/registry.ts';

const repo = resolve(import.meta.dirname, '..', '..');

test('a worker killed mid-scan leaves no half-written rows; its job is claimed again and finishes', {
  skip: postgresMissing() ?? fixturesMissing(),
}, async () => {
  await using postgres = await startPostgres();
  await using registry = await startRegistry();
  const home = mkdtempSync(join(tmpdir(), 'sgci-kill-'));
  await registry.push(fixture('debian-full').ociDir, 'bund-a/debian:12');
  const system = { kind: 'system' } as const;
  const clock = { offsetMs: 0 };
  await using catalogue = await openCatalogue({
    databaseUrl: postgres.url,
    now: () => new Date(Date.now() + clock.offsetMs),
  });
  const config = { insecureRegistry: [], allowRegistry: [registry.host] };
  const services: CatalogueServices = {
    catalogue,
    policy: defaultPolicy,
    images: registryImageAccess({ config, logger: silentLogger }),
  };
  await createOrganisation(catalogue, system, { slug: 'bund-a', name: 'Bund A', contact: null });
  const alice = await createUser(catalogue, system, { login: 'alice', role: null, organisations: ['bund-a'] });
  const principal = {
    userId: alice.id,
    login: 'alice',
    displayName: 'alice',
    role: null,
    organisations: ['bund-a'],
    via: { kind: 'session' },
  } as const;
  const { id } = await submit(services, principal, {
    image: `${registry.host}/bund-a/debian:12`,
    name: 'debian',
    description: { de: 'Debian', en: 'Debian' },
    categories: ['base'],
    license: 'various',
    source: 'https://gitlab.opencode.de/bund-a/debian',
    contact: 'plattform@bund-a.example',
  });

  const worker = spawn(
    resolve(repo, 'node_modules', '.bin', 'node'),
    [resolve(repo, 'bin', 'sgci.js'), 'worker', '--allow-registry', registry.host, '--log-level', 'silent'],
    {
      env: { ...process.env, DATABASE_URL: postgres.url, SGCI_HOME: home, DOCKER_CONFIG: '/nonexistent' },
      stdio: 'ignore',
    },
  );
  const exited = new Promise<NodeJS.Signals | null>((done) => worker.once('exit', (_code, signal) => done(signal)));
  try {
    // kill it as soon as it is scanning: the pass over debian-full's layers takes a second or more
    const deadline = Date.now() + 60_000;
    let status = 'submitted';
    while (status !== 'scanning' && Date.now() < deadline) {
      const row = await catalogue.db.selectFrom('submissions').select('status').where('id', '=', id).executeTakeFirst();
      status = row?.status ?? status;
      if (status !== 'scanning') await new Promise((r) => setTimeout(r, 5));
    }
    assert.equal(status, 'scanning', 'the worker started the scan');
    worker.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
  } finally {
    worker.kill('SIGKILL');
  }

  const after = await catalogue.db
    .selectFrom('submissions')
    .select(['status', 'result', 'scan_key'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  assert.deepEqual(after, { status: 'scanning', result: null, scan_key: null }, 'nothing of the scan was written');
  const job = await catalogue.db
    .selectFrom('jobs')
    .selectAll()
    .where('kind', '=', 'sgci.scan')
    .executeTakeFirstOrThrow();
  assert.equal(job.state, 'running');
  assert.match(job.locked_by ?? '', /:\d+:[0-9a-f]{8}$/, 'still leased to the dead worker');

  const survivor = new Worker({ catalogue, definitions: [scanJob(services)], id: 'survivor' });
  assert.equal(await survivor.drain(), 0, 'the lease still holds');
  clock.offsetMs = 10 * 60_000 + 1_000;
  assert.equal(await survivor.drain(), 1, 'claimed again once the lease ran out');
  const done = await catalogue.db
    .selectFrom('submissions')
    .select(['status', 'result'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  assert.ok(['checks-failed', 'awaiting-review'].includes(done.status), done.status);
  assert.ok(done.result, 'the second attempt wrote its result');
  const finished = await catalogue.db
    .selectFrom('jobs')
    .select(['state', 'attempts'])
    .where('id', '=', job.id)
    .executeTakeFirstOrThrow();
  assert.deepEqual(finished, { state: 'done', attempts: 2 });
  const events = await catalogue.db
    .selectFrom('events')
    .select('after')
    .where('subject_kind', '=', 'submission')
    .where('subject_id', '=', id)
    .orderBy('id')
    .execute();
  assert.deepEqual(
    events.map((e) => (e.after as { status: string }).status),
    ['submitted', 'scanning', done.status],
    'one scanning event: the second attempt continued the state, it did not repeat it',
  );
  rmSync(home, { recursive: true, force: true });
});
