import type { FilesystemCheck } from '../check.ts';
import type { LocalizedEvidence } from '../evidence.ts';
import { findBinaries } from '../facts/binaries.ts';
import { ownerIndex, ownerNote } from '../facts/owners.ts';
import { missingInput } from '../missing-input.ts';
import { nist } from '../references.ts';

export const toolchains = [
  'gcc',
  'cc',
  'g++',
  'c++',
  'clang',
  'clang++',
  'go',
  'rustc',
  'cargo',
  'javac',
  'make',
  'cmake',
  'ld',
] as const;

/** Header/development packages by naming convention of each ecosystem. */
export function isDevPackage(name: string, ecosystem: string): boolean {
  if (ecosystem === 'deb' || ecosystem === 'apk') return /-dev$/.test(name) || /-headers$/.test(name);
  if (ecosystem === 'rpm') return /-devel$/.test(name) || /-headers$/.test(name);
  return false;
}

export const build005: FilesystemCheck = {
  id: 'SGCI-BUILD-005',
  section: 'BUILD',
  reads: 'filesystem',
  title: { en: 'No build-time dependencies in the runtime image', de: 'Keine Build-Abhängigkeiten im Laufzeit-Image' },
  level: 'SHOULD',
  references: [nist('4.5.1')],
  automation: ['image', 'dockerfile'],
  decides:
    'No compilers/toolchains (gcc, cc, g++, clang, go, rustc, javac, make), no -dev/header packages and no npm devDependencies in the image; the Dockerfile uses a multi-stage build.',
  remediation: 'Compile in a build stage and copy only the artefacts into a runtime stage (multi-stage build).',
  remediationDe:
    'In einer Build-Stufe kompilieren und nur die Artefakte in eine Laufzeitstufe kopieren (Multi-Stage-Build).',
  evaluate(ctx) {
    if (!ctx.fs && !ctx.dockerfile) return missingInput.imageOrDockerfile;
    const evidence: LocalizedEvidence[] = [];
    let failed = false;
    if (ctx.fs) {
      const owners = ownerIndex(ctx.sbom);
      for (const entry of findBinaries(ctx.fs.squashed, new Set(toolchains))) {
        failed = true;
        evidence.push({
          kind: 'file',
          path: entry.path,
          layer: entry.layer,
          message: `toolchain; ${ownerNote(owners, entry.path, ctx.sbom !== undefined)}`,
          messageDe: `Toolchain; ${ownerNote(owners, entry.path, ctx.sbom !== undefined, 'de')}`,
        });
      }
    }
    for (const pkg of ctx.sbom?.packages ?? []) {
      const dev = isDevPackage(pkg.name, pkg.ecosystem);
      const npmDev =
        pkg.ecosystem === 'npm' && pkg.metadata.kind === 'language' && pkg.metadata.attributes?.dev === 'true';
      if (dev || npmDev) {
        failed = true;
        evidence.push({
          kind: 'package',
          purl: pkg.purl,
          name: pkg.name,
          message: npmDev ? 'npm devDependency' : 'development package',
          messageDe: npmDev ? 'npm-devDependency' : 'Entwicklungspaket',
        });
      }
    }
    let singleStage = false;
    if (ctx.dockerfile) {
      const stages = ctx.dockerfile.stages;
      singleStage = stages.length < 2;
      const last = stages.at(-1);
      if (last) {
        evidence.push({
          kind: 'dockerfile',
          path: ctx.dockerfile.path,
          line: last.from.line,
          instruction: `FROM ${last.from.image}`,
          stage: last.index,
          message: singleStage
            ? 'single-stage build: build tools end up in the runtime image'
            : `multi-stage build (${stages.length} stages)`,
          messageDe: singleStage
            ? 'einstufiger Build: Build-Werkzeuge gelangen in das Laufzeit-Image'
            : `mehrstufiger Build (${stages.length} Stufen)`,
        });
      }
    }
    if (failed) return { status: 'fail', evidence, remediation: this.remediation };
    if (singleStage) return { status: 'warn', evidence, remediation: this.remediation };
    if (evidence.length === 0)
      evidence.push({
        kind: 'note',
        message: 'no toolchain binaries and no development packages',
        messageDe: 'keine ausführbaren Dateien von Toolchains und keine Entwicklungspakete',
      });
    return { status: 'pass', evidence };
  },
};
