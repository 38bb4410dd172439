import type { FileNeeds, PassPart } from '../oci/index.ts';
import type { Policy } from '../policy/index.ts';
import type { Check, CheckImage, PassContext } from './check.ts';
import { createDigestSink, type LayerReader } from './facts/file-digests.ts';
import { checks as allChecks } from './registry.ts';
import { actionFor, evaluatePass, type PassResults } from './runner.ts';

/** The files the checks read, merged and sorted: declared before the single pass over the layers. */
export function checkNeeds(image: CheckImage | undefined, checks: readonly Check[] = allChecks): FileNeeds {
  const paths = new Set<string>();
  const globs = new Set<string>();
  for (const check of checks) {
    const needs = [check.needs, image && check.needsFor ? check.needsFor(image) : undefined];
    for (const n of needs) {
      for (const p of n?.paths ?? []) paths.add(p);
      for (const g of n?.globs ?? []) globs.add(g);
    }
  }
  return { paths: [...paths].sort(), globs: [...globs].sort() };
}

/**
 * Compressed layers from which an image counts as large: where its scan's peak RSS, not its seconds, is what to
 * keep down (the polyglot bench image is 185 MB, the largest fixture 64 MB).
 */
const largeImageBytes = 128 * 1024 * 1024;

function isLarge(image: CheckImage): boolean {
  return image.layers.reduce((sum, layer) => sum + layer.size, 0) >= largeImageBytes;
}

/**
 * The checks' part of the single pass: the files the enabled checks read, the digest sink only when an enabled check
 * needs file digests (SGCI-COMP-003: hashing every packaged file is a fifth of a scan), and the finish step that
 * evaluates the filesystem checks. Dispose it when the pass is over, however it ended. `reread` reads layers
 * again for the file digests the pass left out (see DigestPlan).
 */
export function checksPass(
  image: CheckImage,
  policy: Policy,
  checks: readonly Check[] = allChecks,
  reread?: LayerReader,
): PassPart<Omit<PassContext, 'fileDigests'>, PassResults> & AsyncDisposable {
  const enabled = checks.filter((c) => actionFor(c, policy) !== 'off');
  const digests = enabled.some((c) => c.passFacts?.includes('file-digests'))
    ? createDigestSink({ ...(reread ? { reread } : {}), waitForBoot: isLarge(image) })
    : undefined;
  return {
    needs: { ...checkNeeds(image, enabled), ...(digests ? { sinks: [digests.sink] } : {}) },
    async finish(ctx) {
      return evaluatePass({ ...ctx, ...(digests ? { fileDigests: await digests.result() } : {}) }, enabled);
    },
    async [Symbol.asyncDispose]() {
      await digests?.[Symbol.asyncDispose]();
    },
  };
}
