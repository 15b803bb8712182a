/** One schema refusal of a request, as Ajv reports it through Fastify. */
interface ValidationIssue {
  keyword: string;
  instancePath: string;
  params: { additionalProperty?: string };
}

/**
 * The message of a request the schema refused, naming the unknown property when that was the reason (Ajv's own
 * message does not): a client still sending a field under an old name (price_minor for priceMinor) learns which.
 */
export function validationMessage(error: { message: string; validation?: unknown }): string {
  const [first] = (Array.isArray(error.validation) ? error.validation : []) as ValidationIssue[];
  const unknown = first?.keyword === 'additionalProperties' ? first.params.additionalProperty : undefined;
  return unknown === undefined ? error.message : `${error.message}: ${first?.instancePath ?? ''}/${unknown}`;
}
