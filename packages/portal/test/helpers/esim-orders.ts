// An EsimOrders for the Mobile Plans tests until the SM-DP+ branch is merged: it checks every input as the interface
// documents it (subscriber id, 32-digit EID, transactionId of at most 64 characters, the ICCID of an order of the
// subscriber on cancel), answers the same order for the same subscriber and EID while it is not cancelled, and
// records every call. The lead switches the browser tests to the real test SM-DP+ after merging.
import assert from 'node:assert/strict';
import type { EsimOrder, EsimOrders } from '../../src/esim/orders.ts';

/** The SM-DP+ address of the activation codes this double makes. */
export const TEST_SMDP_ADDRESS = 'smdp.test.example';

/** A call the portal made. */
export type EsimCall =
  | { fn: 'order'; subscriberId: string; eid: string; transactionId?: string }
  | { fn: 'cancel'; subscriberId: string; iccid: string; transactionId?: string };

/** The double and what it saw. */
export interface RecordingEsimOrders extends EsimOrders {
  calls: EsimCall[];
}

/** A recording EsimOrders; profile ICCIDs are 8988247000000000001, …02 in order. */
export function recordingEsimOrders(): RecordingEsimOrders {
  const calls: EsimCall[] = [];
  const orders = new Map<string, EsimOrder>();
  let next = 0;
  const checkCommon = (input: { subscriberId: string; transactionId?: string }) => {
    assert.match(input.subscriberId, /^[0-9a-f-]{36}$/, 'subscriberId is a subscriber id');
    if (input.transactionId !== undefined) assert.ok(input.transactionId.length <= 64, 'transactionId ≤ 64');
  };
  return {
    calls,
    async order(input) {
      calls.push({ fn: 'order', ...input });
      checkCommon(input);
      assert.match(input.eid, /^\d{32}$/, 'eid has 32 digits');
      const key = `${input.subscriberId} ${input.eid}`;
      const known = orders.get(key);
      if (known) return known;
      next++;
      const iccid = `898824700000000000${next}`;
      const matchingId = `MP-${String(next).padStart(4, '0')}-TEST`;
      const order = { iccid, activationCode: `1$${TEST_SMDP_ADDRESS}$${matchingId}` };
      orders.set(key, order);
      return order;
    },
    async cancel(input) {
      calls.push({ fn: 'cancel', ...input });
      checkCommon(input);
      const entry = [...orders].find(
        ([key, o]) => key.startsWith(input.subscriberId) && o.iccid === input.iccid,
      );
      assert.ok(entry, `the ICCID ${input.iccid} is an order of the subscriber`);
      orders.delete(entry[0]);
    },
    // This double never leaves an order half done.
    async returnStuck() {
      return { returned: 0, failed: 0, left: 0 };
    },
  };
}
