export { attestBuild, type BuildAttestations } from './attest.ts';
export {
  buildProvenance,
  type LocalInput,
  type LockedInputs,
  localBuilderId,
  type ProvenanceInputs,
  type ResourceDescriptor,
  readLocalInputs,
  sgciBuildType,
  slsaProvenanceV1,
} from './provenance.ts';
