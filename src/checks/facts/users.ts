import type { FileTreeView } from '../../oci/index.ts';

export interface Account {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
}

export const passwdPaths = ['/etc/passwd', '/etc/group'] as const;

async function readText(fs: FileTreeView, path: string): Promise<string | undefined> {
  const entry = fs.get(path, { followSymlinks: true });
  if (entry?.type !== 'file' || !fs.hasContent(entry)) return undefined;
  return new TextDecoder().decode(await fs.read(entry));
}

/** /etc/passwd accounts of the image, or undefined when it has no /etc/passwd. */
export async function readAccounts(fs: FileTreeView): Promise<Account[] | undefined> {
  const text = await readText(fs, '/etc/passwd');
  if (text === undefined) return undefined;
  const accounts: Account[] = [];
  for (const line of text.split('\n')) {
    const [name, , uid, gid, , home] = line.split(':');
    if (!name || uid === undefined || gid === undefined || !/^\d+$/.test(uid) || !/^\d+$/.test(gid)) continue;
    accounts.push({ name, uid: Number(uid), gid: Number(gid), home: home ?? '' });
  }
  return accounts;
}

export async function readGroups(fs: FileTreeView): Promise<Map<string, number> | undefined> {
  const text = await readText(fs, '/etc/group');
  if (text === undefined) return undefined;
  const groups = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [name, , gid] = line.split(':');
    if (name && gid && /^\d+$/.test(gid)) groups.set(name, Number(gid));
  }
  return groups;
}

export type ResolvedUser =
  | { readonly ok: true; readonly uid: number; readonly gid?: number; readonly how: string; readonly howDe: string }
  | { readonly ok: false; readonly reason: string; readonly reasonDe: string };

/**
 * Resolves config `User` (`name`, `uid`, `name:group`, `uid:gid`) to numbers; an empty User is root.
 * A name not in the image's /etc/passwd cannot be resolved: the runtime would refuse to start it.
 */
export async function resolveUser(user: string | undefined, fs: FileTreeView | undefined): Promise<ResolvedUser> {
  const value = (user ?? '').trim();
  if (value === '')
    return {
      ok: true,
      uid: 0,
      gid: 0,
      how: 'no User set: the runtime default is root',
      howDe: 'kein User gesetzt: die Laufzeitumgebung startet als root',
    };
  const [u = '', g] = value.split(':');
  let uid: number | undefined;
  let gid: number | undefined;
  let how = '';
  let howDe = '';
  if (/^\d+$/.test(u)) {
    uid = Number(u);
    how = 'numeric';
    howDe = 'numerisch';
  } else {
    if (!fs)
      return {
        ok: false,
        reason: `User "${u}" is a name and the image filesystem was not read`,
        reasonDe: `User "${u}" ist ein Name, und das Dateisystem des Images wurde nicht gelesen`,
      };
    const accounts = await readAccounts(fs);
    if (!accounts)
      return {
        ok: false,
        reason: `User "${u}" is a name and the image has no /etc/passwd`,
        reasonDe: `User "${u}" ist ein Name, und das Image hat keine /etc/passwd`,
      };
    const account = accounts.find((a) => a.name === u);
    if (!account)
      return {
        ok: false,
        reason: `User "${u}" is not in the image's /etc/passwd`,
        reasonDe: `User "${u}" steht nicht in der /etc/passwd des Images`,
      };
    uid = account.uid;
    gid = account.gid;
    how = `/etc/passwd: ${u} = ${account.uid}`;
    howDe = how;
  }
  if (g !== undefined && g !== '') {
    if (/^\d+$/.test(g)) gid = Number(g);
    else if (fs) {
      const groups = await readGroups(fs);
      const found = groups?.get(g);
      if (found === undefined)
        return {
          ok: false,
          reason: `group "${g}" is not in the image's /etc/group`,
          reasonDe: `Gruppe "${g}" steht nicht in der /etc/group des Images`,
        };
      gid = found;
    }
  }
  return { ok: true, uid, ...(gid === undefined ? {} : { gid }), how, howDe };
}
