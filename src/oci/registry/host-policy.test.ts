import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isSgciError } from '../../core/index.ts';
import { specialRangeOf } from './address-range.ts';
import { RegistryHostPolicy, refusalReason } from './host-policy.ts';

/** The address the client would connect to for a typed registry host: what the URL parser makes of it. */
const addressOf = (typed: string) => new URL(`https://${typed}/`).hostname;

describe('specialRangeOf classifies every notation the URL parser accepts', () => {
  const special: [typed: string, kind: string][] = [
    ['127.0.0.1', 'a loopback address'],
    ['0x7f.1', 'a loopback address'],
    ['2130706433', 'a loopback address'],
    ['0177.0.0.1', 'a loopback address'],
    ['127.1', 'a loopback address'],
    ['[::1]', 'a loopback address'],
    ['[0:0:0:0:0:0:0:1]', 'a loopback address'],
    ['[::ffff:7f00:1]', 'a loopback address'],
    ['[::ffff:127.0.0.1]', 'a loopback address'],
    ['0.0.0.0', 'an unspecified address'],
    ['0', 'an unspecified address'],
    ['[::]', 'an unspecified address'],
    ['169.254.169.254', 'the cloud metadata address'],
    ['[::ffff:a9fe:a9fe]', 'the cloud metadata address'],
    ['[fd00:ec2::254]', 'the cloud metadata address'],
    ['169.254.1.1', 'a link-local address'],
    ['[fe80::1]', 'a link-local address'],
    ['10.0.0.5', 'a private address'],
    ['012.0.0.5', 'a private address'],
    ['172.16.0.1', 'a private address'],
    ['172.31.255.255', 'a private address'],
    ['192.168.1.1', 'a private address'],
    ['[fd00::1]', 'a private address'],
    ['[fc00::1]', 'a private address'],
    ['[64:ff9b::a00:1]', 'a private address'],
    ['100.64.0.1', 'a shared (CGNAT) address'],
    ['100.127.255.255', 'a shared (CGNAT) address'],
    ['224.0.0.1', 'a multicast address'],
    ['[ff02::1]', 'a multicast address'],
    ['255.255.255.255', 'a reserved address'],
    ['240.0.0.1', 'a reserved address'],
    ['192.0.2.1', 'a reserved address'],
    ['198.18.0.1', 'a reserved address'],
    ['[2001:db8::1]', 'a reserved address'],
    ['[2002:7f00:1::1]', 'a reserved address'],
    ['[fec0::1]', 'a reserved address'],
    ['[100::1]', 'a reserved address'],
    ['[::a00:1]', 'a reserved address'],
  ];
  for (const [typed, kind] of special) {
    test(`${typed} is ${kind}`, () => assert.equal(specialRangeOf(addressOf(typed)), kind));
  }

  const publicAddresses = [
    '93.184.216.34',
    '8.8.8.8',
    '172.32.0.1',
    '100.128.0.1',
    '169.255.0.1',
    '[::ffff:93.184.216.34]',
    '[64:ff9b::5db8:d822]',
    '[2606:2800:220:1:248:1893:25c8:1946]',
  ];
  for (const typed of publicAddresses) {
    test(`${typed} is public`, () => assert.equal(specialRangeOf(addressOf(typed)), undefined));
  }

  test('addresses as node:dns gives them: plain, with a zone, mapped in dotted form', () => {
    assert.equal(specialRangeOf('fe80::1%eth0'), 'a link-local address');
    assert.equal(specialRangeOf('::ffff:10.1.2.3'), 'a private address');
    assert.throws(() => specialRangeOf('localhost'), TypeError);
  });
});

