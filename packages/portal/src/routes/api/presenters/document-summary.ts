import { type Static, Type } from '@sinclair/typebox';
import type { StoredDocument } from '../../../storage/documents.ts';

/** A stored provisioning document without its body: which version, of which kind, and when. */
export const DocumentSummary = Type.Object({
  version: Type.Integer(),
  kind: Type.String({ description: 'full or usage.' }),
  etag: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});
/** A stored document as the API answers it. */
export type DocumentSummary = Static<typeof DocumentSummary>;

/** The API shape of a stored document (never its XML, which holds the subscriber's credentials). */
export function presentDocumentSummary(document: StoredDocument): DocumentSummary {
  return {
    version: document.version,
    kind: document.kind,
    etag: document.etag,
    createdAt: document.created_at,
  };
}
