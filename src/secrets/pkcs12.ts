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
