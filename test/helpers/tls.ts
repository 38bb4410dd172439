import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Writes a self-signed P-256 certificate and its unencrypted key (PEM) with openssl; `altNames` (e.g.
 * `IP:127.0.0.1`) makes it valid for a loopback server, whose clients check the subject alternative name; `flags`
 * go to `openssl req` as they are (`-utf8`, `-multivalue-rdn`).
 */
export async function selfSignedCertificate(
  subject: string,
  days: number,
  keyFile: string,
  certFile: string,
  altNames?: string,
  flags: readonly string[] = [],
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
    ...(altNames ? ['-addext', `subjectAltName=${altNames}`] : []),
    ...flags,
    '-keyout',
    keyFile,
    '-out',
    certFile,
  ]);
}
