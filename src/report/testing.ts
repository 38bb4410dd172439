/** A report over a synthetic image with every result kind, for renderer tests. */
import { runChecks } from '../checks/index.ts';
import { accountFiles, manifests, testContext, testFilesystem, testImage } from '../checks/testing.ts';
import { parsePolicy } from '../policy/index.ts';
import { buildReport } from './build.ts';
import type { ScanReport } from './model.ts';

export async function sampleReport(): Promise<ScanReport> {
  const image = testImage(
    {
      User: '10001',
      Labels: {
        'org.opencontainers.image.source': 'https://git.example/app',
        'org.opencontainers.image.resource.cpu': '1',
      },
    },
    { reference: 'registry.example/app:1.0' },
  );
  const fs = testFilesystem([
    ...accountFiles('app', 10001),
    { path: '/usr/bin/bash', mode: 0o755 },
    { path: '/usr/bin/su', mode: 0o4755 },
    { path: '/app/<script>&"quote".sh', mode: 0o755, content: '#!/bin/sh\n' },
  ]);
  const policy = parsePolicy(
    'version: "1"\nchecks: {SGCI-RUN-014: warn, SGCI-BUILD-011: off}\nexceptions:\n  - {check: SGCI-RUN-011, image: "registry.example/**", justification: "su needed <until> 2.0", approver: ISB, expires: "2026-12-31"}\n',
    'sgci-policy.yaml',
  );
  const ctx = testContext({
    image,
    fs,
    policy,
    secrets: [
      {
        rule: 'github-token',
        description: 'GitHub token',
        descriptionDe: 'GitHub-Token',
        severity: 'critical',
        location: 'file',
        path: '/app/.env',
        layer: 1,
        line: 2,
        fingerprint: 'ghp_…0123456789ab',
      },
    ],
    manifests: manifests(
      'kind: Pod\nmetadata: {name: web}\nspec:\n  containers: [{name: app, securityContext: {runAsNonRoot: true}}]\n',
    ),
    vulns: {
      available: false,
      reason: 'the advisory database is empty: run sgci db import',
      reasonDe: 'die Advisory-Datenbank ist leer: sgci db import ausführen',
    },
  });
  const run = await runChecks(ctx);
  return buildReport(run, {
    toolVersion: '0.1.0',
    now: ctx.now,
    image,
    manifests: 'deploy.yaml',
    sbomPackages: 0,
    vulnerabilities: {
      available: false,
      note: 'the advisory database is empty: run sgci db import',
      noteDe: 'die Advisory-Datenbank ist leer: sgci db import ausführen',
    },
    secretsScanned: true,
    attestations: { verified: false, note: 'not verified in this run' },
    policy: { name: policy.name, digest: policy.digest },
  });
}
