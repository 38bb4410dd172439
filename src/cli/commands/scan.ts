import { join } from 'node:path';
import type { Command } from 'commander';
import type { Signer } from '../../attest/index.ts';
import { SgciError, writeFileAtomic } from '../../core/index.ts';
import { parseImageReference, type RegistryReference } from '../../oci/reference/index.ts';
import type { Lang } from '../../report/index.ts';
import { publishScanAttestations, type ScanOutcome, scanAttestations } from '../../scan/index.ts';
import { exitCodes } from '../exit-codes.ts';
import { addImageOptions, registryFromCli } from '../options.ts';
import { writeOut } from '../output.ts';
import {
  addCheckOptions,
  addScanCacheOption,
  addVulnOptions,
  checkImageFromCli,
  langOf,
  type ScanCliOptions,
} from '../scan-options.ts';

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
  // the signing modules load with --attest only
  const { loadSigner, readPassword } = await import('../../attest/index.ts');
  const signer = await loadSigner(String(opts.key), () => readPassword('Enter password for private key: '));
  return { ref: parsed.ref, signer };
}

/** The files `--out` receives: SBOM, vulnerabilities, checks, HTML report and SARIF with both runs. */
function scanFiles(
  outcome: ScanOutcome,
  sbomText: string,
  lang: Lang,
  { checkReporters, scanSarifReporter, vulnReporters }: typeof import('../../report/index.ts'),
): [string, string][] {
  const checks = outcome.checks?.report;
  const vulns = outcome.vulns?.report;
  if (!checks || !vulns) throw new Error('the scan ran no checks');
  const options = { lang, color: false };
  return [
    ['sbom.cdx.json', sbomText],
    [vulnReporters.json.fileName, vulnReporters.json.render(vulns)],
    [checkReporters.json.fileName, checkReporters.json.render(checks)],
    [checkReporters.html.fileName, checkReporters.html.render(checks, options)],
    [scanSarifReporter.fileName ?? 'report.sarif', scanSarifReporter.render({ checks, vulns }, options)],
  ];
}

export function registerScan(program: Command): void {
  addImageOptions(
    addScanCacheOption(
      addVulnOptions(
        addCheckOptions(
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
            .option(
              '--attest',
              'registry images: attach the SBOM (CycloneDX) and the VEX (OpenVEX) as signed attestations, as cosign does',
            )
            .option('--key <path>', 'private key for --attest (cosign format, PKCS#8 or SEC1 PEM)'),
        ),
      ),
    ),
  ).action(async (input: string, opts: Record<string, unknown>) => {
    const lang = langOf(opts as ScanCliOptions);
    const out = String(opts.out);
    const attest = await attestSetup(input, opts);
    const outcome = await checkImageFromCli(input, opts);
    // used after the pass only: not loaded before it, where the scan's start-up is serial time (issue 17)
    const [report, { encodeSbom }] = await Promise.all([
      import('../../report/index.ts'),
      import('../../sbom/index.ts'),
    ]);
    const sbomText = encodeSbom(outcome.sbom, 'cyclonedx-json');
    const digest = outcome.image?.digest;
    const predicates =
      attest && digest && outcome.vulns
        ? await scanAttestations(sbomText, outcome.vulns.report, attest.ref, digest)
        : undefined;
    const files = scanFiles(outcome, sbomText, lang, report);
    for (const item of predicates ?? []) if (item.file !== 'sbom.cdx.json') files.push([item.file, item.text]);
    for (const [name, text] of files) await writeFileAtomic(join(out, name), text);
    let attested: string[] | undefined;
    if (attest && predicates && digest) {
      // after the reports are written: a failed push (exit 2) still leaves the scan's results on disk
      await using registry = await registryFromCli(opts);
      attested = await publishScanAttestations(registry, attest.ref, digest, attest.signer, predicates);
    }
    const checks = outcome.checks?.report;
    const vulns = outcome.vulns;
    if (checks && vulns)
      await writeOut(
        report.renderScanSummary(
          {
            checks,
            vulns: vulns.report,
            ...(vulns.unavailable ? { vulnsUnavailable: vulns.unavailable } : {}),
            packages: outcome.sbom.packages.length,
            secrets: outcome.secrets?.length ?? 0,
            written: files.map(([name]) => join(out, name)),
            ...(attested ? { attested } : {}),
          },
          lang,
        ),
      );
    process.exitCode = outcome.checks?.report.gate.failed ? exitCodes.gateFailed : exitCodes.ok;
  });
}
