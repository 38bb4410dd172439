import { compare, valid } from '@renovatebot/pep440';
import type { VersionScheme } from './scheme.ts';

/** PEP 440 (PyPI): epochs, pre/post/dev releases, local versions. */
export const pep440Scheme: VersionScheme = {
  name: 'pep440',
  valid: (v) => valid(v) !== null,
  compare: (a, b) => {
    if (valid(a) === null || valid(b) === null) return a < b ? -1 : a > b ? 1 : 0;
    return compare(a, b);
  },
};
