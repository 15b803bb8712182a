import type { KyselyConfig } from 'kysely';
import type { RanStatement } from './database.ts';

/** The Kysely log option that hands every statement that ran to `onStatement` (none without one). */
export function statementLog(onStatement?: (statement: RanStatement) => void): Pick<KyselyConfig, 'log'> {
  if (!onStatement) return {};
  return {
    log: (event) => {
      if (event.level === 'query') onStatement({ sql: event.query.sql, parameters: event.query.parameters });
    },
  };
}
