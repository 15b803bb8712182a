/**
 * HRESULTs the simulated provisioning engine reports per section and item, formatted as the results schema wants
 * them: eight lower-case hexadecimal characters. The account provisioning page documents the first two; the others
 * are the Win32 errors Windows returns for the same situations (HRESULT_FROM_WIN32).
 */
export const HRESULT = {
  /** Applied. */
  S_OK: '00000000',
  /** Applied with a caveat, e.g. a plan that no profile names (the page calls it "a warning"). */
  S_FALSE: '00000001',
  /** WLAN service not running (ERROR_SERVICE_NOT_ACTIVE), documented on the account provisioning page. */
  SERVICE_NOT_ACTIVE: '80070426',
  /** Access denied (E_ACCESSDENIED), documented: e.g. a Wi-Fi profile of the same name that the user owns. */
  ACCESS_DENIED: '80070005',
  /** The hardware is not present (ERROR_DEVICE_NOT_CONNECTED): no Wi-Fi adapter, no mobile broadband device. */
  DEVICE_NOT_CONNECTED: '8007048f',
  /** Something named is not there (ERROR_NOT_FOUND): a profile's plan, a usage update's plan. */
  NOT_FOUND: '80070490',
  /** Invalid data in the section (E_INVALIDARG), e.g. an SMS rule whose pattern does not compile. */
  INVALID_ARG: '80070057',
  /**
   * The WLAN profile XML is refused (ERROR_BAD_PROFILE, what WlanSetProfile returns for a profile it cannot
   * read), e.g. Passpoint settings that are not well-formed identifiers.
   */
  BAD_PROFILE: '800704b6',
  /** No SIM in the device (ERROR_NOT_READY) for MBN profiles and activation. */
  NOT_READY: '80070015',
} as const;

/** One of the HRESULT strings above, or another eight-hex-digit code. */
export type HResult = string;

/** True for success codes (severity bit clear): S_OK and warnings. */
export function succeeded(code: HResult): boolean {
  return Number.parseInt(code.slice(0, 1), 16) < 8;
}
