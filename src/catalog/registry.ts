import { apkCataloger } from './apk/cataloger.ts';
import { binaryCataloger } from './binary/cataloger.ts';
import type { Cataloger } from './cataloger.ts';
import { dotnetCataloger } from './dotnet/cataloger.ts';
import { dpkgCataloger } from './dpkg/cataloger.ts';
import { goCataloger } from './golang/cataloger.ts';
import { javaCataloger } from './java/cataloger.ts';
import { npmCataloger } from './npm/cataloger.ts';
import { phpCataloger } from './php/cataloger.ts';
import { pythonCataloger } from './python/cataloger.ts';
import { rpmCataloger } from './rpm/cataloger.ts';
import { rubyCataloger } from './ruby/cataloger.ts';
import { rustCataloger } from './rust/cataloger.ts';

/**
 * Every cataloger sgci runs, in the order their results are merged. Explicit on purpose: a test
 * checks that each folder with a cataloger.ts is listed here and nothing else is.
 */
export const catalogers: readonly Cataloger[] = [
  // OS package databases first: their file lists decide which language packages and binaries they own
  dpkgCataloger,
  apkCataloger,
  rpmCataloger,
  npmCataloger,
  pythonCataloger,
  javaCataloger,
  goCataloger,
  rustCataloger,
  dotnetCataloger,
  phpCataloger,
  rubyCataloger,
  binaryCataloger,
];
