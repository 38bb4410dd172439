import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Writes a self-signed P-256 certificate and its unencrypted key (PEM) with openssl. */
export async function selfSignedCertificate(
  subject: string,
  days: number,
  keyFile: string,
  certFile: string,
): Promise<void> {
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-days',
    String(days),
    '-subj',
    subject,
    '-keyout',
    keyFile,
    '-out',
    certFile,
  ]);
}
