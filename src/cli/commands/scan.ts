import { join } from 'node:path';
import { type Command, Option } from 'commander';
import { loadSigner, planAttestations, pushPlan, readPassword, resolveImage, type Signer } from '../../attest/index.ts';
import { type Digest, SgciError, writeFileAtomic } from '../../core/index.ts';
import { parseImageReference, type RegistryReference } from '../../oci/reference/index.ts';
import { renderHtml, renderJson, renderSarif, statusLabel } from '../../report/index.ts';
import { encodeSbom } from '../../sbom/index.ts';
import { type ScanAttestation, scanAttestations } from '../../scan/index.ts';
import type { VulnReport } from '../../vuln/types.ts';
import { exitCodes } from '../exit-codes.ts';
import { addImageOptions } from '../image-options.ts';
import { writeOut } from '../output.ts';
import { type CheckInputsOptions, evaluationTime, readCheckInputs, scanFromCli } from './check.ts';
import { registryFromCli } from './sign.ts';

/**
 * `--attest` is checked and the key opened before the image is read, so a local image, a missing `--key` or a
 * wrong password fail in a second (exit 2) instead of after the scan; nothing is pushed in those cases.
 */
async function attestSetup(
  input: string,
  opts: Record<string, unknown>,
): Promise<{ ref: RegistryReference; signer: Signer } | undefined> {
  if (!opts.attest) {
    if (opts.key !== undefined) throw new SgciError('USAGE', '--key', 'is only used with --attest');
    return undefined;
  }
  const parsed = parseImageReference(input);
  if (parsed.kind !== 'registry') {
    throw new SgciError('USAGE', input, '--attest needs a registry image: attestations are stored beside the image');
  }
  if (opts.key === undefined) throw new SgciError('USAGE', '--attest', 'needs --key (the private signing key)');
  if (opts.passwordStdin) {
    // stdin is read once, for the image pull; the push needs the password again
    throw new SgciError('USAGE', '--attest', 'cannot be used with --password-stdin: set SGCI_REGISTRY_PASSWORD');
  }
  const signer = await loadSigner(String(opts.key), () => readPassword('Enter password for private key: '));
  return { ref: parsed.ref, signer };
}

/** Signs the scan's SBOM and VEX for the scanned manifest digest and pushes both in one `.att` manifest. */
async function attachAttestations(
  setup: { ref: RegistryReference; signer: Signer },
  digest: Digest,
  items: readonly ScanAttestation[],
  opts: Record<string, unknown>,
): Promise<string> {
  await using registry = await registryFromCli(opts);
  const resolved = await resolveImage(registry, {
    registry: setup.ref.registry,
    repository: setup.ref.repository,
    digest,
  });
  const plan = await planAttestations(registry, resolved, setup.signer, items);
  const pushed = await pushPlan(registry, plan);
  return pushed.map((p) => `${p.ref} (${p.digest})`).join(', ');
}

/** What vulns.json holds when matching could not run: the VulnReport shape, empty, with the reason in notes. */
function emptyVulnReport(subject: VulnReport['subject'], note: string, now: Date): VulnReport {
  return {
    schemaVersion: '1.0.0',
    subject,
    matches: [],
    summary: {
      active: { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, NONE: 0, UNKNOWN: 0 },
      suppressed: 0,
      osOwnedUpstream: 0,
      overdue: 0,
    },
    database: { advisories: 0 },
    evaluatedAt: now.toISOString(),
    notes: [note],
  };
}

export function registerScan(program: Command): void {
  addImageOptions(
    program
      .command('scan')
      .description(
        'SBOM + vulnerabilities + hardening checks from one pass over the layers; writes the reports to --out',
      )
      .argument('<image>', 'image reference: NAME[:TAG][@DIGEST], oci-dir:, oci-archive:, docker-archive:, dir:')
      .option(
        '--out <dir>',
        'directory for sbom.cdx.json, vulns.json, checks.json, report.html, report.sarif',
        'sgci-scan',
      )
      .option('--dockerfile <file>', 'the Dockerfile the image was built from')
      .option('--manifests <file|dir>', 'Kubernetes manifests or rendered Helm output')
      .option('--policy <file>', 'sgci-policy.yaml (default: the built-in policy)')
      .addOption(
        new Option('--lang <lang>', 'language of report.html and the summary').choices(['de', 'en']).default('de'),
      )
      .option(
        '--now <time>',
        'evaluate ages, SLA deadlines and exception expiry at this ISO time (reproducible reports)',
      )
      .option(
        '--attest',
        'registry images: attach the SBOM (CycloneDX) and the VEX (OpenVEX) as signed attestations, as cosign does',
      )
      .option('--key <path>', 'private key for --attest (cosign format, PKCS#8 or SEC1 PEM)'),
  ).action(async (input: string, opts: Record<string, unknown>) => {
    const inputs = await readCheckInputs(opts as CheckInputsOptions);
    const out = String(opts.out);
    const now = evaluationTime(opts.now);
    const attest = await attestSetup(input, opts);
    const gateFailed = await scanFromCli(input, opts, inputs, now, async (image, result) => {
      const vulns =
        result.vulns ??
        emptyVulnReport(result.sbom.subject, result.vulnNote ?? 'vulnerability matching did not run', now);
      const sbomText = encodeSbom(result.sbom, 'cyclonedx-json');
      const predicates =
        attest && image.digest ? await scanAttestations(sbomText, vulns, attest.ref, image.digest) : undefined;
      const files: [string, string][] = [
        ['sbom.cdx.json', sbomText],
        ['vulns.json', `${JSON.stringify(vulns, null, 2)}\n`],
        ['checks.json', renderJson(result.report)],
        ['report.html', renderHtml(result.report, inputs.lang)],
        ['report.sarif', renderSarif(result.report)],
      ];
      for (const item of predicates ?? []) if (item.file !== 'sbom.cdx.json') files.push([item.file, item.text]);
      for (const [name, text] of files) await writeFileAtomic(join(out, name), text);
      const t = result.report.summary.byResult;
      const lines = [
        `${result.report.image.reference}${result.report.image.digest ? `@${result.report.image.digest}` : ''}`,
        `SBOM: ${result.sbom.packages.length} packages`,
        result.vulns
          ? `vulnerabilities: ${result.vulns.matches.length} findings (${
              Object.entries(result.vulns.summary.active)
                .filter(([, n]) => n > 0)
                .map(([s, n]) => `${n} ${s}`)
                .join(', ') || 'none active'
            })`
          : `vulnerabilities: not matched (${result.vulnNote})`,
        `secrets: ${result.secrets.length} findings`,
        `checks: ${(['fail', 'warn', 'manual', 'not-applicable', 'pass'] as const).map((s) => `${t[s]} ${statusLabel(s, inputs.lang)}`).join(', ')}`,
        `gate: ${result.report.gate.failed ? 'FAILED' : 'passed'}`,
        `written: ${files.map(([n]) => join(out, n)).join(', ')}`,
      ];
      if (attest && predicates && image.digest) {
        // after the reports are written: a failed push (exit 2) still leaves the scan's results on disk
        const pushed = await attachAttestations(attest, image.digest, predicates, opts);
        lines.push(`attested: SBOM (CycloneDX) and VEX (OpenVEX) in ${pushed}`);
      }
      await writeOut(`${lines.join('\n')}\n`);
      return result.report.gate.failed;
    });
    process.exitCode = gateFailed ? exitCodes.gateFailed : exitCodes.ok;
  });
}
