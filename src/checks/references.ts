import type { Reference } from './check.ts';

/** References as the checklist's footnotes give them; one constructor per standard keeps the spelling uniform. */
export const nist = (section: string): Reference => ({ standard: 'NIST SP 800-190', item: `Section ${section}` });
export const bsi = (item: string): Reference => ({ standard: 'BSI IT-Grundschutz', item });
export const tr = (item: string): Reference => ({ standard: 'BSI TR-03185-2', item });
export const slsa = (item: string): Reference => ({ standard: 'SLSA', item });
