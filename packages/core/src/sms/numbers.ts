// Numbers written per a message Locale: "1,234.5" in en-US, "1.234,5" in de-DE, "1 234,5" in fr-FR.
import type { NumberSymbols } from './locale.ts';

const literal = (s: string) => s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

interface NumberSyntax {
  /** Whole-text number: integer part (with group separators), optional fraction. */
  regex: RegExp;
  /** The group separator class, to split the integer part. */
  group: RegExp;
  /** Native digit to ASCII digit, for locales whose digits are not ASCII. */
  digits: Map<string, string>;
}

const syntaxes = new WeakMap<NumberSymbols, NumberSyntax>();

/** Builds (once per symbols object) the expression that reads a number in that locale. */
function syntaxOf(symbols: NumberSymbols): NumberSyntax {
  const cached = syntaxes.get(symbols);
  if (cached) return cached;
  // A space-like group separator (fr-FR U+202F, ru-RU U+00A0) also accepts an ordinary space, as SMS texts have;
  // an apostrophe-like one (de-CH ') accepts both ' and U+2019.
  const group = /\s/.test(symbols.group)
    ? '\\s'
    : /['\u2019]/.test(symbols.group)
      ? "['\\u2019]"
      : literal(symbols.group);
  const decimal = literal(symbols.decimal);
  const digits = new Map<string, string>();
  symbols.digits.forEach((d, i) => {
    if (d !== String(i)) digits.set(d, String(i));
  });
  const syntax = {
    regex: new RegExp(`^(?:(\\d+(?:${group}\\d+)*)(?:${decimal}(\\d+))?|${decimal}(\\d+))$`),
    group: new RegExp(group),
    digits,
  };
  syntaxes.set(symbols, syntax);
  return syntax;
}

/**
 * Reads a non-negative number written with the locale's decimal and group separators ("1,234.5" en-US,
 * "1.234,5" de-DE). Group separators must separate real groups (the last one 3 digits, earlier ones 2 or 3,
 * so Indian 12,34,567 reads too), so "1,5" in en-US is refused rather than read as 15. No sign, no exponent.
 * Returns undefined when the text is not such a number.
 */
export function parseLocaleNumber(text: string, symbols: NumberSymbols): number | undefined {
  const syntax = syntaxOf(symbols);
  let t = text.trim();
  if (syntax.digits.size) t = [...t].map((c) => syntax.digits.get(c) ?? c).join('');
  const m = syntax.regex.exec(t);
  if (!m) return undefined;
  if (m[3] !== undefined) return Number(`0.${m[3]}`);
  const groups = (m[1] as string).split(syntax.group);
  if (groups.length > 1) {
    const [first, ...rest] = groups as [string, ...string[]];
    if (first.length > 3) return undefined;
    const last = rest.pop() as string;
    if (last.length !== 3 || rest.some((g) => g.length < 2 || g.length > 3)) return undefined;
  }
  const value = Number(m[2] === undefined ? groups.join('') : `${groups.join('')}.${m[2]}`);
  return Number.isFinite(value) ? value : undefined;
}

/** Reads a percentage: a number per {@link parseLocaleNumber}, optionally followed by a % sign. */
export function parseLocalePercent(text: string, symbols: NumberSymbols): number | undefined {
  return parseLocaleNumber(text.replace(/\s*%\s*$/, ''), symbols);
}
