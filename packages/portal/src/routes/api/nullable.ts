import { type TSchema, Type } from '@sinclair/typebox';

/** The schema, or null: how the answers show a column the row may leave empty. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
