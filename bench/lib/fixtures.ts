import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FixtureName, fixture, fixtureNames } from '../../test/helpers/fixtures.ts';
import { quick } from './headline.ts';

/**
 * The compressed layer blobs of a fixture's OCI layout, for the floor (`gzip -dc` of them): the
 * least work any tool reading the image must do.
 */
export function layerBlobs(name: FixtureName): string[] {
  return layoutLayerBlobs(fixture(name).ociDir);
}

/** The compressed layer blobs of the image in an OCI layout directory. */
export function layoutLayerBlobs(dir: string): string[] {
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
  const blob = (digest: string) => join(dir, 'blobs', ...digest.split(':'));
  const manifest = JSON.parse(readFileSync(blob(index.manifests[0].digest), 'utf8'));
  return manifest.layers.map((l: { digest: string }) => blob(l.digest));
}

/**
 * `[--runs N] [fixture ...]`: how many runs each figure takes the fastest of (default 3, 1 with `--quick`), and
 * which fixtures (all).
 */
export function benchArguments(args: readonly string[]): { runs: number; fixtures: FixtureName[] } {
  const at = args.indexOf('--runs');
  const runs = at >= 0 ? Math.max(1, Number(args[at + 1])) : quick ? 1 : 3;
  const named = args.filter((a): a is FixtureName => (fixtureNames as readonly string[]).includes(a));
  return { runs, fixtures: named.length > 0 ? named : [...fixtureNames] };
}
