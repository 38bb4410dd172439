export {
  type AssertedCheck,
  type CheckBuiltImageOptions,
  checkBuiltImage,
  type GateReport,
  type SignedProvenance,
} from './check-built-image.ts';
