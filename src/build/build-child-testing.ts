/**
 * Test support: one build in a process of its own, so a test can vary what a host varies (TZ, umask, locale,
 * temp dir) between two builds. Reads `{ yaml, packages, baseDir, layout }` as JSON from the file named by argv[2]
 * and prints the digest the layout's index.json names.
 */
import { readFileSync } from 'node:fs';
import { parseBuildConfig } from './config.ts';
import { assembleImage, type PlatformPackages } from './image/assemble.ts';

const input = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as {
  yaml: string;
  inputs: PlatformPackages[];
  baseDir: string;
  layout: string;
};
const built = await assembleImage(parseBuildConfig(input.yaml, 'build.yaml'), input.inputs, {
  layout: input.layout,
  baseDir: input.baseDir,
});
process.stdout.write(`${built.digest}\n`);
