import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { access, link, rename, rm, writeFile } from 'node:fs/promises';
import { describe, SgciError, tempPathFor } from '../../core/index.ts';
import { encryptPrivateKey } from './encrypted-key.ts';
import { publicKeyPem } from './load.ts';

export interface KeyPairFiles {
  readonly privateKeyPath: string;
  readonly publicKeyPath: string;
}

export function generateP256(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes `<prefix>.key` (cosign's encrypted format, mode 0600) and `<prefix>.pub`. Each file appears
 * whole or not at all (temp file + link/rename); without `force` an existing file is never replaced,
 * and the check is made for both files before either is written.
 */
export async function writeKeyPair(
  prefix: string,
  privateKey: KeyObject,
  publicKey: KeyObject,
  password: string,
  options: { force?: boolean } = {},
): Promise<KeyPairFiles> {
  const files = { privateKeyPath: `${prefix}.key`, publicKeyPath: `${prefix}.pub` };
  if (!options.force) {
    for (const path of [files.privateKeyPath, files.publicKeyPath]) {
      if (await exists(path)) throw new SgciError('IO_ERROR', path, 'file exists; use --force to overwrite it');
    }
  }
  const encrypted = await encryptPrivateKey(privateKey, password);
  await placeFile(files.privateKeyPath, encrypted, 0o600, options.force ?? false);
  await placeFile(files.publicKeyPath, publicKeyPem(publicKey), 0o644, options.force ?? false);
  return files;
}

async function placeFile(path: string, data: string, mode: number, force: boolean): Promise<void> {
  const temp = tempPathFor(path);
  try {
    await writeFile(temp, data, { mode, flag: 'wx' });
    if (force) {
      await rename(temp, path);
    } else {
      // link() fails with EEXIST instead of replacing: no race with a file created since the check.
      await link(temp, path);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new SgciError('IO_ERROR', path, 'file exists; use --force to overwrite it', { cause: error });
    }
    throw new SgciError('IO_ERROR', path, `cannot write key file: ${describe(error)}`, { cause: error });
  } finally {
    await rm(temp, { force: true });
  }
}
