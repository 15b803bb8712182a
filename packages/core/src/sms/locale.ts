// Message Locale: Windows setlocale names ("English_United States.1252") and BCP 47 tags ("en-US") mapped to an
// Intl locale, whose number symbols the number parser uses.

/** Default Locale (wwan/element-locale.md: `token : "en-US"`; the XSD spells it English_United States.1252). */
export const DEFAULT_MESSAGE_LOCALE = 'en-US';

/** Number symbols of a locale, as Intl.NumberFormat writes them. */
export interface NumberSymbols {
  /** The Intl locale tag, e.g. de-DE. */
  locale: string;
  decimal: string;
  group: string;
  /** The locale's own digits 0-9 (ASCII digits are always accepted too). */
  digits: readonly string[];
}

/** A resolved Locale: its symbols, and why it fell back to en-US when it did. */
export interface ResolvedLocale extends NumberSymbols {
  /** Set when the Locale was not recognised (or only partly): says what was used instead. */
  problem?: string;
}

/** Windows region names that differ from the English names Intl uses. */
const REGION_ALIASES: Record<string, string> = {
  usa: 'US',
  'united states of america': 'US',
  uk: 'GB',
  britain: 'GB',
  'great britain': 'GB',
  korea: 'KR',
  'republic of korea': 'KR',
  'korea republic of': 'KR',
  prc: 'CN',
  "people's republic of china": 'CN',
  'peoples republic of china': 'CN',
  'hong kong sar': 'HK',
  'hong kong': 'HK',
  'macao sar': 'MO',
  macau: 'MO',
  'czech republic': 'CZ',
  turkey: 'TR',
  'viet nam': 'VN',
  'russian federation': 'RU',
  'u.a.e.': 'AE',
  uae: 'AE',
};

/** Windows language names that differ from the English names Intl uses. */
const LANGUAGE_ALIASES: Record<string, string> = {
  chs: 'zh',
  cht: 'zh',
  norwegian: 'nb',
  'norwegian-nynorsk': 'nn',
  farsi: 'fa',
};

let languageNames: Map<string, string> | undefined;
let regionNames: Map<string, string> | undefined;

/** English display name (lower case) to code, for every two-letter code Intl names. Built once, on first use. */
function reverseNames(type: 'language' | 'region'): Map<string, string> {
  const names = new Intl.DisplayNames(['en'], { type, fallback: 'none' });
  const map = new Map<string, string>();
  const a = 'a'.charCodeAt(0);
  for (let i = 0; i < 26; i++) {
    for (let j = 0; j < 26; j++) {
      const code = String.fromCharCode(a + i, a + j);
      const tag = type === 'region' ? code.toUpperCase() : code;
      let name: string | undefined;
      try {
        name = names.of(tag);
      } catch {
        name = undefined;
      }
      if (name && name.toLowerCase() !== tag.toLowerCase() && !map.has(name.toLowerCase())) {
        map.set(name.toLowerCase(), tag);
      }
    }
  }
  return map;
}

function languageCode(name: string): string | undefined {
  const key = name.trim().toLowerCase();
  if (/^[a-z]{2,3}$/.test(key) && supported(key)) return key;
  if (LANGUAGE_ALIASES[key]) return LANGUAGE_ALIASES[key];
  languageNames ??= reverseNames('language');
  return languageNames.get(key);
}

function regionCode(name: string): string | undefined {
  const key = name.trim().toLowerCase().replace(/\s+/g, ' ');
  if (/^[a-z]{2}$/.test(key)) return key.toUpperCase();
  if (REGION_ALIASES[key]) return REGION_ALIASES[key];
  regionNames ??= reverseNames('region');
  return regionNames.get(key);
}

function supported(tag: string): boolean {
  try {
    return Intl.NumberFormat.supportedLocalesOf([tag]).length > 0;
  } catch {
    return false;
  }
}

/** The number symbols Intl.NumberFormat uses for `tag`. */
function symbolsOf(tag: string): NumberSymbols {
  const format = new Intl.NumberFormat(tag, { useGrouping: true });
  const parts = format.formatToParts(1234567.5);
  const digitFormat = new Intl.NumberFormat(tag, { useGrouping: false });
  return {
    locale: format.resolvedOptions().locale,
    decimal: parts.find((p) => p.type === 'decimal')?.value ?? '.',
    group: parts.find((p) => p.type === 'group')?.value ?? ',',
    digits: Array.from({ length: 10 }, (_, d) => digitFormat.format(d)),
  };
}

/** Maps a Locale value to an Intl tag, or says why it cannot. */
function toTag(name: string): { tag: string; problem?: string } | { problem: string } {
  const trimmed = name.trim();
  // BCP 47 ("en-US", "en-us", "de"): the element page's "en-us" form.
  if (/^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$/.test(trimmed)) {
    try {
      const [tag] = Intl.getCanonicalLocales(trimmed);
      if (tag && supported(tag)) return { tag };
    } catch {
      // not a well-formed tag
    }
    return { problem: `"${name}" is not a locale Intl knows` };
  }
  // Windows setlocale form: Language[_Region][.CodePage] ("English_United States.1252"), also "en_US.UTF-8".
  const m = /^([^_.]+)(?:_([^.]+))?(?:\.[\w-]+)?$/.exec(trimmed);
  if (!m) return { problem: `"${name}" is neither a Windows locale name nor a BCP 47 tag` };
  const language = languageCode(m[1] as string);
  if (!language) return { problem: `language "${m[1]}" of "${name}" is not known` };
  if (m[2] === undefined) return { tag: language };
  const region = regionCode(m[2]);
  if (!region)
    return { tag: language, problem: `region "${m[2]}" of "${name}" is not known; ${language} used` };
  const tag = `${language}-${region}`;
  return supported(tag) ? { tag } : { tag: language, problem: `"${tag}" is not supported; ${language} used` };
}

const resolved = new Map<string, ResolvedLocale>();

/**
 * Resolves a message Locale (`English_United States.1252` or `en-US` style; default en-US) to the Intl locale
 * and number symbols used to read its numbers. An unknown locale falls back to en-US and says so in `problem`.
 */
export function resolveMessageLocale(name: string | undefined): ResolvedLocale {
  const key = name ?? DEFAULT_MESSAGE_LOCALE;
  const cached = resolved.get(key);
  if (cached) return cached;
  const found = toTag(key);
  const result: ResolvedLocale =
    'tag' in found
      ? { ...symbolsOf(found.tag), ...(found.problem ? { problem: found.problem } : {}) }
      : { ...symbolsOf(DEFAULT_MESSAGE_LOCALE), problem: `${found.problem}; en-US used` };
  // Locale values come from provisioning documents: a small cache, emptied if a caller feeds it many.
  if (resolved.size >= 256) resolved.clear();
  resolved.set(key, result);
  return result;
}
