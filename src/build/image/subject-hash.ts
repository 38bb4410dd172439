import { createHash } from 'node:crypto';
import { SgciError } from '../../core/index.ts';

/**
 * `openssl rehash` without OpenSSL: the `<subject-hash>.<n>` links update-ca-certificates has it write into
 * /etc/ssl/certs, which OpenSSL's `-CApath`/`SSL_CERT_DIR` lookups (curl, Python's ssl with a capath, wget) use.
 * The hash is OpenSSL's `X509_NAME_hash_ex`: SHA-1 over the canonical subject (each string value as UTF-8, ASCII
 * lower-cased, whitespace trimmed and collapsed; the RDN sets without the outer SEQUENCE), its first four bytes
 * read little-endian.
 */

interface Tlv {
  readonly tag: number;
  /** The whole encoding, header included. */
  readonly raw: Buffer;
  readonly content: Buffer;
}

function readTlv(der: Buffer, at: number, input: string): Tlv {
  const tag = der[at];
  let length = der[at + 1];
  if (tag === undefined || length === undefined) throw new SgciError('ARCHIVE_INVALID', input, 'truncated DER');
  let start = at + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4) throw new SgciError('ARCHIVE_INVALID', input, 'unsupported DER length');
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + (der[start + i] ?? 0);
    start += bytes;
  }
  const end = start + length;
  if (end > der.length) throw new SgciError('ARCHIVE_INVALID', input, 'DER value runs past its end');
  return { tag, raw: der.subarray(at, end), content: der.subarray(start, end) };
}

function children(tlv: Tlv, input: string): Tlv[] {
  const out: Tlv[] = [];
  for (let at = 0; at < tlv.content.length; ) {
    const child = readTlv(tlv.content, at, input);
    out.push(child);
    at += child.raw.length;
  }
  return out;
}

function encode(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const length =
    n < 0x80
      ? [n]
      : n < 0x100
        ? [0x81, n]
        : n < 0x10000
          ? [0x82, n >> 8, n & 0xff]
          : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...length]), content]);
}

/** The string types OpenSSL canonicalises (ASN1_MASK_CANON), by tag. */
const utf8 = 0x0c;
const oneBytePerChar = new Set([0x13, 0x14, 0x16, 0x1a]); // Printable, T61 (as Latin-1, like OpenSSL), IA5, Visible
const bmp = 0x1e;
const universal = 0x1c;

function asText(tag: number, content: Buffer): string | undefined {
  if (tag === utf8) return content.toString('utf8');
  if (oneBytePerChar.has(tag)) return content.toString('latin1');
  if (tag === bmp) return content.length % 2 === 0 ? Buffer.from(content).swap16().toString('utf16le') : undefined;
  if (tag === universal) {
    let text = '';
    for (let i = 0; i + 3 < content.length; i += 4) text += String.fromCodePoint(content.readUInt32BE(i));
    return text;
  }
  return undefined;
}

const space = /[ \t\n\v\f\r]/;

/** asn1_string_canon: trim and collapse ASCII whitespace to one space, lower-case ASCII letters only. */
function canonical(text: string): string {
  let out = '';
  const chars = [...text.replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, '')];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] ?? '';
    if (space.test(c)) {
      out += ' ';
      while (space.test(chars[i + 1] ?? '')) i++;
    } else out += c >= 'A' && c <= 'Z' ? c.toLowerCase() : c;
  }
  return out;
}

function compareBuffers(a: Buffer, b: Buffer): number {
  return Buffer.compare(a, b);
}

/** The subject of a DER certificate, canonically encoded as X509_NAME_hash_ex hashes it. */
function canonicalSubject(der: Buffer, input: string): Buffer {
  const cert = readTlv(der, 0, input);
  const [tbs] = children(cert, input);
  if (!tbs) throw new SgciError('ARCHIVE_INVALID', input, 'no tbsCertificate');
  const fields = children(tbs, input);
  // [0] version is optional; then serial, signature algorithm, issuer, validity, subject
  const subject = fields[fields[0]?.tag === 0xa0 ? 5 : 4];
  if (subject?.tag !== 0x30) throw new SgciError('ARCHIVE_INVALID', input, 'no subject name');
  const sets: Buffer[] = [];
  for (const rdn of children(subject, input)) {
    const entries = children(rdn, input).map((atv) => {
      const [oid, value] = children(atv, input);
      if (!oid || !value) throw new SgciError('ARCHIVE_INVALID', input, 'attribute without type or value');
      const text = asText(value.tag, value.content);
      const canon = text === undefined ? value.raw : encode(utf8, Buffer.from(canonical(text), 'utf8'));
      return encode(0x30, Buffer.concat([oid.raw, canon]));
    });
    sets.push(encode(0x31, Buffer.concat(entries.sort(compareBuffers))));
  }
  return Buffer.concat(sets);
}

/** `openssl x509 -subject_hash`: eight hex digits. */
export function subjectHash(der: Buffer, input: string): string {
  const sha1 = createHash('sha1').update(canonicalSubject(der, input)).digest();
  return sha1.readUInt32LE(0).toString(16).padStart(8, '0');
}

/** The DER of a PEM file holding exactly one certificate; undefined otherwise (rehash skips such files). */
export function singleCertificate(pem: string): Buffer | undefined {
  const blocks = [...pem.matchAll(/-----BEGIN CERTIFICATE-----([^-]*)-----END CERTIFICATE-----/g)];
  if (blocks.length !== 1 || /-----BEGIN X509 CRL-----/.test(pem)) return undefined;
  return Buffer.from(blocks[0]?.[1]?.replace(/\s+/g, '') ?? '', 'base64');
}

/**
 * What `openssl rehash` links in a fresh directory of these files: per file name in byte order, one link
 * `<hash>.<n>` → the file name, `n` counting up within a hash; a second file with the same certificate (by SHA-1
 * fingerprint) is skipped, as rehash does.
 */
export function rehashLinks(
  files: readonly { readonly name: string; readonly content: Buffer }[],
  input: string,
): { name: string; target: string }[] {
  const buckets = new Map<string, Set<string>>();
  const out: { name: string; target: string }[] = [];
  for (const file of [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (!/\.(pem|crt|cer)$/.test(file.name)) continue;
    const der = singleCertificate(file.content.toString('latin1'));
    if (!der) continue;
    const hash = subjectHash(der, `${input}/${file.name}`);
    const fingerprint = createHash('sha1').update(der).digest('hex');
    const bucket = buckets.get(hash) ?? new Set<string>();
    if (bucket.has(fingerprint)) continue;
    out.push({ name: `${hash}.${bucket.size}`, target: file.name });
    bucket.add(fingerprint);
    buckets.set(hash, bucket);
  }
  return out;
}
