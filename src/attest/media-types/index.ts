/** The names cosign and the Sigstore specs use on the wire; changing one breaks interoperability. */
export const cosign = {
  simpleSigningLayer: 'application/vnd.dev.cosign.simplesigning.v1+json',
  dsseLayer: 'application/vnd.dsse.envelope.v1+json',
  signatureAnnotation: 'dev.cosignproject.cosign/signature',
  predicateTypeAnnotation: 'predicateType',
  simpleSigningType: 'cosign container image signature',
  inTotoPayloadType: 'application/vnd.in-toto+json',
  bundleArtifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
} as const;

export const inTotoStatementV1 = 'https://in-toto.io/Statement/v1';

/** `--type` shorthands, as cosign spells them, and the predicate type URIs they stand for. */
export const predicateTypes = {
  cyclonedx: 'https://cyclonedx.org/bom',
  spdx: 'https://spdx.dev/Document',
  spdxjson: 'https://spdx.dev/Document',
  openvex: 'https://openvex.dev/ns',
  // cosign maps `slsaprovenance` to v0.2; SLSA v1 is current, so sgci writes v1 and verification of
  // `slsaprovenance` accepts both (see acceptedPredicateTypes).
  slsaprovenance: 'https://slsa.dev/provenance/v1',
  slsaprovenance02: 'https://slsa.dev/provenance/v0.2',
  slsaprovenance1: 'https://slsa.dev/provenance/v1',
  vuln: 'https://cosign.sigstore.dev/attestation/vuln/v1',
  custom: 'https://cosign.sigstore.dev/attestation/v1',
  // cosign has no shorthand for a SLSA verification summary; sgci's `vsa` is its own (cosign needs the URI).
  vsa: 'https://slsa.dev/verification_summary/v1',
} as const;
export type PredicateShorthand = keyof typeof predicateTypes;

/** What cosign's bundle format signs for a plain image signature: an in-toto statement of this type. */
export const cosignSignPredicateType = 'https://sigstore.dev/cosign/sign/v1';

/**
 * The SLSA `buildType` of `sgci build` from Debian packages: the image has no base image, every layer is made from
 * the verified packages and the files pinned by sha256. The base checks read it from a verified provenance.
 */
export const sgciPackagesBuildType = 'https://sgci.invalid/build/debian-packages/v1';
