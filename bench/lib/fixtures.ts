import { readFileSync, statSync } from 'node:fs';
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
 * Why a goal for passes that inflate layers side by side (issue 17 item 5: ≤ 0.5x `gzip -dc` on two cores) cannot
 * apply to an image: one layer holds more than half of its compressed bytes, and a gzip stream inflates on one core
 * (Node's zlib, about half of `gzip -dc`'s time), whatever the other layers do. Undefined where the layers can keep
 * two inflaters busy.
 */
export function oneLayerBound(blobs: readonly string[]): string | undefined {
  const sizes = blobs.map((blob) => statSync(blob).size);
  const total = sizes.reduce((sum, size) => sum + size, 0);
  const largest = sizes.reduce((most, size) => Math.max(most, size), 0);
  if (total === 0 || largest <= total / 2) return undefined;
  return `one layer holds ${Math.round((100 * largest) / total)} % of the compressed bytes, a stream one core inflates`;
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
