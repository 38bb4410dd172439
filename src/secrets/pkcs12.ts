/**
 * Whether bytes have the shape of a PKCS#12 (PFX) store: a DER SEQUENCE whose first element is
 * `INTEGER 3` (PFX version 3, RFC 7292) followed by a SEQUENCE (the authSafe ContentInfo). Binary, so no
 * text rule sees it; the scanner asks this only for `.p12`/`.pfx` files.
 */
export function looksLikePkcs12(bytes: Uint8Array): boolean {
  if (bytes.length < 8 || bytes[0] !== 0x30) return false;
  const lengthOctet = bytes[1] ?? 0;
  let offset: number;
  let declared: number | undefined;
  if (lengthOctet < 0x80) {
    offset = 2;
    declared = lengthOctet;
  } else if (lengthOctet === 0x80) {
    offset = 2; // indefinite length (BER), seen in some older tools
  } else {
    const count = lengthOctet & 0x7f;
    if (count > 4) return false;
    offset = 2 + count;
    declared = 0;
    for (let i = 2; i < offset; i++) declared = declared * 256 + (bytes[i] ?? 0);
  }
  if (declared !== undefined && offset + declared > bytes.length + 0) {
    // A truncated read is fine (the caller may have read a prefix); a length far beyond plausibility is not.
    if (declared > 64 * 1024 * 1024) return false;
  }
  return (
    bytes[offset] === 0x02 && bytes[offset + 1] === 0x01 && bytes[offset + 2] === 0x03 && bytes[offset + 3] === 0x30
  );
}

/** DER of the OIDs 1.2.840.113549.1.12.10.1.1 (keyBag) and .2 (pkcs8ShroudedKeyBag), without the last arc. */
const keyBagOidPrefix = Buffer.from([0x06, 0x0b, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x0a, 0x01]);

/**
 * What a PKCS#12 store visibly holds: `key` when a key bag sits in an unencrypted SafeContents (OpenSSL and
 * most tools put the shrouded key there), `encrypted` when no key bag is visible, which is what a
 * certificate-only trust store looks like, but also a store that encrypts its key bags as a whole.
 */
export function pkcs12Contents(bytes: Uint8Array): 'key' | 'encrypted' {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = buffer.indexOf(keyBagOidPrefix); at !== -1; at = buffer.indexOf(keyBagOidPrefix, at + 1)) {
    const arc = buffer[at + keyBagOidPrefix.length];
    if (arc === 0x01 || arc === 0x02) return 'key';
  }
  return 'encrypted';
}

/**
 * Whether a Java KeyStore (JKS `FEEDFEED` or JCEKS `CECECECE`) holds a private or secret key entry (tags 1
 * and 3) rather than only trusted certificates (tag 2). Returns undefined when the bytes are not a JKS or
 * the entry list cannot be walked within the bytes given.
 */
export function jksHasKeyEntry(bytes: Uint8Array): boolean | undefined {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < 12) return undefined;
  const magic = buffer.readUInt32BE(0);
  if (magic !== 0xfeedfeed && magic !== 0xcececece) return undefined;
  const count = buffer.readUInt32BE(8);
  let offset = 12;
  const need = (n: number) => offset + n <= buffer.length;
  for (let entry = 0; entry < count && entry < 10_000; entry++) {
    if (!need(4)) return undefined;
    const tag = buffer.readUInt32BE(offset);
    if (tag === 1 || tag === 3) return true;
    if (tag !== 2) return undefined;
    offset += 4;
    // alias (u16 length + modified UTF-8), timestamp (u64)
    if (!need(2)) return undefined;
    offset += 2 + buffer.readUInt16BE(offset) + 8;
    // certificate: type (u16 string), version 2 only, then u32 length + DER
    if (!need(2)) return undefined;
    offset += 2 + buffer.readUInt16BE(offset);
    if (!need(4)) return undefined;
    offset += 4 + buffer.readUInt32BE(offset);
  }
  return false;
}
