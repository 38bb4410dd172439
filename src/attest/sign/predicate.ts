import { readFile } from 'node:fs/promises';
import { describe, SgciError } from '../../core/index.ts';
import { predicateTypes } from '../media-types/index.ts';

// SBOMs of large images reach tens of MiB; a predicate beyond this is not something we should sign blind.
const maxPredicateBytes = 64 * 1024 * 1024;

/**
 * Reads a predicate file as JSON and checks that it is what its type claims, so `--type cyclonedx`
 * on an SPDX file fails here instead of producing an attestation nobody can use.
 */
export async function readPredicate(path: string, predicateType: string): Promise<unknown> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new SgciError('IO_ERROR', path, `cannot read predicate: ${describe(error)}`, { cause: error });
  }
  if (bytes.length > maxPredicateBytes) throw new SgciError('LIMIT_EXCEEDED', path, 'predicate larger than 64 MiB');
  let predicate: unknown;
  try {
    predicate = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new SgciError('USAGE', path, 'predicate is not JSON', { cause: error });
  }
  checkPredicateShape(predicate, predicateType, path);
  return predicate;
}

export function checkPredicateShape(predicate: unknown, predicateType: string, input: string): void {
  if (typeof predicate !== 'object' || predicate === null || Array.isArray(predicate)) {
    throw new SgciError('USAGE', input, 'predicate must be a JSON object');
  }
  const p = predicate as Record<string, unknown>;
  const mismatch = (what: string): never => {
    throw new SgciError('USAGE', input, `predicate does not look like ${what} (type ${predicateType})`);
  };
  if (predicateType === predicateTypes.cyclonedx && p.bomFormat !== 'CycloneDX') mismatch('a CycloneDX BOM');
  if (predicateType === predicateTypes.spdx && typeof p.spdxVersion !== 'string') mismatch('an SPDX document');
  if (predicateType === predicateTypes.openvex && !String(p['@context'] ?? '').startsWith('https://openvex.dev/ns')) {
    mismatch('an OpenVEX document');
  }
}
