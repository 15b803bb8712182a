import { Type } from '@sinclair/typebox';

/** The JSON body of every API error: a catalog code and a message. */
export const ErrorBody = Type.Object({ code: Type.String(), message: Type.String() });

/** The answers every guarded route may give besides its own (bad request, no key, no scope, too many requests). */
export const ERRORS = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 429: ErrorBody } as const;
