/**
 * `sgci monitor` against the real docker-registry: one tag is moved through a sequence of the fixture images
 * (copied with skopeo between rounds) while SGCI_NOW advances a day per round, and the ledger, the classification
 * and every pin rule are asserted through the CLI, as a user runs it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { runMain } from '../helpers/cli.ts';
import { corpusDir, fixture, fixturesMissing } from '../helpers/fixtures.ts';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';

const run = promisify(execFile);
const skip = fixturesMissing();
const day = 86_400_000;
const start = Date.parse('2026-11-01T08:00:00Z');

let registry: TestRegistry;
let work: string;
let env: Record<string, string>;
const tag = () => `${registry.host}/mon/app:stable`;

function at(days: number): string {
  return new Date(start + days * day).toISOString();
}

async function sgci(args: readonly string[], days: number) {
  return runMain(args, { env: { ...env, SGCI_NOW: at(days) } });
}

async function skopeoCopy(source: string, extra: readonly string[] = []): Promise<void> {
  await run(
    'skopeo',
    ['--insecure-policy', 'copy', '--quiet', '--dest-tls-verify=false', ...extra, source, `docker://${tag()}`],
    { maxBuffer: 16 * 1024 * 1024 },
  );
}

function sha256(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Writes a JSON document as a blob of an OCI layout; returns its descriptor fields. */
async function putJson(dir: string, value: unknown): Promise<{ digest: string; size: number }> {
  const bytes = Buffer.from(JSON.stringify(value));
  const digest = sha256(bytes);
  await writeFile(join(dir, 'blobs', 'sha256', digest.slice(7)), bytes);
  return { digest, size: bytes.length };
}

async function getJson(dir: string, digest: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(dir, 'blobs', 'sha256', digest.slice(7)), 'utf8'));
}

async function manifestOf(dir: string): Promise<{ digest: string; size: number; mediaType: string }> {
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8'));
  return index.manifests[0];
}

/** A copy of a fixture layout whose config carries one more label: the same layers, another config. */
async function relabelled(name: 'node-app', label: string): Promise<string> {
  const dir = join(work, `${name}-${label}`);
  await cp(fixture(name).ociDir, dir, { recursive: true });
  const entry = await manifestOf(dir);
  const manifest = await getJson(dir, entry.digest);
  const configDescriptor = manifest.config as { digest: string; size: number; mediaType: string };
  const config = await getJson(dir, configDescriptor.digest);
  const inner = (config.config ?? {}) as Record<string, unknown>;
  config.config = { ...inner, Labels: { ...((inner.Labels as object) ?? {}), 'org.example.build': label } };
  const newConfig = await putJson(dir, config);
  const newManifest = await putJson(dir, { ...manifest, config: { ...configDescriptor, ...newConfig } });
  await writeFile(
    join(dir, 'index.json'),
    JSON.stringify({ schemaVersion: 2, manifests: [{ ...entry, ...newManifest }] }),
  );
  return dir;
}

/** A layout whose one image is an index: `amd64` from one layout, an arm64 entry from another's manifest. */
async function twoPlatforms(amd64Dir: string, arm64Dir: string, name: string): Promise<string> {
  const dir = join(work, name);
  await cp(amd64Dir, dir, { recursive: true });
  await cp(join(arm64Dir, 'blobs'), join(dir, 'blobs'), { recursive: true });
  const amd64 = await manifestOf(amd64Dir);
  const arm64 = await manifestOf(arm64Dir);
  const index = await putJson(dir, {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      {
        mediaType: amd64.mediaType,
        digest: amd64.digest,
        size: amd64.size,
        platform: { os: 'linux', architecture: 'amd64' },
      },
      {
        mediaType: arm64.mediaType,
        digest: arm64.digest,
        size: arm64.size,
        platform: { os: 'linux', architecture: 'arm64' },
      },
    ],
  });
  await writeFile(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', ...index }],
    }),
  );
  return dir;
}

async function deleteManifest(digest: string): Promise<void> {
  const response = await fetch(`${registry.url}/v2/mon/app/manifests/${digest}`, { method: 'DELETE' });
  assert.equal(response.status, 202, `DELETE ${digest}`);
}

interface HistoryJson {
  entries: {
    tag: string;
    platform: string;
    digest: string;
    firstSeen: string;
    lastSeen: string;
    change: string | null;
  }[];
}

before(async () => {
  if (skip) return;
  registry = await startRegistry();
  work = await mkdtemp(join(tmpdir(), 'sgci-monitor-'));
  await mkdir(join(work, 'home'));
  env = { SGCI_HOME: join(work, 'home'), XDG_CACHE_HOME: join(work, 'cache'), DATABASE_URL: '' };
  const imported = await runMain(['db', 'import', join(corpusDir(), 'osv', 'npm')], { env });
  assert.equal(imported.code, 0, imported.stderr);
});

