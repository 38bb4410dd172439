import assert from 'node:assert/strict';
import { test } from 'node:test';
import { replacedScripts } from './maintainer-scripts.ts';

test('each package with scripts gets one report line: what replaced the install-time ones, removal-time ones named', () => {
  assert.equal(replacedScripts('netbase', []), undefined);
  assert.equal(
    replacedScripts('libstdc++6', ['prerm', 'triggers'], 'activate-noawait ldconfig\n')?.effect,
    'triggers: ldconfig trigger: no /etc/ld.so.cache, the loader searches its default multiarch directories; prerm: run only on upgrade or removal',
  );
  assert.equal(
    replacedScripts('tzdata', ['config', 'postinst', 'postrm'])?.effect,
    'config/postinst: /etc/localtime and /etc/timezone not set: the C library defaults to UTC; postrm: run only on upgrade or removal',
  );
  assert.equal(
    replacedScripts('some-daemon', ['postinst', 'triggers'], 'activate-noawait ldconfig\n')?.effect,
    'postinst/triggers: not run, no known effect is replaced',
  );
});
