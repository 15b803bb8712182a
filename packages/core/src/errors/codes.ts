/**
 * The one catalog of stable mbprov error codes, shared by the library, the CLI and the server.
 * Each entry says what the code means, its default severity and the HTTP status a server answers with.
 * Codes never change meaning; new problems get new codes. Documented in docs/error-codes.md.
 */

/** Severity of a diagnostic: errors make a document invalid, warnings and info do not. */
export type Severity = 'error' | 'warning' | 'info';

/** Catalog entry for one code. */
export interface CodeInfo {
  /** Default severity of diagnostics carrying this code. */
  readonly severity: Severity;
  /** HTTP status a server answers when this code rejects a request. */
  readonly status: number;
  /** One sentence saying what the code means, for docs and `--help`. */
  readonly summary: string;
}

const e = (summary: string, status = 400): CodeInfo => ({ severity: 'error', status, summary });
const w = (summary: string): CodeInfo => ({ severity: 'warning', status: 200, summary });

/** Every code, grouped by area. */
export const codes = {
  // Input and XML safety
  MBPROV_IO_ERROR: e('A file could not be read or written.', 500),
  MBPROV_XML_EMPTY: e('The input is empty.'),
  MBPROV_XML_TOO_LARGE: e('The input is larger than the configured size limit.', 413),
  MBPROV_XML_TOO_DEEP: e('Elements are nested deeper than the configured depth limit.'),
  MBPROV_XML_DTD_FORBIDDEN: e(
    'A DOCTYPE (DTD, entity declarations) is present; provisioning documents must not have one.',
  ),
  MBPROV_XML_ENCODING_UNSUPPORTED: e(
    'The document is not UTF-8 (declared or detected encoding other than UTF-8).',
  ),
  MBPROV_XML_MALFORMED: e('The input is not well-formed XML.'),
  MBPROV_XML_NAMESPACE_INVALID: e(
    'A namespace declaration is not a URI reference (Namespaces in XML 1.0, section 2.2), such as xmlns:q="a b".',
  ),
  MBPROV_XML_WRONG_ROOT: e('The root element is not CarrierProvisioning in the CarrierControl v1 namespace.'),
  MBPROV_XML_NOT_CANONICALIZABLE: e(
    'Canonical XML refuses the document (a relative namespace URI), so it can be neither signed nor verified.',
  ),

  // XSD
  MBPROV_SCHEMA_INVALID: e('The document does not conform to the CarrierControl schemas.'),
  MBPROV_SCHEMA_LOAD_FAILED: e('The bundled XSD files could not be compiled.', 500),

  // Model mapping
  MBPROV_MODEL_BAD_VALUE: e(
    'A value cannot be represented in the document model (for example a non-number where a number is required).',
  ),
  MBPROV_MODEL_UNKNOWN_ELEMENT: e('An element the schema does not allow at this place.'),

  // Semantic rules: Global
  MBPROV_CARRIER_ID_FORMAT: e('CarrierId must be a GUID in braces, {xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}.'),
  MBPROV_SUBSCRIBER_ID_FORMAT: e(
    'SubscriberId must be 1 to 20 word characters (letters, digits, underscore).',
  ),
  MBPROV_DEVICE_ID_FORMAT: e(
    'DeviceId must be 15 or 16 digits (IMEI/MEID) or a MAC address aa:bb:cc:dd:ee:ff.',
  ),

  // Plans
  MBPROV_PLAN_MISSING: e('A profile names a plan (AssociatedPlan) that the document does not define.'),
  MBPROV_PLAN_UNREFERENCED: w('A plan is defined but no profile in the document names it.'),
  MBPROV_PLAN_DUPLICATE: e('Two plans have the same Name.'),
  MBPROV_PLAN_BANDWIDTH_TOO_HIGH: e('A bandwidth is above the 2 Gbps maximum (2,000,000 kbps).'),
  MBPROV_PLAN_FIXED_WITHOUT_LIMIT: w(
    'A Fixed plan has no DataLimitInMegabytes, so Windows cannot track the allowance.',
  ),
  MBPROV_PLAN_LIMIT_NOT_FIXED: w('DataLimitInMegabytes is only meaningful for a Fixed plan.'),
  MBPROV_PLAN_USAGE_OVER_LIMIT: w('CurrentUsage exceeds DataLimitInMegabytes but OverLimit is not true.'),
  MBPROV_PLAN_TRANSFER_ABOVE_LIMIT: w('MaxTransferSizeInMegabytes is larger than the plan data limit.'),
  MBPROV_PLAN_BAD_TIMESTAMP: e('A dateTime is not a valid date and time.'),

  // DUSM Cost documents
  MBPROV_DUSM_VALUE_TOO_HIGH: e('A DUSM Cost number is above 2^32, the maximum of the DUSM reference.'),
  MBPROV_DUSM_NOT_UTC: w('A DUSM Cost date is not in UTC, as the DUSM reference gives it.'),

  // Mobile broadband profiles
  MBPROV_BRANDING_IGNORED: w(
    'Branding is ignored since Windows 10 version 1709; set Branding Name and Icon in the COSA database instead.',
  ),
  MBPROV_BRANDING_LOGO_FORMAT: w(
    'Branding Logo is not a base64 PNG or BMP image; Windows 10 1709 and later ignore Branding without error.',
  ),
  MBPROV_MBN_PASSWORD_WITHOUT_AUTH: w('A context password is set but AuthProtocol is NONE.'),

  // SMS / USSD operator message rules
  MBPROV_SMS_PATTERN_INVALID: e('A message Pattern is not a valid regular expression.'),
  MBPROV_SMS_GROUP_MISSING: e('A message field names a capturing group that the Pattern does not have.'),
  MBPROV_SMS_USAGE_WITHOUT_TIMESTAMP: e('A message rule with a Usage* field must also have UsageTimestamp.'),
  MBPROV_SMS_TIMESTAMP_FORMAT: w(
    'A UsageTimestamp Format uses an identifier outside the documented table; Windows cannot read the timestamp, so usage is timed at receipt.',
  ),
  MBPROV_SMS_TIMESTAMP_NO_MONTH_DAY: w(
    'A UsageTimestamp Format has no month or no day identifier, which the schema reference says are required.',
  ),
  MBPROV_SMS_TIMESTAMP_WITHOUT_USAGE: w(
    'A message rule has UsageTimestamp but no Usage* field, which the schema reference says it must not.',
  ),
  MBPROV_SMS_SENDER_FORMAT: w(
    'An SMSBearer Sender is not a phone number or short code; it must match the received sender exactly.',
  ),
  MBPROV_SMS_NO_SENDER: w('An SMSBearer has no Sender: any sender could then drive usage and refresh.'),
  MBPROV_SMS_TEXT_TOO_LONG: e(
    'An operator message is longer than 1,600 characters (10 concatenated SMS); it is not evaluated against the rules.',
    413,
  ),
  MBPROV_SMS_RULE_SKIPPED: w(
    'A message rule was skipped while evaluating a message because its Pattern does not compile.',
  ),
  MBPROV_SMS_LOCALE_UNKNOWN: w('A message Locale is not recognised; numbers are read as en-US.'),
  MBPROV_SMS_FIELD_EMPTY: w("A message field's group captured nothing, so the field is not set."),
  MBPROV_SMS_NUMBER_INVALID: w(
    "A captured value is not a number written in the rule's Locale, so the field is not set.",
  ),
  MBPROV_SMS_UNIT_UNKNOWN: w('A captured unit is none of the Units tokens; DefaultUnit was used instead.'),
  MBPROV_SMS_TIMESTAMP_MISMATCH: w(
    'A captured timestamp does not fit the UsageTimestamp Format or is not a real date; the time the message was received is used.',
  ),
  MBPROV_SMS_COMPOSE_NO_RULE: e(
    'No operator message rule can carry this intent (usage, refresh or activation); the message says why for each rule.',
    409,
  ),
  MBPROV_SMS_COMPOSE_FAILED: e(
    "The rule's Pattern cannot be filled automatically so that Windows reads the intended values; write the text by hand.",
    500,
  ),
  MBPROV_SMS_COMPOSE_INTENT_INVALID: e(
    'The message to compose is not valid (a negative or non-finite amount, an invalid date, an unknown kind).',
  ),

  // Wi-Fi profiles
  MBPROV_WLAN_EMPTY_DELETES_ALL: w('An empty WLANProfiles section deletes every Wi-Fi profile on the PC.'),
  MBPROV_WLAN_DUPLICATE_NAME: e('Two WLAN profiles have the same name.'),
  MBPROV_WLAN_TOO_MANY_SSIDS: e(
    'Too many SSIDs: at most 25 in the v1 namespace, 10,000 in v2 and 32 SSID prefixes.',
  ),
  MBPROV_WLAN_TOO_MANY_SSIDS_IN_TOTAL: w(
    'A WLAN profile has more than 10,000 SSIDs in total across its v1 and v2 SSID elements (each within its own limit).',
  ),
  MBPROV_WLAN_TOO_MANY_PROFILES: e('WLANProfiles has more than ten profiles, the most Windows takes.'),
  MBPROV_WLAN_SSID_TOO_LONG: e('An SSID is longer than 32 bytes (UTF-8).'),
  MBPROV_WLAN_SSID_PREFIX_TOO_SHORT: e('An SSID prefix is shorter than 4 bytes.'),
  MBPROV_WLAN_KEY_REQUIRED: e('The authentication method needs a sharedKey.'),
  MBPROV_WLAN_KEY_FORMAT: e('The sharedKey keyMaterial does not fit its keyType and authentication.'),
  MBPROV_WLAN_KEY_PROTECTED: e('A protected (machine-encrypted) key cannot be provisioned to another PC.'),
  MBPROV_WLAN_AUTH_COMBINATION: e(
    'The authentication, encryption and useOneX combination is not one Windows accepts.',
  ),
  MBPROV_WLAN_ONEX_MISSING: e('useOneX is true but no OneX configuration is present.'),
  MBPROV_WLAN_HOTSPOT_NOT_OPEN: w('A HotspotProfile (WISPr) is only used on open networks.'),
  MBPROV_WLAN_TRUSTED_DOMAIN_FORMAT: e(
    'A TrustedDomain must be a domain name (A-labels or U-labels, one trailing dot allowed) or a .domain wildcard.',
  ),
  MBPROV_PASSPOINT_ELEMENT_ORDER: e(
    'Hotspot2 children are out of schema order (DomainName, NAIRealm, Network3GPP, RoamingConsortium); Windows refuses the profile.',
  ),
  MBPROV_PASSPOINT_DUPLICATE_ELEMENT: e(
    'A Hotspot2 child that the native WLAN profile schema allows once (DomainName, NAIRealm, Network3GPP, RoamingConsortium) occurs again; Windows refuses the profile.',
  ),
  MBPROV_PASSPOINT_TOO_MANY: e(
    'A Hotspot2 list holds more than 256 entries (NAIRealm name, Network3GPP PLMNID, RoamingConsortium OUI: maxOccurs 256 in the native WLAN profile schema); Windows refuses the profile.',
  ),
  MBPROV_PASSPOINT_DOMAIN_NAME: e('A Hotspot2 DomainName must be a DNS name (1 to 255 characters).'),
  MBPROV_PASSPOINT_NAI_REALM: e(
    'A Hotspot2 NAIRealm name must be a realm (a DNS name, optionally after user@).',
  ),
  MBPROV_PASSPOINT_PLMN_ID: e('A Hotspot2 PLMNID must be a 3-digit MCC followed by a 2- or 3-digit MNC.'),
  MBPROV_PASSPOINT_OUI_FORMAT: e('A Hotspot2 RoamingConsortium OUI must be hexadecimal, 3 to 5 octets.'),
  MBPROV_PASSPOINT_OUI_LENGTH: w(
    'A Hotspot2 RoamingConsortium OUI of 4 octets: the schema allows it, but IEEE assigns organization identifiers of 3 octets (OUI, CID) or 5 (OUI-36), so it matches no network.',
  ),
  MBPROV_PASSPOINT_NOT_ENTERPRISE: e(
    'A Passpoint (Hotspot2) profile must use WPA2-Enterprise: WPA2 with AES and an 802.1X (OneX) configuration.',
  ),
  MBPROV_PASSPOINT_EAP_METHOD: e(
    "The EAP method of a Passpoint profile is not one Windows Passpoint supports (EAP-TTLS, PEAP, TEAP, EAP-TLS, EAP-SIM, EAP-AKA, EAP-AKA').",
  ),
  MBPROV_PASSPOINT_TTLS_INNER_METHOD: e(
    "The inner method of a Passpoint profile's EAP-TTLS is not one Windows Passpoint supports (MS-CHAP-V2, EAP-MSCHAPv2 or EAP-TLS); PAP, CHAP and MS-CHAP are refused.",
  ),
  MBPROV_PASSPOINT_CERTIFICATE_ELSEWHERE: w(
    'A Passpoint profile authenticates with a certificate (EAP-TLS, or EAP-TLS inside EAP-TTLS), which a document from a web site or app cannot install ("Partial" in Windows\' Passpoint table): it must reach the PC another way.',
  ),
  MBPROV_WLAN_HOTSPOT_DIRECT_CREDENTIALS: w(
    'HotspotProfile UserName/Password directly is a legacy form; prefer BasicAuth.',
  ),

  // Apple and Android profiles from one hotspot description (profiles/)
  MBPROV_HOTSPOT_INVALID: e(
    'A hotspot description cannot be rendered: a field is missing or of the wrong type, holds a character XML cannot carry, the user name holds "@", there is no network, or the CA is not one certificate; nothing is written.',
  ),
  MBPROV_PROFILE_SSID_LENGTH: e('An SSID of a hotspot description is longer than 32 octets of UTF-8.'),
  MBPROV_PROFILE_DOMAIN_NAME: e('The Passpoint domainName of a hotspot description is not a DNS name.'),
  MBPROV_PROFILE_REALM_SYNTAX: e(
    'The NAI realm of a hotspot description is not an RFC 7542 realm (two or more ASCII labels of letters, digits and inner hyphens).',
  ),
  MBPROV_PROFILE_RCOI_FORMAT: e(
    'A roaming consortium OI of a hotspot description is not 3 to 5 octets of hexadecimal.',
  ),
  MBPROV_PROFILE_RCOI_LENGTH: w(
    'A roaming consortium OI of 4 octets: IEEE assigns 3 (OUI, CID) or 5 (OUI-36), so no network advertises it.',
  ),
  MBPROV_PROFILE_RCOI_CASE: w(
    'A roaming consortium OI is written in lower case; the profiles carry it in upper case (Apple, Windows), so the configuration should too.',
  ),
  MBPROV_PROFILE_SERVER_NAMES_MISSING: e(
    'A Passpoint network has no RADIUS server names, so devices would accept any certificate the CA issued.',
  ),
  MBPROV_PROFILE_CA_MISSING: e(
    'A Passpoint network has no CA certificate: Android refuses the credential, Apple and Windows would ask the user to trust the server.',
  ),
  MBPROV_PROFILE_FRIENDLY_NAME_LENGTH: e(
    'The operator friendly name is empty or longer than 252 octets of UTF-8 (ANQP Operator Friendly Name).',
  ),
  MBPROV_PROFILE_INNER_METHOD: w(
    "The EAP-TTLS inner method is PAP: Apple and Android take it, Windows' Passpoint refuses it.",
  ),
  MBPROV_PROFILE_CREDENTIAL_LENGTH: e(
    'The Passpoint identity (user@realm) is over 63 octets or the password over 255: Android refuses the credential.',
  ),
  MBPROV_PROFILE_SIGNER_UNSUPPORTED: e(
    'The Apple profile signer key is neither RSA nor ECDSA on P-256, P-384 or P-521 (Ed25519, RSA-PSS, DSA, other curves): iOS and macOS are not known to verify it.',
    500,
  ),

  // Provisioning section
  MBPROV_REFRESH_URL_NOT_HTTPS: e('RefreshURL must be an https:// URL.'),
  MBPROV_REFRESH_DELAY_RANGE: e('DelayInDays must be between 1 and 730.'),
  MBPROV_REFRESH_PASSWORD_WITHOUT_USER: e('RefreshParameters has a Password but no UserName.'),
  MBPROV_REFRESH_USER_WITHOUT_PASSWORD: w('RefreshParameters has a UserName but no Password.'),
  MBPROV_TRUSTED_CERT_NAME_FORMAT: w(
    'A TrustedCertificate SubjectName or IssuerName is not a distinguished name.',
  ),

  // Signatures (strict CarrierControlSignature profile)
  MBPROV_SIG_MISSING: e('The document has no Signature.'),
  MBPROV_SIG_MULTIPLE: e('The document has more than one Signature element.'),
  MBPROV_SIG_NOT_LAST_CHILD: e(
    "The Signature is not the last child of the document's root element (signature wrapping).",
  ),
  MBPROV_SIG_STRUCTURE: e(
    'The Signature element has an element the strict profile does not allow, or lacks a required one.',
  ),
  MBPROV_SIG_REFERENCE_COUNT: e('SignedInfo must hold exactly one Reference.'),
  MBPROV_SIG_REFERENCE_URI: e('The Reference URI must be "" (the whole document).'),
  MBPROV_SIG_TRANSFORM: e(
    'The Reference must have exactly one Transform, the enveloped-signature transform.',
  ),
  MBPROV_SIG_C14N_ALGORITHM: e(
    'The CanonicalizationMethod is not C14N 1.0 or exclusive C14N (with or without comments).',
  ),
  MBPROV_SIG_ALGORITHM: e(
    'The SignatureMethod is not an accepted RSA or ECDSA algorithm (HMAC and others are refused).',
  ),
  MBPROV_SIG_DIGEST_ALGORITHM: e('The DigestMethod is not an accepted digest.'),
  MBPROV_SIG_SHA1_NOT_ALLOWED: e('SHA-1 is used but was not explicitly allowed.'),
  MBPROV_SIG_KEYINFO: e(
    'KeyInfo must carry the signer certificate in X509Data/X509Certificate, and nothing else.',
  ),
  MBPROV_SIG_VALUE_FORMAT: e('SignatureValue or DigestValue is not valid base64 of the right length.'),
  MBPROV_SIG_DIGEST_MISMATCH: e(
    'The document content does not match the signed digest: it was changed after signing.',
  ),
  MBPROV_SIG_SIGNATURE_MISMATCH: e("The SignatureValue does not verify with the signer certificate's key."),
  MBPROV_SIG_KEY_MISMATCH: e(
    'The private key does not belong to the certificate, or the key type is not RSA or ECDSA P-256/P-384.',
  ),
  MBPROV_SIG_ALREADY_SIGNED: e('The document already has a Signature.'),
  MBPROV_SIG_DOCUMENT_INVALID: e('The document is not valid, so it is not signed.'),
  MBPROV_CERT_CHAIN_UNTRUSTED: e('The signer certificate does not chain to a trust anchor.'),
  MBPROV_CERT_EXPIRED: e('A certificate in the chain has expired.'),
  MBPROV_CERT_NOT_YET_VALID: e('A certificate in the chain is not valid yet.'),
  MBPROV_CERT_SIGNER_IS_CA: e(
    'The signer certificate is a CA certificate; documents must be signed by an end-entity certificate.',
  ),
  MBPROV_CERT_ISSUER_NOT_CA: e('A certificate that issued another is not a CA certificate.'),
  MBPROV_CERT_KEY_USAGE: e(
    'The signer certificate does not allow digital signatures: its key usage lacks digitalSignature.',
  ),
  MBPROV_CERT_EXTENDED_KEY_USAGE: e(
    "The signer certificate's extended key usage, or that of a CA above it, leaves no purpose that signs documents.",
  ),
  MBPROV_CERT_CRITICAL_EXTENSION: e(
    'A certificate in the chain has a critical extension the verifier does not process (RFC 5280 4.2), so it is refused.',
  ),
  MBPROV_CERT_EXTENSION_INVALID: e(
    'A certificate in the chain has an extension that cannot be decoded or appears more than once.',
  ),
  MBPROV_CERT_WEAK_KEY: e(
    'A certificate in the chain has a weak or unsupported key: RSA under 2048 bits, or not RSA or EC P-256/P-384.',
  ),
  MBPROV_CERT_NOT_EV: e(
    'The signer certificate has no Extended Validation policy (2.23.140.1.1), which is required here.',
  ),

  // Certificates and keys
  MBPROV_CERT_INVALID: e(
    'A certificate could not be read: the input is not a PEM or DER X.509 certificate, or a PEM block is damaged.',
  ),
  MBPROV_KEY_INVALID: e('A private key could not be read (expected an unencrypted PEM private key).'),
  MBPROV_PKCS12_INVALID: e(
    'A PKCS#12 (.p12/.pfx) file could not be written or read: not PKCS#12, wrong password, failed integrity check or no key.',
  ),

  // Simulator of the Windows provisioning engine
  MBPROV_SIM_STATE_INVALID: e('The machine state file is not a valid simulator state.'),
  MBPROV_SIM_SIGNATURE_REQUIRED: e(
    'This source needs a signed document (a web site, a Wi-Fi provider, a refresh) and the document is not signed.',
    403,
  ),
  MBPROV_SIM_CERT_NOT_TRUSTED: e(
    'The signer is neither tied to the hardware, nor trusted by an earlier document, nor an EV certificate the user can consent to.',
    403,
  ),
  MBPROV_SIM_CONSENT_DENIED: e('The user declined to trust the signer certificate.', 403),
  MBPROV_SIM_REFRESH_CARRIER_MISMATCH: e('A RefreshURL served a document of another carrier.', 409),
  MBPROV_SIM_REFRESH_FAILED: e('The RefreshURL could not be fetched or answered an error.', 502),
  MBPROV_SIM_NO_SIM: e('The source is the operator web site with a SIM, but the PC has no SIM.', 409),

  // Operator portal
  MBPROV_CONFIG_INVALID: e('The portal configuration is not valid.', 500),
  MBPROV_RATE_LIMITED: e('Too many requests; try again after the seconds the Retry-After header gives.', 429),
  MBPROV_TLS_INVALID: e('The configured TLS files are not a certificate and its private key.', 500),
  MBPROV_PARAM_INVALID: e('A query parameter Windows passes (SubId, DevId, IccId) is not valid.'),
  MBPROV_CDMA_DEVICE_ID_RANGE: e(
    'A decimal ESN or MEID whose manufacturer code or serial number does not fit its field (ESN: 3 digits up to 255 and 8 up to 16777215; MEID: 10 digits up to 4294967295 and 8 up to 16777215), so it has no hexadecimal form.',
  ),
  MBPROV_UNKNOWN_SIM: e('The SIM is not in the inventory.', 404),
  MBPROV_SUBSCRIBER_IDS_CONFLICT: e(
    'The identifiers Windows sent (IccId, SubId as IMSI or MIN, a CDMA DevId) name different rows of the inventory, or a row bound to another CDMA device; nothing is offered or written.',
    409,
  ),
  MBPROV_MOBILE_PLANS_LAUNCH_INVALID: e(
    'A Mobile Plans launch parameter (eid, iccids, iccid, imei, location, market, transactionId) is not valid, given twice, or the launch names neither an eSIM nor a SIM; nothing is written.',
  ),
  MBPROV_MOBILE_PLANS_LPA_ERROR: w(
    'The Mobile Plans app reported failed eSIM downloads (X-MP-LPAError-Codes, -TimeStamps, -ICCIDs): logged with the transactionId and explained on the page.',
  ),
  MBPROV_MOBILE_PLANS_CONTEXT_MISSING: e(
    'A Mobile Plans page was opened without the signed context of a launch in this browser (or with one of another subscriber); open the site from the Mobile Plans app again.',
  ),
  MBPROV_ESIM_NOT_CONFIGURED: e(
    'A Mobile Plans launch for an eSIM the portal does not know, but no SM-DP+ is configured (esim): no profile can be sold; nothing is written.',
    503,
  ),
  MBPROV_CHECKOUT_INVALID: e('The checkout form is incomplete or not valid.'),
  MBPROV_CHECKOUT_EXPIRED: e(
    'The checkout form is older than checkouts.ttlMinutes, or the expiry sweep cancelled its unfinished checkout; nothing is charged (a charge found is refunded).',
    409,
  ),
  MBPROV_CHECKOUT_LIMIT: e(
    'The SIM or the client address started checkouts.maxPerSim or checkouts.maxPerClient checkouts within checkouts.windowMinutes; nothing is stored.',
    429,
  ),
  MBPROV_CROSS_ORIGIN: e(
    "A form was posted from another site: its Origin (or, without one, its Referer) is not the portal's server.publicUrl.",
    403,
  ),
  MBPROV_RECEIPT_EMAIL_INVALID: e(
    'The e-mail address given for the receipt is not a valid address (more than 254 characters, not exactly one @, spaces, control or other characters an address cannot hold); nothing is stored.',
  ),
  MBPROV_LOGIN_FAILED: e(
    'A Wi-Fi account login failed: an unknown e-mail address or a wrong password, answered alike; counted against wifiAccounts.loginFailuresPerClientPerHour and loginFailuresPerAccountPerHour.',
    401,
  ),
  MBPROV_ACCOUNT_REFUSED: e(
    'A Wi-Fi account sign-up was refused: an invalid e-mail address, a password of fewer than 10 or more than 256 characters, or an address with an account already (409); nothing is stored.',
  ),
  MBPROV_VOUCHER_INVALID: e(
    'A voucher code is unknown, used already or expired; nothing is written, and the failure counts against wifiAccounts.loginFailuresPerClientPerHour.',
  ),
  MBPROV_MAIL_UNAVAILABLE: e(
    'The SMTP server (smtp.host) could not be reached, did not offer TLS, refused the login or the message, or timed out; the receipt job fails and the queue tries again.',
    503,
  ),
  MBPROV_PAYMENT_DECLINED: e('The payment provider declined the card.', 402),
  MBPROV_PAYMENT_PROVIDER_UNAVAILABLE: e(
    'The payment provider could not be reached, timed out or gave an answer that is not valid; nothing was activated. Try again: every payment call is idempotent per checkout.',
    503,
  ),
  MBPROV_PAYMENT_WEBHOOK_INVALID: e(
    "A payment webhook's signature, timestamp or body is not valid for the configured provider and secret; it is ignored and nothing is written.",
    400,
  ),
  MBPROV_PAYMENT_CONFLICT: e(
    'A payment call contradicts the payment as the provider recorded it: the same idempotency key (checkout id) with a different request, or a refund of a payment that was never captured; nothing is changed.',
    409,
  ),
  MBPROV_PLAN_UNAVAILABLE: e('The plan does not exist or is retired.', 409),
  MBPROV_ALREADY_ACTIVE: e('The subscriber already has an active plan.', 409),
  MBPROV_DOCUMENT_INVALID: e(
    'The provisioning document built for a subscriber does not validate (an operator configuration error); it is not sent.',
    500,
  ),
  MBPROV_DOCUMENT_NOT_FOUND: e('No provisioning document exists for this subscriber.', 404),
  MBPROV_DOCUMENT_UNREADABLE: e(
    'A stored provisioning document cannot be read: an unknown format, a compression dictionary that is missing, a value that does not decrypt with the secret key (another key, or altered), or one that decompresses to more than the limit.',
    500,
  ),
  MBPROV_AUTH_REQUIRED: e('Authentication is required or the credentials are wrong.', 401),
  MBPROV_API_SCOPE: e('The API key does not hold the scope this call needs.', 403),
  MBPROV_API_BAD_REQUEST: e('The API request is malformed (body or query does not match the schema).', 400),
  MBPROV_NOT_FOUND: e('The resource does not exist.', 404),
  MBPROV_API_CHANGED_SINCE_READ: e(
    'A change sent back a copy of a resource whose updatedAt is no longer the stored one: the resource changed since the copy was read; nothing is written. Read it again and apply the change to the new copy.',
    409,
  ),
  MBPROV_CSRF: e('The form is stale or forged (CSRF token mismatch); reload the page.', 403),
  MBPROV_REQUEST_MALFORMED: e(
    'The HTTP request could not be read: a URL that does not decode, or a request line or header the server cannot parse.',
  ),
  MBPROV_REQUEST_URL_TOO_LONG: e('A part of the URL path is longer than the server accepts.', 414),
  MBPROV_REQUEST_HEADERS_TOO_LARGE: e('The request headers are larger than the server accepts.', 431),
  MBPROV_REQUEST_TIMEOUT: e('The client did not send the whole request in time.', 408),
  MBPROV_USAGE_TIMESTAMP_OUT_OF_RANGE: e(
    'A usage report is dated later than usageReports.maxFutureSeconds after now, or earlier than usageReports.maxAgeDays before; nothing of the call is applied.',
  ),
  MBPROV_RADIUS_ATTRIBUTE_INVALID: e(
    'A RADIUS request FreeRADIUS posted lacks an attribute the call needs (User-Name, Acct-Status-Type, Acct-Session-Id, the NAS) or has one out of range (an octet counter that is not a 32-bit count); nothing is written.',
  ),
  MBPROV_INVENTORY_ICCID_INVALID: e(
    'A row of a SIM inventory import has an ICCID that is not 19 or 20 digits.',
  ),
  MBPROV_INVENTORY_IMSI_INVALID: e('A row of a SIM inventory import has an IMSI that is not 6 to 15 digits.'),
  MBPROV_INVENTORY_MSISDN_INVALID: e(
    'A row of a SIM inventory import has an MSISDN that is not 5 to 15 digits (optionally after +).',
  ),
  MBPROV_INVENTORY_DUPLICATE_IN_FILE: e(
    'A row of a SIM inventory import repeats an ICCID, IMSI, MIN or ESN/MEID of an earlier row of the same file.',
  ),
  MBPROV_INVENTORY_MIN_INVALID: e('A row of a SIM inventory import has a MIN that is not 10 digits.'),
  MBPROV_INVENTORY_ESN_MEID_INVALID: e(
    'A row of a SIM inventory import has an ESN/MEID that is not an ESN (11 digits or 8 hex) or a MEID (17 or 18 digits, 14 or 15 hex).',
  ),
  MBPROV_INVENTORY_NO_SUBSCRIBER_ID: e('A row of a SIM inventory import has none of ICCID, IMSI and MIN.'),
  MBPROV_INVENTORY_ID_TAKEN: e(
    'A row of a SIM inventory import has an identifier (ICCID, IMSI, MIN or ESN/MEID) that belongs to another row of the inventory, or matches a stored row with different identifiers.',
    409,
  ),
  MBPROV_INVENTORY_IMSI_TAKEN: e(
    'A row of a SIM inventory import has an IMSI that belongs to another SIM of the inventory.',
    409,
  ),

  // eSIM (GSMA SGP.22: the Activation Code, the ES2+ client of the operator's SM-DP+, the profile inventory)
  MBPROV_ACTIVATION_CODE_INVALID: e(
    'An eSIM Activation Code is not SGP.22 section 4.1 format 1: longer than 255 characters, another format than 1, an SM-DP+ address that is not an LDH domain name, a matching ID with characters other than 0-9, A-Z and -, an OID that is not dotted decimal, a confirmation flag other than 1, more than 5 fields, or the LPA: prefix outside a QR code.',
  ),
  MBPROV_ESIM_ORDER_INVALID: e(
    'An eSIM order names an EID that is not 32 digits or a transactionId that is not 1 to 64 printable characters; nothing is ordered.',
  ),
  MBPROV_ESIM_NO_PROFILE: e(
    'The eSIM profile inventory has no available profile to order; import more (`mbprov esim import`).',
    409,
  ),
  MBPROV_ESIM_ORDER_STATE: e(
    "The eSIM order cannot be changed in its state: it is being ordered at the SM-DP+ right now, or it was downloaded already (a downloaded profile is not cancelled), or it is not the subscriber's.",
    409,
  ),
  MBPROV_ESIM_INVENTORY_INVALID: e(
    'An eSIM profile inventory file is refused as a whole (nothing is imported): not CSV or a JSON array, a row without a 19- or 20-digit ICCID, a profile type or state that is not allowed, an ICCID repeated in the file, or held by the inventory with another profile type.',
  ),
  MBPROV_SMDP_UNAVAILABLE: e(
    "The SM-DP+ could not be reached, refused the TLS handshake, did not answer within esim.timeoutMs, answered more than the size limit or something that is not an ES2+ answer (HTTP status, content type, X-Admin-Protocol, JSON, header), or answered Expired or busy (1.2/4.4, 1.2/4.2); the order's profile is back in stock. Try again.",
    503,
  ),
  MBPROV_SMDP_REFUSED: e(
    "The SM-DP+ refused an ES2+ call for a reason the portal cannot mend by retrying: the function requester is unknown or not allowed (1.1/1.1, 1.1/1.2), a parameter is invalid or missing (1.6/2.x), the ICCID or profile type is unknown to it (8.2.1/3.9, 8.2.5/3.9): the operator's configuration or inventory disagrees with the SM-DP+.",
    502,
  ),
  MBPROV_SMDP_CONFLICT: e(
    "The SM-DP+ refused an ES2+ call because of the profile's state: the ICCID is already in use (8.2.1/3.3), the transition is not allowed (8.2.1/3.5), the EID or matching ID belongs to another order (8.1.1/3.10, 8.2.6/3.10, 8.2.6/3.3), or no profile of the type is left (8.2.5/3.7).",
    409,
  ),

  // RADIUS (the RFC 2865 packet codec and the RFC 5176 Disconnect/CoA client)
  MBPROV_RADIUS_MALFORMED: e(
    'A RADIUS datagram is not a well-formed RFC 2865 packet (shorter than 20 octets, a Length field outside 20..4096 or beyond the datagram, an attribute shorter than 2 octets or running past the packet, a value of the wrong size for its attribute).',
  ),
  MBPROV_RADIUS_VALUE_INVALID: e(
    'A value does not fit its RADIUS attribute (text or octets over 253 octets, an integer outside 0..2^32-1, an address that is not IPv4), or the packet would exceed 4096 octets: nothing is sent.',
    500,
  ),

  // Usage
  MBPROV_OUTPUT_EXISTS: e('An output file already exists; it is only replaced when asked to (--force).', 409),
  MBPROV_CLI_USAGE: e('The command line is not valid.', 400),
  MBPROV_DEMO_FAILED: e('A step of `mbprov demo` did not give the answer the flow expects.', 500),
} as const satisfies Record<string, CodeInfo>;

/** A stable mbprov error code. */
export type Code = keyof typeof codes;

/** Looks up the catalog entry of a code. */
export function codeInfo(code: Code): CodeInfo {
  return codes[code];
}
