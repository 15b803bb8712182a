import { MbprovError } from '@mbprov/core';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { SIM_REJECTION_CODES } from '../../backoffice/sims-csv.ts';
import { importSims } from '../../backoffice/sims-import.ts';
import { LISTED_REJECTIONS } from '../../backoffice/sims-import-report.ts';
import type { PortalContext } from '../../context.ts';
import { recordChange } from './audit-trail.ts';
import { ERRORS } from './error-answers.ts';
import type { Guard } from './guard.ts';

/** The largest SIM file accepted: a few hundred thousand rows. */
const CSV_LIMIT = 16 * 1024 * 1024;
const SimRejectionCode = Type.Union(SIM_REJECTION_CODES.map((c) => Type.Literal(c)));
/** The report of a SIM import: bounded whatever the size of the file. */
const SimImportAnswer = Type.Object({
  added: Type.Integer({ description: 'Rows whose SIM was added.' }),
  exists: Type.Integer({
    description: 'Rows whose SIM the inventory holds already, with the same identifiers (nothing changed).',
  }),
  rejected: Type.Integer({ description: 'Rows refused (nothing written for them).' }),
  rejectedByCode: Type.Partial(
    Type.Object(Object.fromEntries(SIM_REJECTION_CODES.map((c) => [c, Type.Integer()]))),
    { description: 'Refused rows by code.' },
  ),
  rows: Type.Array(
    Type.Object({
      line: Type.Integer({ description: 'Line of the CSV, from 1 (the header is line 1).' }),
      iccid: Type.String({
        description: 'As read (empty when the row has none); cells longer than 40 characters are shortened.',
      }),
      imsi: Type.String(),
      msisdn: Type.Optional(Type.String()),
      min: Type.Optional(Type.String({ description: 'CDMA MIN or MIN(IRM), as read.' })),
      esnMeid: Type.Optional(Type.String({ description: 'CDMA ESN or MEID, as read.' })),
      status: Type.Literal('rejected'),
      code: SimRejectionCode,
      reason: Type.String(),
    }),
    { description: `The first ${LISTED_REJECTIONS} refused rows, in line order.` },
  ),
  truncated: Type.Boolean({ description: 'More rows were refused than rows lists.' }),
});

/** POST /api/v1/sims/import: adds SIMs to the inventory from a CSV file. */
export function simRoutes(app: FastifyInstance, ctx: PortalContext, guard: Guard): void {
  const { db } = ctx.store;
  // A plugin of its own, so that only this route takes text/csv bodies.
  app.register(async (csv) => {
    csv.addContentTypeParser(
      'text/csv',
      { parseAs: 'string', bodyLimit: CSV_LIMIT },
      (_request, body, done) => done(null, body),
    );
    csv.post<{ Body: unknown }>(
      '/api/v1/sims/import',
      {
        preHandler: guard('sims:write'),
        bodyLimit: CSV_LIMIT,
        schema: {
          tags: ['sims'],
          summary:
            'Import SIMs from CSV: columns ICCID, IMSI, MSISDN, MIN, ESN/MEID (by position, or by a header row naming them: iccid, imsi, msisdn, min, esn_meid); a row needs an ICCID, an IMSI or a MIN (CDMA), ESN/MEID binds a CDMA device. Answers counts by outcome and by refusal code, and the first refused rows.',
          response: { 200: SimImportAnswer, ...ERRORS },
        },
      },
      async (request) => {
        // Other content types (JSON) parse to objects: only the CSV parser gives a string.
        if (typeof request.body !== 'string')
          throw new MbprovError('MBPROV_API_BAD_REQUEST', 'Send the CSV as text/csv.');
        const report = await importSims(db, request.body, ctx.clock().toISOString());
        const { added, exists, rejected, rejectedByCode } = report;
        await recordChange(ctx, request, {
          action: 'sims.import',
          target: 'inventory',
          details: { added, exists, rejected, rejectedByCode },
        });
        return report;
      },
    );
  });
}
