/**
 * Every text of the test payment service's hosted page, in English and Japanese. Plain text with `{name}`
 * placeholders: the template escapes on output, so no string holds HTML.
 */
import type { PaymentLang } from '../provider.ts';
import type { CardProblem } from './cards.ts';

const en = {
  'page.title': 'Test payment',
  'banner.badge': 'TEST',
  'banner.text': 'TEST payment page — no real card is charged',
  'banner.region': 'Test notice',
  'pay.heading': 'Pay {amount}',
  'pay.for': 'For',
  'pay.amount': 'Amount',
  'pay.card': 'Card details',
  'field.name': 'Name on card',
  'field.number': 'Card number',
  'field.expiry': 'Expiry date (MM/YY)',
  'field.cvc': 'Security code',
  'field.cvc.hint': '3 digits on the back of the card (American Express: 4 digits on the front)',
  'pay.submit': 'Pay {amount}',
  'pay.cancel': 'Cancel and go back',
  'errors.title': 'There is a problem',
  'problem.name-missing': 'Enter the name on the card',
  'problem.name-too-long': 'The name on the card must be 100 characters or fewer',
  'problem.invalid-card': 'Enter a valid card number',
  'problem.expiry-format': 'Enter the expiry date as MM/YY, for example 12/30',
  'problem.expired-card': 'This card has expired: check the date or use another card',
  'problem.cvc-invalid': 'Enter the security code: 3 digits (4 digits for American Express)',
  'problem.card-declined': 'Your card was declined: use another card',
  'problem.insufficient-funds': 'Your card has insufficient funds: use another card',
  'problem.not-a-test-card': 'This test page only takes the test cards listed below',
  'testCards.title': 'Test cards',
  'testCards.intro':
    'Use any future expiry date and any 3-digit security code (4 digits for American Express).',
  'testCards.accepted': 'accepted',
  'testCards.card-declined': 'declined',
  'testCards.insufficient-funds': 'declined: insufficient funds',
  'closed.captured': 'This payment is already complete.',
  'closed.canceled': 'This payment was canceled.',
  'closed.expired': 'This payment has expired: nothing was charged.',
  'closed.refunded': 'This payment was refunded.',
  'closed.toReturn': 'Continue to the shop',
  'closed.toCancel': 'Back to the shop',
  'error.notFound': 'This payment does not exist.',
  'error.stale': 'This form is out of date. Open the payment page again.',
  'error.bad': 'The request could not be read.',
  'error.again': 'Open the payment page again',
  'footer.text': 'mbprov test payment service',
} as const;

/** A text's key. */
export type StringKey = keyof typeof en;

const ja: Record<StringKey, string> = {
  'page.title': 'テスト決済',
  'banner.badge': 'テスト',
  'banner.text': 'テスト用の決済ページです — 実際のカードには請求されません',
  'banner.region': 'テストのお知らせ',
  'pay.heading': '{amount}のお支払い',
  'pay.for': '内容',
  'pay.amount': '金額',
  'pay.card': 'カード情報',
  'field.name': 'カード名義',
  'field.number': 'カード番号',
  'field.expiry': '有効期限（MM/YY）',
  'field.cvc': 'セキュリティコード',
  'field.cvc.hint': 'カード裏面の3桁（American Expressは表面の4桁）',
  'pay.submit': '{amount}を支払う',
  'pay.cancel': 'キャンセルして戻る',
  'errors.title': '入力内容を確認してください',
  'problem.name-missing': 'カード名義を入力してください',
  'problem.name-too-long': 'カード名義は100文字以内で入力してください',
  'problem.invalid-card': '正しいカード番号を入力してください',
  'problem.expiry-format': '有効期限を MM/YY の形式で入力してください（例: 12/30）',
  'problem.expired-card': 'このカードは有効期限が切れています。日付を確認するか、別のカードをお使いください',
  'problem.cvc-invalid': 'セキュリティコードを入力してください（3桁、American Expressは4桁）',
  'problem.card-declined': 'カードが承認されませんでした。別のカードをお使いください',
  'problem.insufficient-funds': 'カードの利用可能額が不足しています。別のカードをお使いください',
  'problem.not-a-test-card': 'このテストページでは、下記のテストカードのみご利用いただけます',
  'testCards.title': 'テストカード',
  'testCards.intro':
    '有効期限は未来の任意の日付、セキュリティコードは任意の3桁（American Expressは4桁）を入力してください。',
  'testCards.accepted': '承認',
  'testCards.card-declined': '拒否',
  'testCards.insufficient-funds': '拒否（利用可能額不足）',
  'closed.captured': 'この支払いはすでに完了しています。',
  'closed.canceled': 'この支払いはキャンセルされました。',
  'closed.expired': 'この支払いは期限切れです。請求はされていません。',
  'closed.refunded': 'この支払いは返金済みです。',
  'closed.toReturn': 'ショップに進む',
  'closed.toCancel': 'ショップに戻る',
  'error.notFound': 'この支払いは存在しません。',
  'error.stale': 'このフォームは古くなっています。決済ページを開き直してください。',
  'error.bad': 'リクエストを読み取れませんでした。',
  'error.again': '決済ページを開き直す',
  'footer.text': 'mbprov テスト決済サービス',
};

const STRINGS: Record<PaymentLang, Record<StringKey, string>> = { en, ja };

/** The text `key` in `lang`, with `{name}` placeholders filled from `params`. */
export function text(lang: PaymentLang, key: StringKey, params: Record<string, string> = {}): string {
  return STRINGS[lang][key].replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole);
}

/** The message of a field problem. */
export function problemText(lang: PaymentLang, problem: CardProblem): string {
  return text(lang, `problem.${problem}`);
}

/** An amount in minor units as the customer reads it in `lang` (JPY has no decimals, USD two). */
export function formatAmount(lang: PaymentLang, amountMinor: number, currency: string): string {
  const format = new Intl.NumberFormat(lang === 'ja' ? 'ja-JP' : 'en-US', { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amountMinor / 10 ** digits);
}
