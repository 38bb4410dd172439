/**
 * End-of-life dates of distributions and language runtimes (vendor announcements; last reviewed 2026-11).
 * A release missing here is reported as unknown, never assumed supported.
 */
const distroEol: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  debian: { '9': '2022-06-30', '10': '2024-06-30', '11': '2026-08-31', '12': '2028-06-30', '13': '2030-06-30' },
  ubuntu: {
    '18.04': '2023-05-31',
    '20.04': '2025-05-31',
    '22.04': '2027-06-01',
    '24.04': '2029-05-31',
    '24.10': '2025-07-10',
    '25.04': '2026-01-15',
  },
  alpine: {
    '3.16': '2024-05-23',
    '3.17': '2024-11-22',
    '3.18': '2025-05-09',
    '3.19': '2025-11-01',
    '3.20': '2026-04-01',
    '3.21': '2026-11-01',
    '3.22': '2027-05-01',
  },
};

const runtimeEol: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  node: {
    '14': '2023-04-30',
    '16': '2023-09-11',
    '18': '2025-04-30',
    '20': '2026-04-30',
    '22': '2027-04-30',
    '24': '2028-04-30',
  },
  python: {
    '3.7': '2023-06-27',
    '3.8': '2024-10-07',
    '3.9': '2025-10-31',
    '3.10': '2026-10-31',
    '3.11': '2027-10-31',
    '3.12': '2028-10-31',
    '3.13': '2029-10-31',
  },
};

export interface EolVerdict {
  readonly known: boolean;
  readonly eol?: string;
  readonly expired: boolean;
}

function verdict(date: string | undefined, now: Date): EolVerdict {
  if (!date) return { known: false, expired: false };
  return { known: true, eol: date, expired: now.getTime() > Date.parse(`${date}T23:59:59Z`) };
}

export function distroEndOfLife(id: string, versionId: string | undefined, now: Date): EolVerdict {
  const table = distroEol[id];
  if (!table || !versionId) return { known: false, expired: false };
  const key =
    id === 'alpine'
      ? versionId.split('.').slice(0, 2).join('.')
      : id === 'debian'
        ? versionId.split('.')[0]
        : versionId;
  return verdict(key === undefined ? undefined : table[key], now);
}

/** `node` 18.19.0 -> major 18; `python` 3.11.2 -> 3.11. */
export function runtimeEndOfLife(runtime: 'node' | 'python', version: string, now: Date): EolVerdict {
  const clean = version.replace(/^\d+:/, '');
  const parts = clean.split(/[.+~-]/);
  const key = runtime === 'node' ? parts[0] : `${parts[0]}.${parts[1]}`;
  return verdict(key === undefined ? undefined : runtimeEol[runtime]?.[key], now);
}
