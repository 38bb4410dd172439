export { attestBuild, type BuildAttestations } from './attest.ts';
export {
  buildProvenance,
  type ExtraFileInput,
  type LocalInput,
  type LockedInputs,
  localBuilderId,
  type ProvenanceInputs,
  type ResourceDescriptor,
  readLocalInputs,
} from './provenance.ts';
