import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Catalogue } from '../../src/catalogue/index.ts';
import { enqueueJob } from '../../src/catalogue/index.ts';
import { loadServerConfig } from '../../src/server/index.ts';
import { TestCatalogues } from '../helpers/catalogue.ts';
import { type TestServer, testServer } from '../helpers/server.ts';

describe('catalogue server basics', () => {
  let suite: TestCatalogues;
  let catalogue: Catalogue;
  let server: TestServer;
  before(async () => {
    suite = new TestCatalogues('pglite');
    catalogue = await suite.open();
    server = testServer(catalogue);
  });
  after(async () => suite[Symbol.asyncDispose]());

  test('healthz answers, readyz follows the database and shutdown', async () => {
    assert.equal((await server.app.request('/healthz')).status, 200);
    assert.equal((await server.app.request('/readyz')).status, 200);
    server.accepting = false;
    const shutting = await server.app.request('/readyz');
    server.accepting = true;
    assert.equal(shutting.status, 503);
    assert.equal(await shutting.text(), 'shutting down\n');
  });

  test('metrics count requests by route and report the shared job queue', async () => {
    await enqueueJob(catalogue.db, 'sgci.scan', {}, catalogue.now());
    await server.app.request('/healthz');
    const res = await server.app.request('/metrics');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    assert.match(text, /sgci_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
    assert.match(text, /sgci_jobs\{kind="sgci\.scan",state="queued"\} 1/);
    assert.match(text, /sgci_http_request_duration_seconds_bucket\{method="GET",route="\/healthz",le="\+Inf"\} \d+/);
  });

  test('an unknown path is problem+json naming it, with the security headers and a request id', async () => {
    const res = await server.app.request('/api/v1/nothing', { headers: { 'x-request-id': 'req-12345678' } });
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
    const body = (await res.json()) as { status: number; detail: string; type: string };
    assert.equal(body.status, 404);
    assert.match(body.detail, /\/api\/v1\/nothing/);
    assert.equal(res.headers.get('x-request-id'), 'req-12345678');
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('referrer-policy'), 'same-origin');
    assert.equal(res.headers.get('strict-transport-security'), null, 'no HSTS on plain HTTP');
  });

  test('a hostile request id is replaced, HSTS is sent behind an https public URL', async () => {
    const tls = testServer(catalogue, { publicUrl: 'https://container.example' });
    const res = await tls.app.request('/healthz', { headers: { 'x-request-id': 'bad id; $(x)' } });
    assert.match(res.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    assert.match(res.headers.get('strict-transport-security') ?? '', /max-age=31536000/);
  });

  test('a body over the limit is refused with 413 before a handler reads it', async () => {
    const small = testServer(catalogue, { maxBodyBytes: 1024 });
    const res = await small.app.request('/api/v1/anything', {
      method: 'POST',
      body: 'x'.repeat(2048),
      headers: { 'content-type': 'application/json', 'content-length': '2048' },
    });
    assert.equal(res.status, 413);
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
  });

  test('the OpenAPI 3.1 document is served', async () => {
    const res = await server.app.request('/api/v1/openapi.json');
    assert.equal(res.status, 200);
    const doc = (await res.json()) as { openapi: string };
    assert.equal(doc.openapi, '3.1.0');
  });
});

describe('server configuration', () => {
  test('file < environment < flags, and the first invalid key is named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sgci-config-'));
    const file = join(dir, 'config.yaml');
    writeFileSync(file, 'listen: 0.0.0.0:9000\nworkers: 3\nallowRegistry: [registry.internal:5000]\n');
    const config = loadServerConfig({ file, env: { SGCI_WORKERS: '2' }, flags: { listen: '127.0.0.1:8081' } });
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.port, 8081);
    assert.equal(config.workers, 2);
    assert.deepEqual(config.allowRegistry, ['registry.internal:5000']);
    writeFileSync(file, 'listen: 0.0.0.0:9000\nworkerz: 3\n');
    assert.throws(
      () => loadServerConfig({ file, env: {} }),
      /config\.yaml: \(root\): Unrecognized key: "workerz"|workerz/,
    );
    writeFileSync(file, 'allowRegistry: ["http://evil/"]\n');
    assert.throws(
      () => loadServerConfig({ file, env: {} }),
      /config\.yaml: allowRegistry\.0: expected HOST or HOST:PORT/,
    );
  });
});
