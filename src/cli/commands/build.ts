import type { Command } from 'commander';
import { isSgciError, SgciError, safeText } from '../../core/index.ts';
import { exitCodes } from '../exit-codes.ts';
import { collect } from '../flags.ts';
import type { ImageCliOptions } from '../options.ts';
import { addRegistryOptions, registryFromCli, registryReferenceOf } from '../options.ts';
import { writeOut } from '../output.ts';

interface BuildOptions extends ImageCliOptions {
  out?: string;
  push?: string;
  locked?: boolean;
  lock?: string;
  offline?: boolean;
  output: 'text' | 'json';
}

/** `--out oci-dir:PATH`: the one output form; the prefix keeps room for others and says what PATH becomes. */
function layoutPath(out: string): string {
  if (!out.startsWith('oci-dir:') || out.length === 'oci-dir:'.length)
    throw new SgciError('USAGE', out, '--out takes oci-dir:PATH (the OCI layout directory to write)');
  return out.slice('oci-dir:'.length);
}

interface VerifyOptions extends ImageCliOptions {
  key: string[];
  lock?: string;
  offline?: boolean;
}

/** `--lock` is `sgci build`'s option too: after `sgci build lock` or `verify`, commander may give it to the parent. */
function parentLock(command: Command): string | undefined {
  return command.parent?.opts<{ lock?: string }>().lock;
}

/**
 * A build the checks refused (SBOMs that disagree, a failed asserted check, the build-time policy, a lock that
 * differs) exits 1 like any failed gate; bad input stays 2.
 */
async function refusedAsGate<T>(build: Promise<T>): Promise<T | undefined> {
  try {
    return await build;
  } catch (error) {
    if (!isSgciError(error, 'BUILD_REFUSED')) throw error;
    process.stderr.write(`sgci: ${safeText(error.message)}\n`);
    process.exitCode = exitCodes.gateFailed;
    return undefined;
  }
}

/**
 * `sgci build FILE.yaml [--out oci-dir:PATH] [--push REF] [--locked]` and `sgci build lock FILE.yaml`: images from
 * verified Debian packages (src/build; docs/build.md).
 */
