import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { predicateTypes, type RegistryAccess, resolveImage, type TrustedKey, verifyImage } from '../attest/index.ts';
import { type Digest, SgciError } from '../core/index.ts';
import type { RegistryReference } from '../oci/reference/index.ts';
import { readBuildFile } from './config.ts';
import { readLocalInputs } from './provenance/index.ts';
import type { ReproducibilityProof } from './reproduce.ts';
import { type ResolveBuildOptions, runBuild } from './run-build.ts';

/** The parts of an sgci provenance (src/build/provenance) a rebuild is held to. */
const ProvenanceParameters = z.object({
  buildDefinition: z.object({
    externalParameters: z.object({
      buildFile: z.object({ sha256: z.string() }),
      configDigest: z.string(),
    }),
    resolvedDependencies: z.array(z.object({ uri: z.string(), digest: z.record(z.string(), z.string()) })).default([]),
  }),
});

export interface VerifyBuildRequest extends ResolveBuildOptions {
  /** The build file the image was built from; its lock beside it (`lockPathOf`) unless `lock` names another. */
  readonly file: string;
  readonly registry: RegistryAccess;
  readonly image: RegistryReference;
  /** The keys the provenance attestation must be signed with. */
  readonly keys: readonly TrustedKey[];
  readonly checkedAt: Date;
}

export interface BuildVerification {
  readonly published: Digest;
  readonly rebuilt: Digest;
  /** The rebuild's own two runs. */
  readonly reproducibility: ReproducibilityProof;
}

/**
 * `sgci build verify IMAGE FILE` (issue 16, item 7): the provenance attached to the published image, verified with
 * the given keys, must name this build file (sha256); a locked rebuild from it must give the published digest.
 */
export async function verifyBuild(request: VerifyBuildRequest): Promise<BuildVerification> {
  const name = `${request.image.registry}/${request.image.repository}`;
  const published = request.image.digest ?? (await resolveImage(request.registry, request.image)).digest;
  const verification = await verifyImage(request.registry, request.image, published, request.keys, {
    want: { signatures: false, attestations: true },
  });
  const statement = verification.attestations.find(
    (a) => a.verified && a.predicateType === predicateTypes.slsaprovenance1,
  )?.statement;
  if (!statement)
    throw new SgciError('SIGNATURE_NOT_FOUND', name, `no SLSA provenance signed by the given keys on ${published}`);
  const parsed = ProvenanceParameters.safeParse(statement.predicate);
  if (!parsed.success) throw new SgciError('BUILD_REFUSED', name, 'the attached provenance is not an sgci build');
  const expected = parsed.data.buildDefinition.externalParameters;
  const { config } = await readBuildFile(request.file);
  const { buildFile } = await readLocalInputs(config, request.file);
  if (buildFile.sha256 !== expected.buildFile.sha256)
    throw new SgciError(
      'BUILD_REFUSED',
      request.file,
      `sha256 ${buildFile.sha256} is not the build file the provenance of ${published} names (${expected.buildFile.sha256})`,
    );
  const dir = await mkdtemp(join(tmpdir(), 'sgci-build-verify-'));
  try {
    const outcome = await runBuild({
      file: request.file,
      out: join(dir, 'oci'),
      locked: true,
      checkedAt: request.checkedAt,
      ...(request.repository ? { repository: request.repository } : {}),
      ...(request.now ? { now: request.now } : {}),
      ...(request.lock ? { lock: request.lock } : {}),
    });
    if (outcome.image.digest !== published) {
      // a directory packed at build time (files[].directory) is the likeliest difference: name it
      const named = new Map(
        parsed.data.buildDefinition.resolvedDependencies.map((d) => [d.uri, d.digest.sha256] as const),
      );
      const differing = outcome.extraFiles
        .filter((f) => named.has(f.uri) && named.get(f.uri) !== f.sha256)
        .map((f) => `; ${f.uri} (${f.path}) is sha256 ${f.sha256} here, the provenance names ${named.get(f.uri)}`);
      throw new SgciError(
        'BUILD_REFUSED',
        name,
        `the rebuild from ${request.file} and its lock gives ${outcome.image.digest}, not the published ${published}${differing.join('')}`,
      );
    }
    return { published, rebuilt: outcome.image.digest, reproducibility: outcome.reproducibility };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
