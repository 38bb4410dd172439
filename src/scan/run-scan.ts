import { catalogPass, compareStrings, type Sbom, sbomSubjectOf } from '../catalog/index.ts';
import type { AttestationInput, LayerReader, PassResults, VulnInput } from '../checks/index.ts';
import { SgciError, toolVersion, type Unknown } from '../core/index.ts';
import { mergeNeeds } from '../oci/fs/index.ts';
import { describeImage, type ImageDescription } from '../oci/image/index.ts';
import type { FileNeeds, Image } from '../oci/index.ts';
import type { SecretScan } from '../secrets/index.ts';
import { type CachedScan, scanCacheKey } from './cache.ts';
import type { ChecksOutcome, ScanDeps, ScanOutcome, ScanRequest, VulnOutcome } from './request.ts';

const notMatched = {
  en: 'vulnerability matching is not available in this run',
  de: 'ein Abgleich mit Schwachstellendaten ist in diesem Lauf nicht verfügbar',
};

/**
 * The one pipeline, for every entry point (`sgci sbom|vulns|check|scan`, the server's jobs, the monitor):
 * open the image → one pass over its layers with the merged needs of catalogers, secret scanner and checks (or the
 * stored results of an earlier pass over the same digest) → SBOM → vulnerabilities with VEX and SLA → checks →
 * report. Nothing is read twice; nothing here parses flags or prints.
 */
export async function runScan(request: ScanRequest, deps: ScanDeps = {}): Promise<ScanOutcome> {
  const started = performance.now();
  const subject = request.subject;
  if ('sbom' in subject) {
    if (request.needs.checks) throw new SgciError('USAGE', subject.input, 'checks need an image, not an SBOM file');
    return finish(request, deps, undefined, { sbom: subject.sbom }, false, started, { open: 0, pass: 0 });
  }
  let image: Image;
  if ('image' in subject) image = subject.image;
  else {
    if (!deps.openImage) throw new SgciError('USAGE', subject.reference, 'no image opener for this scan');
    image = await deps.openImage(subject.reference);
  }
  try {
    const opened = performance.now();
    const description = describeImage(image);
    const key = deps.cache ? scanCacheKey(description, request.policy, request) : undefined;
    const stored = key ? await deps.cache?.get(key) : undefined;
    // a stored scan of the same content, named as this request names it (a tag then, a digest now)
    const usable =
      stored && (!request.needs.checks || (stored.secrets && stored.pass))
        ? { ...stored, sbom: { ...stored.sbom, subject: sbomSubjectOf(description) } }
        : undefined;
    const layers = usable ?? (await readLayers(image, description, request));
    if (key && !usable) await deps.cache?.put(key, layers, description);
    return await finish(request, deps, description, layers, usable !== undefined, started, {
      open: opened - started,
      pass: performance.now() - opened,
    });
  } finally {
    if (!('image' in subject)) await image[Symbol.asyncDispose]();
  }
}

/** The single pass: every consumer declares its needs, each layer is read once, then each finishes. */
async function readLayers(image: Image, description: ImageDescription, request: ScanRequest): Promise<CachedScan> {
  const options = {
    ...(request.limits ? { limits: request.limits } : {}),
    ...(request.signal ? { signal: request.signal } : {}),
  };
  const catalog = catalogPass(description, options);
  // the checks, the secret scanner and the report load only when asked for: `sgci sbom` starts without them
  const { checksPass } = request.needs.checks ? await import('../checks/index.ts') : { checksPass: undefined };
  const { secretsPass } = request.needs.checks ? await import('../secrets/index.ts') : { secretsPass: undefined };
  const secrets = secretsPass?.(description.config);
  // digests the pass left out are taken from only the layers that hold their files, as the pass reads them
  const reread: LayerReader = async (layers, sink) => {
    await image.filesystem({ sinks: [sink] }, layers);
  };
  await using checks = checksPass?.(description, request.policy, undefined, reread);
  const needs: FileNeeds[] = [catalog.needs];
  if (secrets) needs.push(secrets.needs);
  if (checks) needs.push(checks.needs);
  const fs = await image.filesystem(mergeNeeds(...needs));
  const sbom = await catalog.finish(fs);
  if (!secrets || !checks) return { sbom };
  const secretScan = await secrets.finish(fs);
  const pass = await checks.finish({
    image: description,
    fs,
    sbom,
    secrets: secretScan.findings,
    policy: request.policy,
    ...(request.dockerfile ? { dockerfile: request.dockerfile } : {}),
    ...(request.manifests ? { manifests: request.manifests } : {}),
  });
  return { sbom, secrets: secretScan, pass };
}

