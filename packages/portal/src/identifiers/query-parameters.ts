import type { ParameterProblem } from '../views/models.ts';

/**
 * The parameters of a query Windows or the Mobile Plans app sent that `names` knows (query names in lower case to the
 * names the pages use), each with its trimmed value: names match case-insensitively, unknown parameters are ignored
 * (both documentations require it), empty values are left out, and a parameter given twice is a `duplicate` problem.
 */
export function knownParameters<Name extends ParameterProblem['param']>(
  query: Record<string, unknown>,
  names: Readonly<Record<string, Name>>,
): { values: Array<[Name, string]>; problems: ParameterProblem[] } {
  const values: Array<[Name, string]> = [];
  const problems: ParameterProblem[] = [];
  const seen = new Set<Name>();
  for (const [rawName, rawValue] of Object.entries(query)) {
    const name = names[rawName.toLowerCase()];
    if (!name) continue;
    const given = Array.isArray(rawValue) ? rawValue.map(String) : [String(rawValue ?? '')];
    if (seen.has(name) || given.length > 1) {
      problems.push({ param: name, value: given.join(','), problem: 'duplicate' });
      continue;
    }
    seen.add(name);
    const value = (given[0] ?? '').trim();
    if (value !== '') values.push([name, value]);
  }
  return { values, problems };
}
