/** The SIM identifiers a query may carry. */
export interface SimIdentifierQuery {
  iccid?: string | undefined;
  imsi?: string | undefined;
  min?: string | undefined;
}

/** The identifiers the query gives, without the absent or empty ones (`?iccid=` looks nothing up by ICCID). */
export function givenIdentifiers(q: SimIdentifierQuery): { iccid?: string; imsi?: string; min?: string } {
  return {
    ...(q.iccid ? { iccid: q.iccid } : {}),
    ...(q.imsi ? { imsi: q.imsi } : {}),
    ...(q.min ? { min: q.min } : {}),
  };
}