async function finish(
  request: ScanRequest,
  deps: ScanDeps,
  image: ImageDescription | undefined,
  layers: { sbom: Sbom; secrets?: SecretScan; pass?: PassResults },
  cached: boolean,
  started: number,
  timings: { open: number; pass: number },
): Promise<ScanOutcome> {
  const { sbom } = layers;
  const matchStarted = performance.now();
  const vulns = request.needs.vulns || request.needs.checks ? await matchVulns(request, deps, sbom) : undefined;
  const checksStarted = performance.now();
  const checks =
    request.needs.checks && image && layers.secrets && layers.pass
      ? await judge(request, deps, image, sbom, layers.secrets, layers.pass, vulns)
      : undefined;
  const end = performance.now();
  const unknowns: Unknown[] = [...sbom.unknowns, ...(layers.secrets?.unknowns ?? [])].sort(
    (a, b) => compareStrings(a.path, b.path) || (a.layer ?? -1) - (b.layer ?? -1) || compareStrings(a.reason, b.reason),
  );
  return {
    ...(image ? { image } : {}),
    sbom,
    ...(vulns ? { vulns } : {}),
    ...(checks ? { checks } : {}),
    ...(layers.secrets ? { secrets: layers.secrets.findings } : {}),
    unknowns,
    cached,
    timings: {
      ...timings,
      match: checksStarted - matchStarted,
      checks: end - checksStarted,
      total: end - started,
    },
  };
}

/** Matches the SBOM with the request's VEX and the policy's SLA, or says why it could not. */
async function matchVulns(request: ScanRequest, deps: ScanDeps, sbom: Sbom): Promise<VulnOutcome> {
  // the policy's modules load with a run that judges: a run on the built-in policy loads only it (issue 17)
  const { slaPolicyOf } = await import('../policy/index.ts');
  const matched = deps.matcher
    ? await deps.matcher(sbom, {
        vex: request.vex ?? [],
        notes: request.notes ?? [],
        sla: slaPolicyOf(request.policy),
        now: request.now,
      })
    : { unavailable: notMatched.en, unavailableDe: notMatched.de };
  if ('report' in matched) return { report: matched.report, matched: true };
  const { unmatchedReport } = await import('../vuln/results/index.ts');
  return {
    report: unmatchedReport(sbom, matched.unavailable, request.now),
    matched: false,
    unavailable: { en: matched.unavailable, de: matched.unavailableDe },
  };
}

async function judge(
  request: ScanRequest,
  deps: ScanDeps,
  image: ImageDescription,
  sbom: Sbom,
  secrets: SecretScan,
  pass: PassResults,
  vulns: VulnOutcome | undefined,
): Promise<ChecksOutcome> {
  const attestations: AttestationInput | undefined = await deps.verifyAttestations?.(image);
  const vulnInput: VulnInput =
    vulns?.matched === true
      ? { available: true, findings: vulns.report.matches, advisories: vulns.report.database.advisories }
      : {
          available: false,
          reason: vulns?.unavailable?.en ?? notMatched.en,
          reasonDe: vulns?.unavailable?.de ?? notMatched.de,
        };
  const { judgeChecks } = await import('../checks/index.ts');
  const { buildReport } = await import('../report/index.ts');
  const run = await judgeChecks(
    {
      image,
      sbom,
      secrets: secrets.findings,
      vulns: vulnInput,
      policy: request.policy,
      now: request.now,
      ...(request.dockerfile ? { dockerfile: request.dockerfile } : {}),
      ...(request.manifests ? { manifests: request.manifests } : {}),
      ...(attestations ? { attestations } : {}),
    },
    pass,
  );
  const report = buildReport(run, {
    toolVersion,
    now: request.now,
    image,
    ...(request.dockerfile ? { dockerfile: request.dockerfile.path } : {}),
    ...(request.manifests ? { manifests: request.manifests.source } : {}),
    sbomPackages: sbom.packages.length,
    vulnerabilities: vulnInput.available
      ? { available: true, findings: vulnInput.findings.length }
      : { available: false, note: vulnInput.reason, noteDe: vulnInput.reasonDe },
    secretsScanned: true,
    attestations: attestations
      ? { verified: true, ...(attestations.error ? { note: attestations.error } : {}) }
      : { verified: false, note: 'signatures and attestations were not verified in this run' },
    policy: { name: request.policy.name, digest: request.policy.digest },
  });
  return { run, report };
}
