export { attestBuild, type BuildAttestations } from './attest.ts';
export {
  buildProvenance,
  type LocalInput,
  type LockedInputs,
  localBuilderId,
  type ProvenanceInputs,
  type ResourceDescriptor,
  readLocalInputs,
} from './provenance.ts';
