/**
 * Who runs the site, as the Impressum, the privacy notice, the accessibility statement and the footer name it.
 * The initiative's own material (../shared/seeds/sgci-initiative.txt) gives the operator and the contact; the
 * details it does not give (postal address, who represents the operator, register, VAT id, the data protection
 * officer) come from the server configuration (`operator`, docs/server.md), and the pages say that they are
 * missing until they are set there rather than show invented ones.
 */
import type { OperatorDetails } from '../config.ts';

export interface Operator {
  readonly name: string;
  readonly platform: string;
  readonly email: string;
  readonly contactPerson: { readonly name: string; readonly role: { readonly de: string; readonly en: string } };
  readonly postalAddress: readonly string[] | undefined;
  readonly representedBy: string | undefined;
  readonly register: string | undefined;
  readonly vatId: string | undefined;
  readonly dataProtectionOfficer: string | undefined;
}

export const operator: Operator = {
  name: 'Zentrum für Digitale Souveränität der Öffentlichen Verwaltung (ZenDiS) GmbH',
  platform: 'openCode',
  email: 'container@opencode.de',
  contactPerson: { name: 'Janou Feikens', role: { de: 'Community Managerin', en: 'Community Manager' } },
  postalAddress: undefined,
  representedBy: undefined,
  register: undefined,
  vatId: undefined,
  dataProtectionOfficer: undefined,
};

/** The operator with the details the configuration gives; what it leaves out stays missing. */
export function operatorWith(details: OperatorDetails | undefined): Operator {
  return {
    ...operator,
    postalAddress: details?.postalAddress,
    representedBy: details?.representedBy,
    register: details?.register,
    vatId: details?.vatId,
    dataProtectionOfficer: details?.dataProtectionOfficer,
  };
}
