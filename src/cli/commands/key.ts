import { createPublicKey } from 'node:crypto';
import type { Command } from 'commander';
import {
  generateP256,
  parsePrivateKey,
  readKeyFile,
  readPassword,
  requireP256,
  writeKeyPair,
} from '../../attest/index.ts';

interface KeyOptions {
  outputKeyPrefix: string;
  force?: boolean;
}

/** `sgci key generate|import`: operator-owned keys in cosign's encrypted format. */
export function registerKey(program: Command): void {
  const key = program.command('key').description('create or import signing keys (cosign-compatible)');
  key
    .command('generate')
    .description('generate an ECDSA P-256 key pair: <prefix>.key (encrypted, 0600) and <prefix>.pub')
    .option('--output-key-prefix <prefix>', 'path prefix of the two files', 'cosign')
    .option('--force', 'overwrite existing files')
    .addHelpText('after', '\nThe password comes from SGCI_PASSWORD, COSIGN_PASSWORD or a prompt on the terminal.')
    .action(async (opts: KeyOptions) => {
      const password = await readPassword('Enter password for private key: ', { confirm: true });
      const { privateKey, publicKey } = generateP256();
      const files = await writeKeyPair(opts.outputKeyPrefix, privateKey, publicKey, password, { force: opts.force });
      process.stderr.write(
        `Private key written to ${files.privateKeyPath}\nPublic key written to ${files.publicKeyPath}\n`,
      );
    });
  key
    .command('import')
    .description('import a PKCS#8 or SEC1 PEM P-256 private key into cosign format')
    .argument('<pem>', 'PEM file with the private key')
    .option('--output-key-prefix <prefix>', 'path prefix of the two files', 'import-cosign')
    .option('--force', 'overwrite existing files')
    .addHelpText(
      'after',
      '\nThe new password (and the one of an encrypted PKCS#8 input) comes from SGCI_PASSWORD, COSIGN_PASSWORD or a prompt.',
    )
    .action(async (pem: string, opts: KeyOptions) => {
      const privateKey = await parsePrivateKey(
        await readKeyFile(pem),
        () => readPassword('Password of the PEM key: '),
        pem,
      );
      requireP256(privateKey, pem);
      const password = await readPassword('Enter password for the imported key: ', { confirm: true });
      const files = await writeKeyPair(opts.outputKeyPrefix, privateKey, createPublicKey(privateKey), password, {
        force: opts.force,
      });
      process.stderr.write(
        `Private key written to ${files.privateKeyPath}\nPublic key written to ${files.publicKeyPath}\n`,
      );
    });
}