describe('RegistryHostPolicy.check', () => {
  const refusal = (pattern: RegExp) => (error: unknown) => {
    assert.ok(isSgciError(error, 'REGISTRY_REFUSED'), String(error));
    assert.match(error.message, pattern);
    return true;
  };

  test('a literal special address is refused, named with the way to allow it', async () => {
    const policy = new RegistryHostPolicy();
    await assert.rejects(
      policy.check(new URL('https://0x7f.1:5000/v2/'), '0x7f.1:5000/app:1'),
      refusal(
        /^0x7f\.1:5000\/app:1: not connecting to registry 127\.0\.0\.1:5000, a loopback address; allow it with --allow-registry 127\.0\.0\.1:5000$/,
      ),
    );
    await assert.rejects(
      policy.check(new URL('http://169.254.169.254/latest/'), 'ref', 'redirect target'),
      refusal(/not connecting to redirect target 169\.254\.169\.254, the cloud metadata address;/),
    );
    await policy.check(new URL('https://93.184.216.34/v2/'), 'ref');
  });

  test('a name is judged by what it resolves to', async () => {
    const policy = new RegistryHostPolicy();
    for (const host of ['localhost:5000', 'LOCALHOST:5000']) {
      await assert.rejects(
        policy.check(new URL(`https://${host}/v2/`), 'ref', 'token realm'),
        refusal(
          /not connecting to token realm localhost:5000, which resolves to (127\.0\.0\.1|::1), a loopback address;/,
        ),
      );
    }
  });

  test('allow names a host (any port) or a host:port, in any notation', async () => {
    const policy = new RegistryHostPolicy({ allow: ['127.0.0.1:5000', 'LOCALHOST.', '[::1]:443', '0x0a.1'] });
    await policy.check(new URL('https://127.0.0.1:5000/'), 'ref');
    await policy.check(new URL('https://2130706433:5000/'), 'ref');
    await assert.rejects(policy.check(new URL('https://127.0.0.1:5001/'), 'ref'), refusal(/127\.0\.0\.1:5001/));
    await policy.check(new URL('http://localhost:1234/'), 'ref');
    await policy.check(new URL('https://[::1]/'), 'ref');
    await assert.rejects(policy.check(new URL('http://[::1]/'), 'ref'), refusal(/\[::1\], a loopback/));
    await policy.check(new URL('https://10.0.0.1:9999/'), 'ref');
  });

  test('deny wins over allow, by name and by the address a name resolves to', async () => {
    const policy = new RegistryHostPolicy({
      allow: ['localhost', '93.184.216.34'],
      deny: ['localhost:5000', '93.184.216.34'],
    });
    await policy.check(new URL('https://localhost:6000/'), 'ref');
    await assert.rejects(
      policy.check(new URL('https://localhost:5000/'), 'ref'),
      refusal(/not connecting to registry localhost:5000, which is on the deny list$/),
    );
    await assert.rejects(policy.check(new URL('https://93.184.216.34/'), 'ref'), refusal(/on the deny list$/));
    const byAddress = new RegistryHostPolicy({ deny: ['127.0.0.1', '[::1]'] });
    await assert.rejects(
      byAddress.check(new URL('https://127.0.0.1/'), 'ref'),
      refusal(/registry 127\.0\.0\.1, which is on the deny list$/),
    );
    await assert.rejects(
      byAddress.check(new URL('https://localhost/'), 'ref'),
      refusal(/registry localhost, which resolves to (127\.0\.0\.1|::1), an address on the deny list$/),
    );
  });

  test('an entry that is not HOST or HOST:PORT is a usage error naming the option', () => {
    for (const entry of ['::1', 'a b', '', 'host:port', 'host:123456', 'host:65536', 'https://host']) {
      assert.throws(
        () => new RegistryHostPolicy({ allow: [entry] }),
        (error) => isSgciError(error, 'USAGE') && error.input === '--allow-registry',
        entry,
      );
    }
  });
});

describe('RegistryHostPolicy for other untrusted URLs (webhooks)', () => {
  test('judge returns the refusal, and its reason names the role and the option that allows the host', async () => {
    const policy = new RegistryHostPolicy({ allowOption: '--allow-webhook' });
    const url = new URL('https://localhost:8443/hook');
    const refusal = await policy.judge(url);
    assert.ok(refusal);
    assert.match(
      refusalReason(refusal, url, 'webhook'),
      /^not connecting to webhook localhost:8443, which resolves to (127\.0\.0\.1|::1), a loopback address; allow it with --allow-webhook localhost:8443$/,
    );
    assert.equal(await policy.judge(new URL('https://93.184.216.34/hook')), undefined);
  });

  test('allows names the hosts the operator allowed, by name or name:port', () => {
    const policy = new RegistryHostPolicy({
      allow: ['hooks.internal', '127.0.0.1:9000'],
      allowOption: '--allow-webhook',
    });
    assert.equal(policy.allows(new URL('http://HOOKS.internal:8080/')), true);
    assert.equal(policy.allows(new URL('http://127.0.0.1:9000/')), true);
    assert.equal(policy.allows(new URL('http://127.0.0.1:9001/')), false);
    assert.equal(policy.allows(new URL('https://example.org/')), false);
  });

  test('a bad entry is a usage error naming the configured option', () => {
    assert.throws(
      () => new RegistryHostPolicy({ allow: ['https://host'], allowOption: '--allow-webhook' }),
      (error) => isSgciError(error, 'USAGE') && error.input === '--allow-webhook',
    );
  });
});
