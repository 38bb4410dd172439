/**
 * Which special-purpose range an IP address lies in (IANA's IPv4 and IPv6 special-purpose registries), so
 * the host policy can refuse what a registry reference must never reach: loopback, private networks,
 * link-local (cloud metadata), CGNAT, multicast and reserved space. IPv6 forms that carry an IPv4 address
 * (mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::/96`) are judged by that IPv4 address.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';

interface SpecialRange {
  /** How a refusal names it: `resolves to 10.0.0.5, a private address`. */
  readonly kind: string;
  readonly ipv4?: readonly string[];
  readonly ipv6?: readonly string[];
}

// First match wins: the metadata address before the link-local range that holds it.
const specialRanges: readonly SpecialRange[] = [
  { kind: 'an unspecified address', ipv4: ['0.0.0.0/8'], ipv6: ['::/128'] },
  { kind: 'a loopback address', ipv4: ['127.0.0.0/8'], ipv6: ['::1/128'] },
  { kind: 'the cloud metadata address', ipv4: ['169.254.169.254/32'], ipv6: ['fd00:ec2::254/128'] },
  { kind: 'a link-local address', ipv4: ['169.254.0.0/16'], ipv6: ['fe80::/10'] },
  { kind: 'a private address', ipv4: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'], ipv6: ['fc00::/7'] },
  { kind: 'a shared (CGNAT) address', ipv4: ['100.64.0.0/10'] },
  { kind: 'a multicast address', ipv4: ['224.0.0.0/4'], ipv6: ['ff00::/8'] },
  {
    kind: 'a reserved address',
    // protocol assignments, documentation, 6to4 relay, benchmarking, class E and broadcast
    ipv4: [
      '192.0.0.0/24',
      '192.0.2.0/24',
      '192.88.99.0/24',
      '198.18.0.0/15',
      '198.51.100.0/24',
      '203.0.113.0/24',
      '240.0.0.0/4',
    ],
    // discard, protocol assignments (Teredo, benchmarking, ORCHID), documentation, 6to4, site-local, SRv6
    ipv6: ['100::/64', '2001::/23', '2001:db8::/32', '2002::/16', '3fff::/20', '5f00::/16', 'fec0::/10'],
  },
];

const lists = specialRanges.map((range) => {
  const list = new BlockList();
  for (const subnet of range.ipv4 ?? []) addSubnet(list, subnet, 'ipv4');
  for (const subnet of range.ipv6 ?? []) addSubnet(list, subnet, 'ipv6');
  return { kind: range.kind, list };
});

/** Everything else outside 2000::/3 (global unicast) is unassigned or special: refused as reserved. */
const globalUnicast = new BlockList();
addSubnet(globalUnicast, '2000::/3', 'ipv6');

function addSubnet(list: BlockList, subnet: string, family: 'ipv4' | 'ipv6'): void {
  const [network = '', prefix = ''] = subnet.split('/');
  list.addSubnet(network, Number(prefix), family);
}

/**
 * The special range `address` lies in (`a private address`, …), or undefined for a public unicast address.
 * Takes the textual forms `node:dns` and the URL parser produce; an IPv6 zone (`fe80::1%eth0`) is ignored.
 */
export function specialRangeOf(address: string): string | undefined {
  const bare = address.replace(/%.*$/, '').replace(/^\[(.*)\]$/, '$1');
  if (isIPv4(bare)) return rangeIn(bare, 'ipv4');
  if (!isIPv6(bare)) throw new TypeError(`not an IP address: ${address}`);
  const embedded = embeddedIpv4(bare);
  if (embedded !== undefined) return rangeIn(embedded, 'ipv4');
  return rangeIn(bare, 'ipv6') ?? (globalUnicast.check(bare, 'ipv6') ? undefined : 'a reserved address');
}

function rangeIn(address: string, family: 'ipv4' | 'ipv6'): string | undefined {
  return lists.find(({ list }) => list.check(address, family))?.kind;
}

/** The IPv4 address an IPv4-mapped (`::ffff:0:0/96`) or NAT64 (`64:ff9b::/96`) IPv6 address reaches. */
function embeddedIpv4(address: string): string | undefined {
  const groups = ipv6Groups(address);
  const prefix = groups.slice(0, 6).join(':');
  if (prefix !== '0:0:0:0:0:65535' && prefix !== '100:65435:0:0:0:0') return undefined;
  const high = groups[6] ?? 0;
  const low = groups[7] ?? 0;
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/** The eight 16-bit groups of a valid IPv6 address, `::` expanded and a dotted IPv4 tail folded in. */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16)));
  const front = parse(head);
  if (tail === undefined) return front;
  const back = parse(tail);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}
