export { decryptPrivateKey, encodePem, encryptedKeyLabel, encryptPrivateKey, parsePemBlocks } from './encrypted-key.ts';
export { generateP256, type KeyPairFiles, writeKeyPair } from './generate.ts';
export {
  loadPublicKey,
  loadSigner,
  type PasswordSource,
  parsePrivateKey,
  parsePublicKey,
  publicKeyPem,
  readKeyFile,
} from './load.ts';
export { passwordFromEnvironment, readPassword } from './password.ts';
export { keyIdOf, LocalSigner, requireP256, type Signer, verifySignature } from './signer.ts';