export function registerBuild(program: Command): void {
  const cmd = program
    .command('build')
    .description('build a minimal, reproducible image from verified Debian packages, with SBOM and provenance')
    .argument('<file>', 'the build file (YAML, apiVersion sgci.build/v1)')
    .option('--out <oci-dir:PATH>', 'write the OCI layout here (default: a temporary directory)')
    .option('--push <ref>', 'push to this registry reference; with outputs.signingKey, sign and attest it')
    .option('--locked', 'fail when the resolution differs from the lock (default when CI is set)')
    .option('--lock <file>', 'the lock file (default: FILE.lock.json beside the build file, e.g. static.lock.json)')
    .option('--offline', 'read the Debian files from the cache only, never the network');
  addRegistryOptions(cmd).action(async (file: string, opts: BuildOptions) => {
    const out = opts.out === undefined ? undefined : layoutPath(opts.out);
    const ref = opts.push === undefined ? undefined : registryReferenceOf(opts.push);
    const [{ runBuild }, { loadSigner, readPassword }] = await Promise.all([
      import('../../build/index.ts'),
      import('../../attest/index.ts'),
    ]);
    await using registry = ref ? await registryFromCli(opts) : undefined;
    const outcome = await refusedAsGate(
      runBuild({
        file,
        ...(out ? { out } : {}),
        locked: opts.locked ?? Boolean(process.env.CI),
        ...(opts.lock ? { lock: opts.lock } : {}),
        repository: { offline: opts.offline ?? false },
        checkedAt: new Date(),
        ...(ref && registry
          ? {
              push: {
                registry,
                target: { registry: ref.registry, repository: ref.repository },
                ...(ref.tag ? { tags: [ref.tag] } : {}),
              },
            }
          : {}),
        loadSigner: (key) => loadSigner(key, () => readPassword('Enter password for private key: ')),
        ...(process.env.SGCI_BUILDER_ID ? { builderId: process.env.SGCI_BUILDER_ID } : {}),
      }),
    );
    if (!outcome) return;
    if (opts.output === 'json') {
      await writeOut(
        `${JSON.stringify(
          {
            digest: outcome.image.digest,
            layout: outcome.image.layout,
            lock: outcome.lockPath,
            extraFiles: outcome.extraFiles,
            outputs: outcome.outputs,
            pushed: outcome.pushed ?? null,
            signed: outcome.signed,
            unchanged: outcome.unchanged ?? false,
            gates: outcome.gates,
            report: { ...outcome.image.report, reproducibility: outcome.reproducibility, phases: outcome.phases },
          },
          null,
          2,
        )}\n`,
      );
      return;
    }
    const lines = [
      `Built ${outcome.image.report.image} ${outcome.image.digest}`,
      `  layout ${outcome.image.layout}`,
      `  lock ${outcome.lockPath}`,
      `  built twice, one digest: ${outcome.reproducibility.environments.map((e) => `TZ=${e.tz} umask ${e.umask} ${e.locale}`).join(' | ')}`,
      ...outcome.extraFiles.filter((f) => f.packed).map((f) => `  packed ${f.uri} for ${f.path}: sha256 ${f.sha256}`),
      ...outcome.outputs.map((path) => `  wrote ${path}`),
      ...outcome.gates.map(
        (g) =>
          `  ${g.platform}: ${g.asserted.length} checks asserted, ${g.failed.length} failed (${g.asserted.map((c) => `${c.id} ${c.result}`).join(', ')})`,
      ),
      ...(outcome.unchanged ? [`Unchanged ${opts.push} (${outcome.pushed}): already published, nothing pushed`] : []),
      ...(outcome.pushed && !outcome.unchanged
        ? [`Pushed ${opts.push} (${outcome.pushed})${outcome.signed ? ', signed and attested' : ''}`]
        : []),
    ];
    await writeOut(`${lines.join('\n')}\n`);
  });
  addRegistryOptions(
    cmd
      .command('verify')
      .description('rebuild a published image from its build file and lock; its signed provenance must name them')
      .argument('<image>', 'the published image (registry reference)')
      .argument('<file>', 'the build file it was built from (its lock beside it)')
      .option('--key <path>', 'public key the provenance attestation is signed with (repeatable)', collect, [])
      .option('--lock <file>', 'the lock file (default: FILE.lock.json beside the build file)')
      .option('--offline', 'read the Debian files from the cache only, never the network'),
  ).action(async (image: string, file: string, opts: VerifyOptions, command: Command) => {
    const lock = opts.lock ?? parentLock(command);
    if (opts.key.length === 0)
      throw new SgciError('USAGE', '--key', 'give the public key the provenance is signed with');
    const ref = registryReferenceOf(image);
    const [{ verifyBuild }, { loadPublicKey }] = await Promise.all([
      import('../../build/index.ts'),
      import('../../attest/index.ts'),
    ]);
    const keys = [];
    for (const path of opts.key) keys.push({ name: path, key: await loadPublicKey(path) });
    await using registry = await registryFromCli(opts);
    const verified = await refusedAsGate(
      verifyBuild({
        file,
        registry,
        image: ref,
        keys,
        ...(lock ? { lock } : {}),
        repository: { offline: opts.offline ?? false },
        checkedAt: new Date(),
      }),
    );
    if (verified) await writeOut(`Verified ${image}: rebuilt from ${file} to the published ${verified.published}\n`);
  });
  // the reproducibility proof's second run (src/build/reproduce.ts): the same program in a child process
  cmd
    .command('reproduce', { hidden: true })
    .description('wait for the second-run input on stdin, then assemble it')
    .action(async () => {
      // the modules load before the input arrives: the first run is still resolving and downloading
      const { assembleAgain } = await import('../../build/index.ts');
      await writeOut(`${await assembleAgain(process.stdin)}\n`);
    });
  cmd
    .command('lock')
    .description('resolve the build file and write its lock (FILE.lock.json beside it)')
    .argument('<file>', 'the build file')
    .option('--lock <file>', 'write the lock here instead')
    .option('--offline', 'read the Debian files from the cache only, never the network')
    .action(async (file: string, opts: { lock?: string; offline?: boolean }, command: Command) => {
      const lock = opts.lock ?? parentLock(command);
      const { writeBuildLock } = await import('../../build/index.ts');
      const path = await writeBuildLock(file, {
        repository: { offline: opts.offline ?? false },
        ...(lock ? { lock } : {}),
      });
      await writeOut(`Wrote ${path}\n`);
    });
}
