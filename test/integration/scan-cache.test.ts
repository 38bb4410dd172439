import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Image } from '../../src/oci/index.ts';
import { openImage } from '../../src/oci/source/index.ts';
import { defaultPolicy, type Policy } from '../../src/policy/index.ts';
import { renderJson } from '../../src/report/index.ts';
import { type CachedScan, runScan, type ScanCache, storeMatcher } from '../../src/scan/index.ts';
import type { OsvRecord } from '../../src/vuln/index.ts';
import { corpusDir, fixture, fixturesMissing } from '../helpers/fixtures.ts';
import { memoryAdvisories } from '../helpers/memory-advisories.ts';

const skip = fixturesMissing();
const now = new Date('2026-06-01T00:00:00Z');

function npmAdvisories(): OsvRecord[] {
  const dir = join(corpusDir(), 'osv', 'npm');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as OsvRecord);
}

function matcherOf(records: readonly OsvRecord[]) {
  const advisories = Object.assign(memoryAdvisories(records), { count: async () => records.length });
  return storeMatcher({ advisories, vex: { list: async () => [] } });
}

/** A cache in memory, as the store keeps it: JSON in, JSON out. */
function memoryCache(): ScanCache & { readonly entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    get: async (key) => {
      const text = entries.get(key);
      return text === undefined ? undefined : (JSON.parse(text) as CachedScan);
    },
    put: async (key, scan) => {
      entries.set(key, JSON.stringify(scan));
    },
  };
}

/** The same image, except that reading any layer byte fails the test. */
function unreadable(image: Image): Image & { readonly reads: string[] } {
  const reads: string[] = [];
  const layers = image.layers.map((layer) => ({
    ...layer,
    open: () => {
      reads.push(layer.digest);
      throw new Error(`layer ${layer.digest} was read`);
    },
  }));
  return new Proxy(image, {
    get(target, property) {
      if (property === 'reads') return reads;
      if (property === 'layers') return layers;
      if (property === 'filesystem')
        return () => {
          reads.push('filesystem');
          throw new Error('the layers were read');
        };
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as Image & { readonly reads: string[] };
}

async function scanOnce(image: Image, cache: ScanCache, records: readonly OsvRecord[], policy: Policy = defaultPolicy) {
  return runScan(
    { subject: { image }, needs: { vulns: true, checks: true }, policy, now },
    { matcher: matcherOf(records), cache },
  );
}

test('a re-scan of the same digest reads zero layer bytes and gives the same SBOM and checks', { skip }, async () => {
  await using image = await openImage(`oci-archive:${fixture('node-app').ociArchive}`);
  const cache = memoryCache();
  const records = npmAdvisories();
  const first = await scanOnce(image, cache, records);
  assert.equal(first.cached, false);
  assert.equal(cache.entries.size, 1);
  const again = unreadable(image);
  const second = await scanOnce(again, cache, records);
  assert.deepEqual(again.reads, [], 'no layer was opened');
  assert.equal(second.cached, true);
  assert.deepEqual(second.sbom, first.sbom);
  assert.equal(renderJson(second.checks?.report ?? assert.fail()), renderJson(first.checks?.report ?? assert.fail()));
  assert.deepEqual(second.vulns?.report, first.vulns?.report);
  assert.ok((first.vulns?.report.matches.length ?? 0) > 0, 'node-app has npm findings to re-match');
});

test('vulnerabilities are re-matched from the stored SBOM against the current advisory data', { skip }, async () => {
  await using image = await openImage(`oci-archive:${fixture('node-app').ociArchive}`);
  const cache = memoryCache();
  const records = npmAdvisories();
  const first = await scanOnce(image, cache, records);
  const withdrawn = first.vulns?.report.matches[0]?.vulnerability.id;
  assert.ok(withdrawn);
  const fewer = records.filter((r) => r.id !== withdrawn && !(r.aliases ?? []).includes(withdrawn));
  const second = await scanOnce(unreadable(image), cache, fewer);
  assert.equal(second.cached, true);
  const ids = (second.vulns?.report.matches ?? []).map((m) => m.vulnerability.id);
  assert.ok(!ids.includes(withdrawn), `${withdrawn} is gone with its advisory`);
  assert.equal(ids.length, (first.vulns?.report.matches.length ?? 0) - 1);
});

test('another policy or an SBOM-only scan is no hit for a checks scan: the layers are read again', {
  skip,
}, async () => {
  await using image = await openImage(`oci-archive:${fixture('distroless-static').ociArchive}`);
  const cache = memoryCache();
  const sbomOnly = await runScan(
    { subject: { image }, needs: { vulns: false, checks: false }, policy: defaultPolicy, now },
    { cache },
  );
  assert.equal(sbomOnly.cached, false);
  const checks = await scanOnce(image, cache, []);
  assert.equal(checks.cached, false, 'the stored SBOM-only result has no check results');
  const strict: Policy = {
    ...defaultPolicy,
    name: 'strict',
    digest: 'sha256:strict',
    checks: { 'SGCI-COMP-003': 'off' },
  };
  const other = await scanOnce(image, cache, [], strict);
  assert.equal(other.cached, false);
  assert.equal(cache.entries.size, 2, 'one entry per (digest, policy)');
  assert.ok(other.checks?.run.disabled.includes('SGCI-COMP-003'));
});
