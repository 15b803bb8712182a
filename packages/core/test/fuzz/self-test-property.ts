// A property module for testing the fuzzer itself (fuzz-watchdog.test.ts): it hangs, throws or kills its worker on
// inputs whose base says so, and passes everything else.
import type { FuzzInput } from './inputs.ts';
import type { FuzzProperty } from './property.ts';

const selfTest: FuzzProperty = {
  name: 'self-test',
  check(input: FuzzInput) {
    if (input.base === 'hang') for (;;);
    if (input.base === 'throw') throw new TypeError('thrown on purpose');
    if (input.base === 'die') process.exit(3);
    if (input.base === 'fail')
      return { findings: [{ type: 'property', property: 'self-test', message: 'failed on purpose' }] };
    return { findings: [] };
  },
};

/** The self-test property. */
export const properties: FuzzProperty[] = [selfTest];