after(async () => {
  if (skip) return;
  await registry.stop();
  await rm(work, { recursive: true, force: true });
});

test('a tag moved through eight rounds: ledger, classification, alarms and pins', { skip }, async () => {
  const added = await sgci(['monitor', 'add', tag(), '--every', '1h'], 0);
  assert.equal(added.code, 0, added.stderr);

  const rounds: Record<string, unknown>[] = [];
  const round = async (days: number) => {
    const result = await sgci(['monitor', 'run', '-o', 'json'], days);
    assert.ok(result.code === 0 || result.code === 1, result.stderr);
    const parsed = JSON.parse(result.stdout);
    rounds.push(parsed);
    return parsed;
  };

  // day 0: node-app as the registry stores an OCI manifest
  await skopeoCopy(`oci:${fixture('node-app').ociDir}`);
  const first = await round(0);
  assert.equal(first.changes.length, 1);
  assert.equal(first.changes[0].change, null);
  // day 1: nothing moved: one HEAD, nothing else
  const quiet = await round(1);
  assert.deepEqual([quiet.checked, quiet.unchanged, quiet.changes.length, quiet.requests], [1, 1, 0, 1]);
  // day 2: the same image as a Docker v2 schema 2 manifest: another digest, the same content
  await skopeoCopy(`oci:${fixture('node-app').ociDir}`, ['--format', 'v2s2']);
  await round(2);
  // day 3: the same layers with another config
  const labelled = await relabelled('node-app', 'rebuild-1');
  await skopeoCopy(`oci:${labelled}`);
  await round(3);
  // day 4: an index whose amd64 image is day 3's; day 5: only its arm64 image changes
  await skopeoCopy(`oci:${await twoPlatforms(labelled, fixture('python-app').ociDir, 'index-1')}`, ['--all']);
  await round(4);
  await skopeoCopy(`oci:${await twoPlatforms(labelled, fixture('distroless-static').ociDir, 'index-2')}`, ['--all']);
  await round(5);
  // day 6: another image altogether: the npm packages and their vulnerabilities are gone
  await skopeoCopy(`oci:${fixture('distroless-static').ociDir}`);
  const rebuilt = await round(6);
  // day 7: the tag moves back to day 0's digest
  await skopeoCopy(`oci:${fixture('node-app').ociDir}`);
  const back = await round(7);

  const history = await sgci(['monitor', 'history', tag(), '-o', 'json'], 7);
  const { entries } = JSON.parse(history.stdout) as HistoryJson;
  assert.deepEqual(
    entries.map((e) => e.change),
    [
      null,
      'identical-content',
      'metadata-only',
      'other-platform-only',
      'other-platform-only',
      'packages-changed',
      'packages-changed',
    ],
  );
  assert.deepEqual(Object.keys(entries[0] ?? {}), ['tag', 'platform', 'digest', 'firstSeen', 'lastSeen', 'change']);
  assert.equal(entries[0]?.firstSeen, at(0));
  assert.equal(entries[0]?.lastSeen, at(1), 'the unchanged round moved last seen forward');
  assert.equal(entries[6]?.digest, entries[0]?.digest);
  assert.deepEqual(
    entries.map((e) => e.firstSeen),
    [0, 2, 3, 4, 5, 6, 7].map(at),
  );

  const diff = rebuilt.changes[0].change;
  assert.equal(diff.kind, 'packages-changed');
  assert.ok(diff.sbom.removed.includes('pkg:npm/lodash@4.17.20'), 'the npm packages went');
  assert.deepEqual(
    diff.vulns.fixed.filter((v: { severity: string }) => v.severity === 'HIGH').map((v: { id: string }) => v.id),
    ['CVE-2021-23337', 'CVE-2022-24999', 'CVE-2024-45296', 'CVE-2024-45590'],
  );
  assert.deepEqual(diff.vulns.introduced, []);
  assert.equal(back.changes[0].change.vulns.introduced.length, 10, 'moving back brings them back');
  assert.deepEqual(
    back.alarms.map((a: { kind: string }) => a.kind),
    ['tag-moved-back'],
  );

  const csv = await sgci(['monitor', 'history', tag(), '-o', 'csv'], 7);
  assert.equal(csv.stdout.split('\r\n')[0], 'tag,platform,digest,firstSeen,lastSeen,change');
  assert.equal(csv.stdout.split('\r\n').length, 9);

  // pins at day 7.5. Age alone, 3 days: the newest digest first seen by day 4.5 is day 4's index
  const byAge = await sgci(['monitor', 'pin', tag(), '--min-age', '3d', '--no-scan'], 7.5);
  assert.equal(byAge.code, 0, byAge.stderr);
  assert.equal(byAge.stdout, `${registry.host}/mon/app@${entries[3]?.digest}\n`);
  // a longer age would go back to day 2's digest: a pin never moves back
  const longer = await sgci(['monitor', 'pin', tag(), '--min-age', '5d', '--no-scan', '-o', 'json'], 7.5);
  const kept = JSON.parse(longer.stdout);
  assert.deepEqual([kept.digest, kept.rule], [entries[3]?.digest, 'current-pin']);
  // with scans: day 4's amd64 image has four high findings whose clock runs; day 6's digest fixes them
  const override = await sgci(['monitor', 'pin', tag(), '--min-age', '3d'], 7.5);
  assert.equal(override.stdout, `${registry.host}/mon/app@${entries[5]?.digest}\n`);
  assert.match(override.stderr, /sla-override: younger than --min-age/);
  assert.match(override.stderr, /CVE-2021-23337 HIGH pkg:npm\/lodash@4\.17\.20/);
  assert.match(override.stderr, /ALARM .* tag-moved-back/);

  // time-to-patch at day 7.5: the four high findings were fixed by day 6's digest
  const report = JSON.parse((await sgci(['monitor', 'report', tag(), '-o', 'json'], 7.5)).stdout);
  assert.equal(report.rebuilds, 3, 'metadata-only and the two packages-changed moves; not the manifest-only ones');
  const lodash = report.patched.find((p: { id: string }) => p.id === 'CVE-2021-23337');
  assert.equal(lodash.patchedAt, at(6));
  assert.equal(lodash.hours, (Date.parse(at(6)) - Date.parse('2021-05-06T16:05:51.000Z')) / 3_600_000);
  assert.equal(lodash.withinSla, false);
  const high = report.bySeverity.find((s: { severity: string }) => s.severity === 'HIGH');
  assert.deepEqual([high.fixed, high.withinSla], [4, 0]);
  assert.ok(high.p50Hours <= high.p90Hours);
  assert.equal(report.digest, entries[6]?.digest);
  assert.equal(report.open.length, 10, 'the tag moved back: every clock runs again');
  const page = await sgci(['monitor', 'report', tag(), '-o', 'html', '--lang', 'de', '--no-scan'], 7.5);
  assert.match(page.stdout, /^<!doctype html>\n<html lang="de">/);
  assert.match(page.stdout, /<h2>Zeit bis zum Patch<\/h2>/);
  assert.doesNotMatch(page.stdout, /<script|https?:\/\//);

  // the signed export: an auditor verifies it with the public key alone
  const keyEnv = { ...env, SGCI_PASSWORD: 'monitor test' };
  const prefix = join(work, 'audit');
  assert.equal((await runMain(['key', 'generate', '--output-key-prefix', prefix], { env: keyEnv })).code, 0);
  const exportFile = join(work, 'history.dsse.json');
  const exported = await runMain(['monitor', 'export', tag(), '--key', `${prefix}.key`, '--output-file', exportFile], {
    env: { ...keyEnv, SGCI_NOW: at(7.5) },
  });
  assert.equal(exported.code, 0, exported.stderr);
  const verified = await sgci(['monitor', 'verify-export', exportFile, '--key', `${prefix}.pub`, '-o', 'json'], 8);
  assert.equal(verified.code, 0, verified.stderr);
  const predicate = JSON.parse(verified.stdout);
  assert.deepEqual(
    predicate.entries.map((e: { digest: string }) => e.digest),
    entries.map((e) => e.digest),
  );
  assert.equal(predicate.exportedAt, at(7.5));
  const envelope = JSON.parse(await readFile(exportFile, 'utf8'));
  const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8'));
  statement.predicate.entries[5].firstSeen = at(5.5);
  envelope.payload = Buffer.from(JSON.stringify(statement)).toString('base64');
  await writeFile(exportFile, JSON.stringify(envelope));
  const tampered = await sgci(['monitor', 'verify-export', exportFile, '--key', `${prefix}.pub`], 8);
  assert.equal(tampered.code, 2);
  assert.match(tampered.stderr, /no signature verifies with the given key/);

  // the pinned digest vanishes from the registry: the next round says so, once
  await deleteManifest(entries[5]?.digest ?? '');
  const vanished = await round(8);
  assert.deepEqual(
    vanished.alarms.map((a: { kind: string; digest: string }) => [a.kind, a.digest]),
    [['pin-vanished', entries[5]?.digest]],
  );
  assert.deepEqual((await round(9)).alarms, []);
  // the tag itself is deleted
  await deleteManifest(entries[6]?.digest ?? '');
  const deleted = await round(10);
  assert.deepEqual(
    deleted.alarms.map((a: { kind: string }) => a.kind),
    ['tag-deleted'],
  );
  const list = JSON.parse((await sgci(['monitor', 'list', '-o', 'json'], 10)).stdout);
  assert.equal(list.watches[0].pinned, entries[5]?.digest);
  assert.equal(rounds.length, 11);
});
