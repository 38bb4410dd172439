import { randomUUID } from 'node:crypto';
import { isSgciError, SgciError } from '../../core/index.ts';
import { actorOf, type Principal } from '../accounts/principal.ts';
import { appendEvent } from '../db/events.ts';
import type { CatalogueTx } from '../db/open.ts';
import type { SubmissionInputs } from '../db/schema.ts';
import { enqueueJob } from '../jobs/queue.ts';
import type { CatalogueServices } from '../services.ts';
import { scanInputsOf } from './inputs.ts';
import { defaultSubmissionLimits, type SubmissionLimits, SubmissionsLimited, submissionRetryAfter } from './limits.ts';
import type { SubmissionRequest } from './request.ts';
import type { SubmissionStatus } from './states.ts';

export const scanJobKind = 'sgci.scan';

/** The organisation a submission is made for: the one named, or the submitter's only one. */
function organisationOf(principal: Principal, named: string | undefined): string {
  if (named !== undefined) {
    if (!principal.organisations.includes(named))
      throw new SgciError('FORBIDDEN', named, 'you are not a member of this organisation');
    return named;
  }
  const [only, ...more] = principal.organisations;
  if (only === undefined) throw new SgciError('FORBIDDEN', principal.login, 'you are not a member of any organisation');
  if (more.length > 0)
    throw new SgciError(
      'USAGE',
      'organisation',
      `member of several organisations: name one of ${principal.organisations.join(', ')}`,
    );
  return only;
}

function inputsOf(request: SubmissionRequest): SubmissionInputs {
  return {
    ...(request.dockerfile !== undefined ? { dockerfile: request.dockerfile } : {}),
    ...(request.manifests ? { manifests: request.manifests } : {}),
    ...(request.vex ? { vex: request.vex } : {}),
  };
}

/** The catalogue entry a submission is for: created by the first, updated by later ones of the same organisation. */
async function upsertImage(
  tx: CatalogueTx,
  request: SubmissionRequest,
  organisation: string,
  repository: string,
  principal: Principal,
  now: Date,
): Promise<void> {
  const fields = {
    repository,
    description_de: request.description.de,
    description_en: request.description.en,
    categories: JSON.stringify([...new Set(request.categories)].sort()),
    license: request.license,
    source: request.source,
    contact: request.contact,
    end_of_life: request.endOfLife ?? null,
    updated_at: now,
  };
  const existing = await tx
    .selectFrom('images')
    .select(['organisation', 'repository', 'description_de', 'description_en', 'license', 'source', 'contact'])
    .where('name', '=', request.name)
    .forUpdate()
    .executeTakeFirst();
  const actor = actorOf(principal);
  const subject = { kind: 'image', id: request.name };
  if (!existing) {
    await tx
      .insertInto('images')
      .values({ name: request.name, organisation, created_at: now, ...fields })
      .execute();
    await tx
      .insertInto('maintainers')
      .values({ image: request.name, user_id: principal.userId, organisation, since: now })
      .execute();
    await appendEvent(tx, { actor, subject, kind: 'created', after: { organisation, repository }, at: now });
    return;
  }
  if (existing.organisation !== organisation) {
    throw new SgciError('FORBIDDEN', request.name, `the image belongs to organisation ${existing.organisation}`);
  }
  await tx.updateTable('images').set(fields).where('name', '=', request.name).execute();
  const { organisation: _, ...before } = existing;
  await appendEvent(tx, {
    actor,
    subject,
    kind: 'updated',
    before,
    after: { ...fields, categories: request.categories },
    at: now,
  });
}

/**
 * Submits a version: the files are parsed (a bad one is refused before anything is stored), the reference resolved
 * to its digest, then the image entry, the submission, its event and its scan job are written in one transaction.
 */
export async function submit(
  services: CatalogueServices,
  principal: Principal,
  request: SubmissionRequest,
  limits: SubmissionLimits = defaultSubmissionLimits,
): Promise<{ id: string; status: SubmissionStatus; digest: string }> {
  const { catalogue, images } = services;
  const organisation = organisationOf(principal, request.organisation);
  const wait = await submissionRetryAfter(
    catalogue.db,
    { user: principal.userId, organisation },
    limits,
    catalogue.now(),
  );
  if (wait > 0) throw new SubmissionsLimited(principal.login, wait);
  const inputs = inputsOf(request);
  scanInputsOf(inputs);
  const resolved = await images.resolve(request.image, organisation).catch((error: unknown) => {
    // named as the field it came from, with the registry's reason: `image: registry.example/app:1: …`
    throw isSgciError(error) ? new SgciError(error.code, 'image', error.message, { cause: error }) : error;
  });
  const id = randomUUID();
  const now = catalogue.now();
  await catalogue.transaction(async (tx) => {
    await upsertImage(tx, request, organisation, resolved.repository, principal, now);
    const live = await tx
      .selectFrom('submissions')
      .select(['id', 'status'])
      .where('image', '=', request.name)
      .where('digest', '=', resolved.digest)
      .where('status', 'not in', ['rejected', 'withdrawn', 'checks-failed', 'changes-requested'])
      .executeTakeFirst();
    if (live) {
      throw new SgciError('CONFLICT', resolved.digest, `already submitted as ${live.id} (${live.status})`);
    }
    await tx
      .insertInto('submissions')
      .values({
        id,
        image: request.name,
        reference: request.image,
        digest: resolved.digest,
        tag: resolved.tag ?? null,
        status: 'submitted',
        organisation,
        submitted_by: principal.userId,
        inputs: JSON.stringify(inputs),
        created_at: now,
        updated_at: now,
      })
      .execute();
    await appendEvent(tx, {
      actor: actorOf(principal),
      subject: { kind: 'submission', id },
      kind: 'status',
      after: { status: 'submitted', image: request.name, digest: resolved.digest, reference: request.image },
      at: now,
    });
    await enqueueJob(tx, scanJobKind, { submission: id }, now);
  });
  return { id, status: 'submitted', digest: resolved.digest };
}
