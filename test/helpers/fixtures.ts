import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The five images built by ../shared/fixtures/build-images.sh. */
export const fixtureNames = [
  'debian-full',
  'debian-ssh-secrets',
  'distroless-static',
  'node-app',
  'python-app',
] as const;
export type FixtureName = (typeof fixtureNames)[number];

/** Where build-images.sh wrote its output: `$SGCI_FIXTURES`, default `~/.cache/sgci-fixtures` (as .ci/run). */
export function fixturesDir(): string {
  return process.env.SGCI_FIXTURES ?? join(homedir(), '.cache', 'sgci-fixtures');
}

/** The shared corpus of real public data beside the repository. */
export function corpusDir(): string {
  return resolve(import.meta.dirname, '..', '..', '..', 'shared', 'corpus');
}

export function sharedDir(): string {
  return resolve(import.meta.dirname, '..', '..', '..', 'shared');
}

export interface FixturePaths {
  readonly ociDir: string;
  readonly ociArchive: string;
  readonly dockerArchive: string;
}

export function fixture(name: FixtureName): FixturePaths {
  const dir = fixturesDir();
  return {
    ociDir: join(dir, 'oci', name),
    ociArchive: join(dir, 'archives', `${name}.oci.tar`),
    dockerArchive: join(dir, 'archives', `${name}.docker.tar`),
  };
}

/**
 * A reason to skip fixture-based tests, or undefined when the fixtures are there.
 * Use as `test('…', { skip: fixturesMissing() }, …)`: node's runner prints the reason.
 */
export function fixturesMissing(): string | undefined {
  return existsSync(fixture('python-app').dockerArchive)
    ? undefined
    : `fixture images not built: run ../shared/fixtures/build-images.sh ${fixturesDir()} (as .ci/run does)`;
}
