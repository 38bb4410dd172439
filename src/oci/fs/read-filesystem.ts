import { type Limits, SgciError } from '../../core/index.ts';
import type { FileNeeds, ImageFilesystem, Layer } from '../types.ts';

export interface ReadFilesystemOptions {
  readonly limits: Limits;
  readonly signal?: AbortSignal;
}

/** One streaming pass over all layers (implementation follows in the next commit). */
export async function readFilesystem(
  _layers: readonly Layer[],
  _needs: FileNeeds,
  _options: ReadFilesystemOptions,
): Promise<ImageFilesystem> {
  throw new SgciError('USAGE', 'readFilesystem', 'not implemented yet');
}
