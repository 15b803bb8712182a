/**
 * The test cards of the test payment service and the checks its hosted page makes on what the customer typed. A card
 * that passes the checks is accepted or declined by its number alone, as Stripe's test mode does; a number that is
 * valid but not a test card is declined, so that no real card number is ever "accepted" by the demo.
 */

/** Card numbers the test service knows (docs/payments.md, "The test provider"). */
export const TEST_CARDS = {
  /** Visa, accepted. */
  accepted: '4242424242424242',
  /** JCB, accepted. */
  acceptedJcb: '3530111333300000',
  /** Mastercard, accepted. */
  acceptedMastercard: '5555555555554444',
  /** American Express, accepted (its security code has four digits). */
  acceptedAmex: '378282246310005',
  /** Declined: card-declined. */
  declined: '4000000000000002',
  /** Declined: insufficient-funds. */
  insufficientFunds: '4000000000009995',
} as const;

/** Why the test service declines a card that passed the field checks. */
export type TestDecline = 'card-declined' | 'insufficient-funds';

/** Every test card and what the service does with it, in the order the hosted page lists them. */
export const TEST_CARD_OUTCOMES: ReadonlyArray<{ number: string; outcome: 'accepted' | TestDecline }> = [
  { number: TEST_CARDS.accepted, outcome: 'accepted' },
  { number: TEST_CARDS.acceptedMastercard, outcome: 'accepted' },
  { number: TEST_CARDS.acceptedJcb, outcome: 'accepted' },
  { number: TEST_CARDS.acceptedAmex, outcome: 'accepted' },
  { number: TEST_CARDS.declined, outcome: 'card-declined' },
  { number: TEST_CARDS.insufficientFunds, outcome: 'insufficient-funds' },
];

/** The declined test cards and why; every other valid number that is not an accepted test card is declined too. */
export const DECLINED_TEST_CARDS: Readonly<Record<string, TestDecline>> = Object.fromEntries(
  TEST_CARD_OUTCOMES.flatMap((c) => (c.outcome === 'accepted' ? [] : [[c.number, c.outcome]])),
);

const ACCEPTED: ReadonlySet<string> = new Set(
  TEST_CARD_OUTCOMES.filter((c) => c.outcome === 'accepted').map((c) => c.number),
);

/** Luhn check of a card number. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length >= 12 && sum % 10 === 0;
}

/** True when an MM/YY expiry is this month or later. */
export function expiryValid(expiry: string, now: Date): boolean {
  const m = EXPIRY.exec(expiry.trim());
  if (!m) return false;
  const year = 2000 + Number(m[2]);
  const month = Number(m[1]);
  return year > now.getUTCFullYear() || (year === now.getUTCFullYear() && month >= now.getUTCMonth() + 1);
}

const EXPIRY = /^(0[1-9]|1[0-2])\s*\/\s*(\d{2})$/;

/** The card brand by its number's prefix, as providers name it (lower case); `unknown` otherwise. */
export function cardBrand(digits: string): string {
  if (/^3[47]/.test(digits)) return 'amex';
  if (/^4/.test(digits)) return 'visa';
  const two = Number(digits.slice(0, 2));
  const four = Number(digits.slice(0, 4));
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return 'mastercard';
  if (four >= 3528 && four <= 3589) return 'jcb';
  return 'unknown';
}

/** The fields of the hosted page's card form, in the order the page shows them. */
export const CARD_FIELDS = ['name', 'number', 'expiry', 'cvc'] as const;
export type CardField = (typeof CARD_FIELDS)[number];

/** What the customer typed; never stored, never logged. */
export type CardInput = Record<CardField, string>;

/** What is wrong with one field (each has its own message on the page). */
export type CardProblem =
  | 'name-missing'
  | 'name-too-long'
  | 'invalid-card'
  | 'expiry-format'
  | 'expired-card'
  | 'cvc-invalid'
  | TestDecline
  | 'not-a-test-card';

/** The test service's answer to a card form. */
export type CardOutcome =
  | { accepted: true; brand: string; last4: string }
  /** Each wrong field and why; `declined` when the fields were right but the card was refused. */
  | { accepted: false; problems: Partial<Record<CardField, CardProblem>>; declined: boolean };

/** Longest value accepted in a field: anything longer is wrong anyway, and nothing long is ever processed. */
export const FIELD_MAX_LENGTH: Readonly<Record<CardField, number>> = {
  name: 100,
  number: 23,
  expiry: 7,
  cvc: 4,
};

/**
 * Checks a card form the way the hosted page does: each field on its own (so that only the wrong ones are marked),
 * then, when all are right, the test card's fate.
 */
export function checkCard(input: CardInput, now: Date): CardOutcome {
  const problems: Partial<Record<CardField, CardProblem>> = {};
  const number = input.number.replace(/[\s-]/g, '');
  const numberValid = /^\d{12,19}$/.test(number) && luhnValid(number);
  if (input.name.trim() === '') problems.name = 'name-missing';
  else if (input.name.length > FIELD_MAX_LENGTH.name) problems.name = 'name-too-long';
  if (!numberValid) problems.number = 'invalid-card';
  if (!EXPIRY.test(input.expiry.trim())) problems.expiry = 'expiry-format';
  else if (!expiryValid(input.expiry, now)) problems.expiry = 'expired-card';
  // American Express prints a four-digit code on the front; every other brand three on the back.
  const cvcDigits = numberValid && cardBrand(number) === 'amex' ? 4 : 3;
  if (!new RegExp(`^\\d{${cvcDigits}}$`).test(input.cvc.trim())) problems.cvc = 'cvc-invalid';
  if (Object.keys(problems).length > 0) return { accepted: false, problems, declined: false };
  const declined = DECLINED_TEST_CARDS[number] ?? (ACCEPTED.has(number) ? undefined : 'not-a-test-card');
  if (declined) return { accepted: false, problems: { number: declined }, declined: true };
  return { accepted: true, brand: cardBrand(number), last4: number.slice(-4) };
}
