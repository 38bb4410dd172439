import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isSgciError } from '../../core/index.ts';
import { parsePackages } from './packages.ts';
import { PackagesIndex } from './packages-index.ts';

const origin = { url: 'file:/repo', suite: 'stable', component: 'main' };

/** A field name as a repository might spell it: any ASCII case. */
const spelled = (name: string) =>
  fc
    .array(fc.boolean(), { minLength: name.length, maxLength: name.length })
    .map((upper) => [...name].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));

const names = fc.constantFrom('libc6', 'tzdata', 'mawk', 'gawk', 'base-files', 'libfoo1');

/** One stanza: its lines (a field may continue over lines, `#` comments between), in the order written. */
const stanza = fc
  .record({
    package: fc.tuple(spelled('package'), names),
    version: fc.constantFrom('1.0', '2:1.2-3', '1.0~rc1'),
    provides: fc.option(fc.array(fc.constantFrom('awk', 'mail-transport-agent', 'c-compiler'), { minLength: 1 })),
    providesSplit: fc.boolean(),
    providesSpelled: spelled('provides'),
    description: fc.array(fc.constantFrom('a line', 'Package: not-a-stanza', 'Provides: nothing'), { maxLength: 2 }),
    comment: fc.boolean(),
  })
  .map((s) => {
    const lines = [
      `${s.package[0]}: ${s.package[1]}`,
      `Version: ${s.version}`,
      'Architecture: amd64',
      `Filename: pool/main/${s.package[1]}_${s.version}_amd64.deb`,
      'Size: 10',
      `SHA256: ${'a'.repeat(64)}`,
    ];
    if (s.comment) lines.push('# a comment line');
    if (s.provides) {
      const [first, ...rest] = s.provides;
      if (s.providesSplit && rest.length > 0)
        lines.push(`${s.providesSpelled}: ${first},`, ...rest.map((p) => ` ${p},`));
      else lines.push(`${s.providesSpelled}: ${s.provides.join(', ')}`);
    }
    lines.push('Description: a package', ...s.description.map((d) => ` ${d}`));
    return lines;
  });

/** Stanzas parted by one or more blank lines (some of spaces or tabs), with LF or CRLF line ends. */
const index = fc
  .record({
    stanzas: fc.array(stanza, { minLength: 1, maxLength: 8 }),
    separators: fc.array(fc.constantFrom([''], ['', ''], [' \t']), { minLength: 8, maxLength: 8 }),
    crlf: fc.boolean(),
    trailing: fc.constantFrom('', '\n', '\n\n'),
  })
  .map(({ stanzas, separators, crlf, trailing }) => {
    const lines = stanzas.flatMap((s, i) => (i === 0 ? s : [...(separators[i] ?? ['']), ...s]));
    return lines.join(crlf ? '\r\n' : '\n') + trailing;
  });

test('the index read by name lists what parsing the whole text gives, name by name, and who provides what', () => {
  fc.assert(
    fc.property(index, (text) => {
      const whole = parsePackages(text, origin, 'Packages');
      const listed = new PackagesIndex(Buffer.from(text), origin, 'Packages');
      assert.deepEqual(listed.all(), whole);
      for (const name of new Set(whole.map((p) => p.name))) {
        assert.deepEqual(
          listed.listed(name),
          whole.filter((p) => p.name === name),
        );
      }
      assert.deepEqual(listed.listed('absent'), []);
      for (const virtual of ['awk', 'mail-transport-agent', 'c-compiler']) {
        const providers = new Set(
          whole.filter((p) => p.provides?.split(/[,\s]+/).includes(virtual)).map((p) => p.name),
        );
        assert.deepEqual(new Set(listed.providing(virtual)), providers, virtual);
      }
    }),
    { numRuns: 300, seed: 16 },
  );
});

test('what the deb822 reader refuses, the index refuses with the same line', () => {
  const good = 'Package: a\nVersion: 1\nArchitecture: all\nFilename: a.deb\nSize: 1\nSHA256: ' + 'a'.repeat(64);
  for (const bad of [
    `${good}\nnot a field line`,
    ` continuation first\n${good}`,
    `${good}\n\n continuation after a gap`,
  ]) {
    const expected = (() => {
      try {
        parsePackages(bad, origin, 'Packages');
      } catch (error) {
        return error;
      }
      assert.fail(`the deb822 reader took ${JSON.stringify(bad)}`);
    })();
    assert.throws(
      () => new PackagesIndex(Buffer.from(bad), origin, 'Packages'),
      (error: unknown) => isSgciError(error, 'REPOSITORY_INVALID') && error.message === (expected as Error).message,
    );
  }
  assert.throws(
    () => new PackagesIndex(Buffer.from('Version: 1\n'), origin, 'Packages'),
    (error: unknown) => isSgciError(error, 'REPOSITORY_INVALID') && /a stanza without Package/.test(error.message),
  );
});
