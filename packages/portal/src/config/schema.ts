import { type ObjectOptions, type Static, type TProperties, Type } from '@sinclair/typebox';
import { FQDN_PATTERN } from '../esim/es2plus-wire.ts';

/** An object that accepts only its listed keys: a misspelt setting is reported instead of silently ignored. */
const Closed = <T extends TProperties>(properties: T, options: ObjectOptions = {}) =>
  Type.Object(properties, { additionalProperties: false, ...options });

/** An https URL a customer's browser opens (no spaces, no other scheme). */
const HTTPS_URL = '^https://[^\\s"<>]+$';

/** The name of an environment variable that holds a secret (the secret itself never goes in the file). */
const ENV_NAME = '^[A-Za-z_][A-Za-z0-9_]*$';

const Apn = Closed({
  accessString: Type.String({ minLength: 1, maxLength: 100, description: 'The APN.' }),
  userName: Type.Optional(Type.String({ description: 'APN user name, if the network needs one.' })),
  password: Type.Optional(
    Type.String({ description: 'APN password (sent in the document; kept encrypted at rest).' }),
  ),
  authProtocol: Type.Optional(
    Type.Union([Type.Literal('NONE'), Type.Literal('PAP'), Type.Literal('CHAP'), Type.Literal('MsCHAPv2')]),
  ),
});

const WifiNetwork = Closed({
  name: Type.String({ minLength: 1, maxLength: 255, description: 'Wi-Fi profile name shown on the PC.' }),
  ssids: Type.Array(Type.String({ minLength: 1, maxLength: 32 }), {
    minItems: 1,
    maxItems: 25,
    description: 'Network names (SSIDs).',
  }),
  kind: Type.Union(
    [Type.Literal('open'), Type.Literal('wispr'), Type.Literal('eap-sim'), Type.Literal('passpoint')],
    {
      description:
        'open: no authentication; wispr: open network with WISPr login using per-subscriber credentials; eap-sim: ' +
        'WPA2-Enterprise with the SIM (Hotspot 2.0 style); passpoint: Passpoint (Hotspot 2.0) with user name and ' +
        'password, EAP-TTLS with MS-CHAP-V2 against your RADIUS server (docs/hotspot.md).',
    },
  ),
  trustedDomains: Type.Optional(
    Type.Array(Type.String(), {
      description: 'WISPr: hosts trusted to receive the credentials (host or .domain).',
    }),
  ),
  domainName: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      description:
        'Passpoint: the home service provider domain (Hotspot2 DomainName), e.g. wifi.example.net.',
    }),
  ),
  naiRealm: Type.Optional(
    Type.String({
      pattern: '^[A-Za-z0-9.-]{1,253}$',
      description:
        'Passpoint: the NAI realm of the credentials (Hotspot2 NAIRealm): users sign in as <user name>@<realm>, and ' +
        'the RADIUS API accepts the realm.',
    }),
  ),
  roamingConsortiumOis: Type.Optional(
    Type.Array(Type.String({ pattern: '^(?:[0-9A-Fa-f]{2}){3,5}$' }), {
      maxItems: 256,
      description:
        'Passpoint: roaming consortium OIs (hex, 3 or 5 octets) of the networks that accept the credentials.',
    }),
  ),
  radiusServerNames: Type.Optional(
    Type.Array(Type.String({ pattern: '^[A-Za-z0-9.*-]{1,253}$' }), {
      minItems: 1,
      maxItems: 16,
      description:
        "Passpoint: the names in the RADIUS server's certificate that Windows accepts (EAP-TTLS ServerNames).",
    }),
  ),
  radiusCaFile: Type.Optional(
    Type.String({
      minLength: 1,
      description:
        "Passpoint: the root CA certificate (PEM) that issued the RADIUS server's certificate; Windows accepts only " +
        'a server certificate chaining to it (its SHA-1 and SHA-256 thumbprints go in TrustedRootCAHash).',
    }),
  ),
});

const Plan = Closed({
  id: Type.String({
    pattern: '^[a-z0-9][a-z0-9-]{0,62}$',
    description: 'Stable identifier (lower case, digits, dashes).',
  }),
  name: Type.String({ minLength: 1, maxLength: 60 }),
  nameJa: Type.Optional(
    Type.String({ minLength: 1, maxLength: 60, description: 'Japanese name; defaults to name.' }),
  ),
  planType: Type.Union([Type.Literal('Unrestricted'), Type.Literal('Fixed'), Type.Literal('Variable')]),
  dataLimitMb: Type.Optional(
    Type.Integer({ minimum: 1, description: 'Allowance of a Fixed plan, in megabytes.' }),
  ),
  durationDays: Type.Integer({ minimum: 1, maximum: 730 }),
  bandwidthKbps: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 2_000_000, description: 'Speed cap, at most 2 Gbps.' }),
  ),
  priceMinor: Type.Integer({ minimum: 0, description: 'Price in minor units (cents; yen have none).' }),
  currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code.' }),
  kind: Type.Union([Type.Literal('mobile'), Type.Literal('wifi')], {
    default: 'mobile',
    description:
      'Who the plan is sold to: mobile, SIM customers (the AccountExperienceURL); wifi, customers without a SIM ' +
      '(the /wifi pages: an account or a voucher, a document with only the Wi-Fi networks). See docs/hotspot.md.',
  }),
});

const Sim = Closed({
  iccid: Type.Optional(Type.String({ pattern: '^\\d{19,20}$' })),
  imsi: Type.Optional(Type.String({ pattern: '^\\d{6,15}$' })),
  min: Type.Optional(Type.String({ pattern: '^\\d{10}$', description: 'CDMA MIN or MIN(IRM).' })),
  esnMeid: Type.Optional(
    Type.String({
      pattern: '^(\\d{11}|\\d{17,18}|[0-9A-Fa-f]{8}|[0-9A-Fa-f]{14,15})$',
      description: 'The CDMA device bound to the subscription: ESN or MEID, decimal or hexadecimal.',
    }),
  ),
  msisdn: Type.Optional(Type.String({ pattern: '^\\+?\\d{5,15}$' })),
});

/** The Stripe provider's settings (docs/payments-stripe.md); the secrets themselves come from the environment. */
export const StripeSettingsSchema = Closed({
  secretKeyEnv: Type.String({
    pattern: ENV_NAME,
    default: 'STRIPE_SECRET_KEY',
    description:
      'Environment variable holding the Stripe secret key (sk_live_..., sk_test_... or a restricted rk_... key); ' +
      'the key itself never goes in the file. See docs/payments-stripe.md.',
  }),
  webhookSecretEnv: Type.String({
    pattern: ENV_NAME,
    default: 'STRIPE_WEBHOOK_SECRET',
    description:
      "Environment variable holding the signing secret (whsec_...) of the Stripe webhook endpoint that posts to the portal's /payments/webhook.",
  }),
  apiBase: Type.Optional(
    Type.String({
      pattern: '^https://[^/?#]+/?$',
      description:
        'Where the Stripe API is reached instead of https://api.stripe.com (scheme, host and port only): a proxy ' +
        'or a test double. https only: the secret key travels in every request.',
    }),
  ),
  timeoutMs: Type.Integer({
    minimum: 100,
    maximum: 80_000,
    default: 10_000,
    description:
      'How long one Stripe API request may take before it is abandoned (the SDK default is 80 s, too long for a ' +
      'customer waiting on the plans page).',
  }),
  maxNetworkRetries: Type.Integer({
    minimum: 0,
    maximum: 5,
    default: 1,
    description:
      'Retries of a Stripe API request after a connection error, a 409 or a 5xx, with the same idempotency key; ' +
      'a call fails with MBPROV_PAYMENT_PROVIDER_UNAVAILABLE after (retries + 1) x timeoutMs at most, plus 0.5 to 5 s of back-off between tries.',
  }),
});

/** The operator's billing system (docs/payments-operator-billing.md). */
const OperatorBilling = Closed(
  {
    baseUrl: Type.String({
      pattern: '^https://[^\\s]+$',
      description:
        "The billing API's base URL (https); the portal appends /v1/charges and the other paths of the API.",
    }),
    tokenEnv: Type.String({
      pattern: ENV_NAME,
      description: 'Environment variable holding the bearer token the portal presents.',
    }),
    signingSecretEnv: Type.String({
      pattern: ENV_NAME,
      description:
        'Environment variable holding the HMAC-SHA256 secret that signs every request (at least 32 characters).',
    }),
    caFile: Type.Optional(
      Type.String({
        description:
          "CA certificates (PEM) trusted for the billing server instead of the system's: pins the billing system's CA.",
      }),
    ),
    clientCertFile: Type.Optional(
      Type.String({ description: 'Client certificate (PEM) presented to the billing server (mutual TLS).' }),
    ),
    clientKeyFile: Type.Optional(Type.String({ description: 'Private key (PEM) of clientCertFile.' })),
    timeoutMs: Type.Integer({
      minimum: 100,
      maximum: 120_000,
      default: 10_000,
      description:
        'Every call to the billing system ends within this time. A charge that runs out of it stays open: the ' +
        'portal asks its status later with the same charge id, so it is never taken twice.',
    }),
  },
  { description: "Charge the subscriber's operator account through the billing system's HTTPS API." },
);
/** The operator's SM-DP+ (docs/mobile-plans.md, "eSIM through an SM-DP+"). */
const Esim = Closed(
  {
    smdpAddress: Type.String({
      pattern: FQDN_PATTERN,
      description:
        "The SM-DP+ address put in Activation Codes (1$<address>$<matching ID>) when ConfirmOrder does not answer one: the FQDN devices reach the SM-DP+'s ES9+ interface at.",
    }),
    functionRequesterIdentifier: Type.String({
      pattern: '^[\\x21-\\x7e]{1,128}$',
      description: "The operator's identifier at the SM-DP+, sent in the header of every ES2+ request.",
    }),
    es2plus: Type.Optional(
      Closed(
        {
          url: Type.String({
            pattern: '^https://[^\\s]+$',
            description:
              "The SM-DP+'s ES2+ base URL (https); /gsma/rsp2/es2plus/downloadOrder and the other functions are appended.",
          }),
          clientCertFile: Type.String({
            minLength: 1,
            description: 'Client certificate (PEM) the portal presents to the SM-DP+ (ES2+ is mutual TLS).',
          }),
          clientKeyFile: Type.String({ minLength: 1, description: 'Private key (PEM) of clientCertFile.' }),
          caFile: Type.Optional(
            Type.String({
              minLength: 1,
              description:
                "CA certificates (PEM) trusted for the SM-DP+'s server certificate instead of the system's.",
            }),
          ),
          timeoutMs: Type.Integer({
            minimum: 100,
            maximum: 120_000,
            default: 10_000,
            description:
              'Every ES2+ call ends within this time; an order whose call runs out of it is cancelled at the SM-DP+ and its profile goes back to stock.',
          }),
        },
        { description: "How the portal reaches the SM-DP+'s ES2+ interface." },
      ),
    ),
    testSmdp: Type.Optional(
      Closed(
        {
          port: Type.Integer({
            minimum: 0,
            maximum: 65535,
            default: 0,
            description: 'HTTPS port of the built-in test SM-DP+ on the portal host; 0 picks a free one.',
          }),
        },
        {
          description:
            'Run the built-in TEST SM-DP+ instead of reaching a real one (demo and trials: it delivers no profile to a real device). Exactly one of es2plus and testSmdp.',
        },
      ),
    ),
  },
  {
    description:
      "eSIM profiles through the operator's SM-DP+ (GSMA SGP.22 ES2+): the Mobile Plans pages order a profile of the inventory (`mbprov esim import`) for the device's EID.",
  },
);

/** Where receipts are e-mailed from (docs/receipts.md); the login itself comes from the environment. */
export const SmtpSettingsSchema = Closed({
  host: Type.String({ minLength: 1, maxLength: 253, description: "The operator's SMTP submission server." }),
  port: Type.Integer({
    minimum: 1,
    maximum: 65535,
    default: 587,
    description: 'SMTP port: 587 (submission with STARTTLS) or 465 (implicit TLS, with secure: true).',
  }),
  secure: Type.Boolean({
    default: false,
    description:
      'true: TLS from the first byte (implicit TLS, port 465). false: STARTTLS, required: a server that does not ' +
      'offer it gets nothing. Either way the server certificate is verified; the portal never sends in clear.',
  }),
  from: Closed({
    address: Type.String({
      minLength: 3,
      maxLength: 254,
      pattern: '^[^@\\s]+@[^@\\s]+$',
      description: 'The sender address of the receipts (From), e.g. receipts@operator.example.',
    }),
    name: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description: 'The display name of the sender; default: operator.name (operator.nameJa in Japanese).',
      }),
    ),
  }),
  userEnv: Type.Optional(
    Type.String({
      pattern: ENV_NAME,
      description:
        'Environment variable holding the SMTP user name (AUTH PLAIN or LOGIN); with passwordEnv. Without both, ' +
        'the portal sends without logging in (a relay that trusts its address).',
    }),
  ),
  passwordEnv: Type.Optional(
    Type.String({
      pattern: ENV_NAME,
      description:
        'Environment variable holding the SMTP password; it never goes in the file nor in the log.',
    }),
  ),
  caFile: Type.Optional(
    Type.String({
      minLength: 1,
      description:
        "A CA certificate (PEM) to trust for the SMTP server's certificate besides the public ones: a private CA.",
    }),
  ),
  timeoutMs: Type.Integer({
    minimum: 100,
    maximum: 120_000,
    default: 10_000,
    description:
      'How long connecting, the greeting and each SMTP reply may take before the attempt is given up (the receipt ' +
      'job is then retried).',
  }),
});

/** A NAS (access point controller, hotspot gateway) that takes RFC 5176 Disconnect and CoA requests (docs/hotspot.md). */
const RadiusNas = Closed({
  name: Type.String({
    pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$',
    description: 'A name for the log and for matching the NAS of an accounting session.',
  }),
  address: Type.String({
    minLength: 2,
    maxLength: 45,
    description:
      'IP address (IPv4 or IPv6, not a host name) where Disconnect and CoA requests go; replies count only from it.',
  }),
  coaPort: Type.Integer({
    minimum: 1,
    maximum: 65535,
    default: 3799,
    description: "UDP port of the NAS's Dynamic Authorization server (3799 by RFC 5176).",
  }),
  secretEnv: Type.String({
    pattern: ENV_NAME,
    description:
      'Environment variable holding the RADIUS shared secret of this NAS (at least 16 characters); it never goes in ' +
      'the file nor in the log.',
  }),
  action: Type.Union([Type.Literal('disconnect'), Type.Literal('coa')], {
    default: 'disconnect',
    description:
      'How a session ends when its plan expires, is exhausted or suspended: disconnect (Disconnect-Request, the ' +
      'device must log in again) or coa (CoA-Request with Filter-Id coaFilterId: the NAS puts the session in its ' +
      'walled garden).',
  }),
  coaFilterId: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 253,
      description: "With action coa: the NAS's name of its walled-garden policy, sent as Filter-Id.",
    }),
  ),
  timeoutSeconds: Type.Integer({
    minimum: 1,
    maximum: 120,
    default: 10,
    description:
      'How long one request may take, retransmissions included (waits of 1, 2, 4, 8 s), before it is a timeout.',
  }),
});

/** The portal configuration: a JSON file, then environment variables on top (see docs/configuration.md). */
export const ConfigSchema = Closed({
  server: Closed({
    host: Type.String({ default: '127.0.0.1', description: 'Address to listen on.' }),
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 8443 }),
    publicUrl: Type.Optional(
      Type.String({
        pattern: '^https://',
        description:
          'How PCs reach the portal; used in RefreshURLs and links. Must be https. Default: https://localhost:<port>.',
      }),
    ),
    tlsCertFile: Type.Optional(
      Type.String({
        description: 'TLS certificate (PEM). Default: a generated development certificate in dataDir.',
      }),
    ),
    tlsKeyFile: Type.Optional(Type.String()),
    trustProxy: Type.Boolean({ default: false, description: 'Trust X-Forwarded-* from a load balancer.' }),
    shutdownGraceSeconds: Type.Integer({
      minimum: 1,
      maximum: 3600,
      default: 10,
      description:
        'On SIGTERM or SIGINT the portal stops accepting connections and gives the requests in flight (a checkout ' +
        'paying) this long to finish before it closes the job queue and the database and exits 0; past it, or on a ' +
        'second signal, it exits 1 at once. A service manager should wait longer (systemd TimeoutStopSec).',
    }),
  }),
  dataDir: Type.String({
    default: 'data',
    description: 'Folder for the SQLite file and generated development keys.',
  }),
  databaseUrl: Type.Optional(
    Type.String({
      pattern: '^postgres(ql)?://',
      description: 'PostgreSQL URL; without it the embedded SQLite file is used.',
    }),
  ),
  databaseSchema: Type.Optional(
    Type.String({
      pattern: '^[a-z_][a-z0-9_]{0,62}$',
      description:
        "PostgreSQL schema for the portal tables (created when missing); default: the connection's search path.",
    }),
  ),
  secretKey: Type.Optional(
    Type.String({
      pattern: '^[A-Za-z0-9+/]{43}=$',
      description:
        'Base64 32-byte key encrypting secrets at rest and deriving refresh passwords. Default: generated in dataDir (development only).',
    }),
  ),
  signing: Closed({
    keyFile: Type.Optional(
      Type.String({
        description: 'EV signer private key (PEM). Default: a generated TEST chain in dataDir.',
      }),
    ),
    certFile: Type.Optional(
      Type.String({
        description: 'EV signer certificate (PEM); further certificates in the file are the chain.',
      }),
    ),
    passphraseEnv: Type.Optional(
      Type.String({ description: 'Environment variable holding the key passphrase.' }),
    ),
    nextCertFile: Type.Optional(
      Type.String({
        description:
          'The certificate (PEM) that will sign after the next rotation. Documents list it in TrustedCertificates ' +
          'beside the current signer, so PCs accept refreshes signed with it even when its subject or issuer differs.',
      }),
    ),
    canonicalization: Type.Union([Type.Literal('c14n'), Type.Literal('excC14n')], { default: 'c14n' }),
    requireEv: Type.Boolean({
      default: true,
      description:
        'Refuse to start with a signing certificate (or next signing certificate) without the EV policy, or with ' +
        'an intermediate CA in signing.certFile carrying neither the EV policy nor anyPolicy ' +
        '(MBPROV_CERT_NOT_EV): Windows requires EV for documents a web site hands over (docs/certificates.md). ' +
        'false: start anyway with a warning, for a test PC that trusts the signer some other way.',
    }),
  }),
  operator: Closed({
    carrierId: Type.String({
      pattern: '^\\{[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}\\}$',
      description: 'Your CarrierId GUID, in braces.',
    }),
    name: Type.String({ minLength: 1, maxLength: 60 }),
    nameJa: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
    homeProviderName: Type.String({ minLength: 1, maxLength: 20 }),
    internetApn: Apn,
    purchaseApn: Type.Optional(Apn),
    usbModemTacs: Type.Array(Type.String({ pattern: '^\\d{8}$' }), {
      default: [],
      description:
        'Type Allocation Codes (first 8 IMEI digits) of the USB modems you sell: their first use gets the USB welcome.',
    }),
    wifi: Type.Array(WifiNetwork, { default: [] }),
    profileIdentifier: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$',
        maxLength: 200,
        description:
          'Reverse-DNS identifier of the Apple profiles the portal serves (PayloadIdentifier), e.g. net.example.wifi: ' +
          'a device replaces an installed profile of the same identifier. Default: the host of server.publicUrl ' +
          'reversed, then ".hotspot". Keep it stable once customers installed profiles (docs/hotspot.md).',
      }),
    ),
    smsRules: Type.Optional(
      Type.Unknown({
        description:
          'Operator SMS/USSD rules: a Messages object of the document model (see docs/operator-messages.md).',
      }),
    ),
    activation: Type.Union(
      [Type.Literal('ReconnectToNetwork'), Type.Literal('ReregisterToNetwork'), Type.Literal('none')],
      { default: 'ReconnectToNetwork' },
    ),
    activationDelay: Type.String({
      default: 'PT5S',
      description: 'xs:duration before the activation directive runs.',
    }),
    refreshDelayDays: Type.Integer({ minimum: 1, maximum: 730, default: 7 }),
    renewWhileActive: Type.Union([Type.Literal('refuse'), Type.Literal('extend'), Type.Literal('replace')], {
      default: 'refuse',
      description:
        'A purchase while a plan is active: refuse it (one plan at a time), extend the active plan (same plan: its ' +
        'end moves by the duration, its allowance grows), or replace it (the new plan starts now).',
    }),
    supportPhone: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 60,
        description:
          'Customer support phone number as customers dial it (e.g. +1 555 0100): in the footer of every page (a tel: ' +
          'link), and on the completion page when Windows could not install the settings.',
      }),
    ),
    supportUrl: Type.Optional(
      Type.String({
        pattern: HTTPS_URL,
        description: 'Customer support web page (https), linked from every page.',
      }),
    ),
    termsUrl: Type.Optional(
      Type.String({ pattern: HTTPS_URL, description: 'Terms of service (https), linked from every page.' }),
    ),
    privacyUrl: Type.Optional(
      Type.String({ pattern: HTTPS_URL, description: 'Privacy policy (https), linked from every page.' }),
    ),
    refundUrl: Type.Optional(
      Type.String({
        pattern: HTTPS_URL,
        description: 'Refund and cancellation policy (https), linked from every page.',
      }),
    ),
    logoUrl: Type.Optional(
      Type.String({
        pattern: '^(?:https://[^\\s"<>]+|/static/[A-Za-z0-9._-]+)$',
        description:
          "The operator's logo in the header of every page, with the operator name (in the page's language) as its " +
          "text alternative: an https URL (its origin is added to the pages' Content-Security-Policy img-src), or " +
          "a /static/ path of a file in the portal's public folder (the demo's /static/demo-logo.svg). Without it " +
          'the header shows the operator name as text.',
      }),
    ),
    timeZone: Type.String({
      minLength: 1,
      default: 'UTC',
      description:
        "IANA time zone of the operator's customers (e.g. Asia/Tokyo): receipts and plan ends are shown in it.",
    }),
    topUp: Closed(
      {
        usagePercent: Type.Integer({
          minimum: 1,
          maximum: 100,
          default: 80,
          description:
            'The status page shows "Running low?" once this share of the allowance is used (plans with a data limit).',
        }),
        daysBefore: Type.Integer({
          minimum: 0,
          maximum: 365,
          default: 2,
          description:
            'The status page shows "Running low?" when the plan ends within this many days: with renewWhileActive ' +
            'extend or replace it offers the renewal, with refuse it says when a new plan can be bought.',
        }),
      },
      { default: {} },
    ),
  }),
  plans: Type.Array(Plan, { minItems: 1 }),
  sims: Type.Array(Sim, { default: [], description: 'SIM inventory loaded at start (added when missing).' }),
  walledGarden: Type.Optional(
    Closed({
      hosts: Type.Array(Type.String({ minLength: 1 }), {
        default: [],
        description:
          'Hosts reachable without a plan besides the portal: payment pages, certificate revocation (CRL/OCSP) hosts of the TLS and signing chains.',
      }),
    }),
  ),
  payments: Closed({
    provider: Type.Union([Type.Literal('test'), Type.Literal('stripe'), Type.Literal('operator-billing')], {
      default: 'test',
      description:
        "Payment provider (docs/payments.md): the built-in test payment service (charges nothing), Stripe Checkout, or the operator's billing system.",
    }),
    test: Closed(
      {
        port: Type.Integer({
          minimum: 0,
          maximum: 65535,
          default: 8444,
          description:
            "HTTPS port of the built-in test payment service (its own origin: the card page is never the portal's); 0 picks a free one. Env: MBPROV_TEST_PAYMENTS_PORT.",
        }),
      },
      { default: {} },
    ),
    stripe: Type.Optional(StripeSettingsSchema),
    operatorBilling: Type.Optional(OperatorBilling),
  }),
  smtp: Type.Optional(SmtpSettingsSchema),
  esim: Type.Optional(Esim),
  checkouts: Closed({
    ttlMinutes: Type.Integer({
      minimum: 5,
      maximum: 1440,
      default: 60,
      description:
        'How long a plans page can be paid from, and how long a checkout may stay unfinished; the expiry sweep then ' +
        'cancels it (state expired) and refunds a charge it finds.',
    }),
    windowMinutes: Type.Integer({
      minimum: 1,
      maximum: 1440,
      default: 60,
      description: 'The time window of checkouts.maxPerSim and checkouts.maxPerClient.',
    }),
    maxPerSim: Type.Integer({
      minimum: 1,
      default: 10,
      description:
        'Checkouts one SIM may start in the window that did not complete (a declined card counts, a paid checkout does not); beyond, 429 MBPROV_CHECKOUT_LIMIT.',
    }),
    maxPerClient: Type.Integer({
      minimum: 1,
      default: 100,
      description:
        'Checkouts one client address may start in the window that did not complete (paid ones do not count), whatever the SIM. PCs behind carrier-grade NAT share ' +
        "an address: size it for them, or set server.trustProxy so that the gateway's X-Forwarded-For is counted.",
    }),
    retentionDays: Type.Integer({
      minimum: 1,
      default: 30,
      description:
        'Checkouts that ended without any charge (declined, superseded, expired) are deleted after this many days.',
    }),
  }),
  rateLimits: Closed({
    entryPerMinute: Type.Integer({ minimum: 1, default: 120 }),
    checkoutPerMinute: Type.Integer({ minimum: 1, default: 20 }),
    webhookPerMinute: Type.Integer({
      minimum: 1,
      default: 600,
      description:
        "Payment webhook deliveries per provider address and minute (POST /payments/webhook): a provider's retries after an outage come in bursts.",
    }),
    apiPerMinute: Type.Integer({
      minimum: 1,
      default: 6000,
      description: 'Back-office API requests per API key and minute (usage gateways send batches).',
    }),
    apiAuthFailuresPerMinute: Type.Integer({
      minimum: 1,
      default: 30,
      description:
        'Failed API authentications per client address and minute; past it the address gets 429 until the minute ends, before any key is looked up.',
    }),
    shared: Type.Boolean({
      default: true,
      description:
        'Count the limits in a store that every portal process shares, so that each limit holds for all processes ' +
        'together: Redis when redisUrl is set, else the PostgreSQL database. On SQLite (one process) and with false, ' +
        'each process counts in its own memory (with N processes a client then gets N times each limit). See ' +
        'docs/deploy/several-processes.md.',
    }),
    redisUrl: Type.Optional(
      Type.String({
        pattern: '^rediss?://',
        description:
          'Redis to count the rate limits in (redis:// or rediss:// URL, may carry a password) instead of the ' +
          'PostgreSQL database. If Redis does not answer, each process counts in its own memory until it does.',
      }),
    ),
    redisKeyPrefix: Type.String({
      default: 'mbprov:rate:',
      description: 'Prefix of the Redis keys, to keep apart several portals that share one Redis.',
    }),
  }),
  wifiAccounts: Closed(
    {
      sessionHours: Type.Integer({
        minimum: 1,
        maximum: 720,
        default: 12,
        description:
          'How long a login lasts (the session cookie of a Wi-Fi-only customer, signed, HttpOnly); logging out ends ' +
          'every session of the account before that. See docs/hotspot.md.',
      }),
      signupsPerClientPerHour: Type.Integer({
        minimum: 1,
        default: 10,
        description:
          'Accounts one client address may create per hour: anonymous traffic cannot fill the database. Beyond, 429.',
      }),
      loginFailuresPerClientPerHour: Type.Integer({
        minimum: 1,
        default: 30,
        description:
          'Failed logins and voucher redemptions one client address may make per hour; beyond, 429 until the hour ' +
          'ends, before any password is checked.',
      }),
      loginFailuresPerAccountPerHour: Type.Integer({
        minimum: 1,
        default: 10,
        description:
          'Failed logins one e-mail address may get per hour, from any client; beyond, 429 (the same answer for an ' +
          'unknown address, which says nothing about which addresses have accounts).',
      }),
      passwordCost: Type.Integer({
        minimum: 14,
        maximum: 20,
        default: 15,
        description:
          'log2 of the scrypt cost N of new password hashes (r = 8, p = 1): 15 takes 32 MiB and a fraction of a second per ' +
          'hash on the thread pool. Raising it rehashes each password at its next login.',
      }),
      documentLinkMinutes: Type.Integer({
        minimum: 1,
        maximum: 1440,
        default: 15,
        description:
          "How long the completion and status pages' document link of a Wi-Fi-only customer works (the " +
          'ms-settings:wifi-provisioning URL, which the Settings app fetches without cookies): any number of ' +
          'fetches until then.',
      }),
    },
    { default: {} },
  ),
  mobilePlans: Closed(
    {
      enabled: Type.Boolean({
        default: false,
        description:
          'Serve the Mobile Plans launch URL (/mobile-plans, docs/mobile-plans.md) and add the Mobile Plans ' +
          'walled-garden endpoints to the walled-garden hosts. Turn on once onboarded with Microsoft.',
      }),
      esimDelivery: Type.Union([Type.Literal('inline'), Type.Literal('delayed'), Type.Literal('async')], {
        default: 'inline',
        description:
          'How a new eSIM profile is handed to the Mobile Plans app: inline (notifyProfileDownload, download at ' +
          'once), delayed (notifyProfileDownload with downloadDelayMinutes, the profile is not released yet) or async ' +
          '(notifyPurchaseWithProfileDownload, connectivity after networkRegistrationMinutes).',
      }),
      downloadDelayMinutes: Type.Integer({
        minimum: 1,
        maximum: 10_080,
        default: 15,
        description: 'With esimDelivery delayed: minutes the app waits before it offers the download.',
      }),
      networkRegistrationMinutes: Type.Integer({
        minimum: 0,
        maximum: 10_080,
        default: 0,
        description:
          'With esimDelivery async: minutes the network needs before the device registers (the app rounds to 15; 0 at once).',
      }),
      newEsimsPerClientPerHour: Type.Integer({
        minimum: 1,
        default: 10,
        description:
          'Subscribers a client address may create per hour for eSIMs the portal does not know (one per EID): ' +
          'anonymous traffic cannot fill the database. Beyond, 429.',
      }),
    },
    { default: {} },
  ),
  documents: Closed({
    keepVersions: Type.Integer({
      minimum: 2,
      maximum: 1000,
      default: 2,
      description:
        'Document versions each subscriber keeps: an hourly job deletes older ones, except the newest full document (what the completion page and the download serve). A refresh serves only the newest version. At least 2, so that a refresh never loses the version it is reading to a prune that runs after one more was signed.',
    }),
  }),
  radius: Closed(
    {
      nas: Type.Array(RadiusNas, {
        default: [],
        description:
          'The NASes that hold Wi-Fi sessions: mbprov sends them RFC 5176 Disconnect or CoA requests when a plan ends.',
      }),
      realms: Type.Array(Type.String({ pattern: '^[A-Za-z0-9.-]{1,253}$' }), {
        default: [],
        description:
          'Realms a RADIUS User-Name may carry (user@realm, compared without case): the realm is removed before the ' +
          'subscriber is looked up. A name with any other realm is unknown (Access-Reject). The realms of passpoint ' +
          'networks (operator.wifi[].naiRealm) count too.',
      }),
      interimIntervalSeconds: Type.Integer({
        minimum: 60,
        maximum: 86_400,
        default: 300,
        description:
          "Acct-Interim-Interval sent with every Access-Accept: how often the NAS reports a session's octets, so a " +
          'Fixed plan exhausts by Wi-Fi use within about this long.',
      }),
      openSessionHours: Type.Integer({
        minimum: 1,
        maximum: 8760,
        default: 48,
        description:
          'An open accounting session with no record for this long is closed by the hourly job (its NAS lost it and ' +
          'will send no Stop).',
      }),
      sessionRetentionDays: Type.Integer({
        minimum: 1,
        maximum: 3650,
        default: 90,
        description: 'Stopped accounting sessions are deleted this many days after their last record.',
      }),
    },
    { default: {} },
  ),
  usageReports: Closed({
    maxFutureSeconds: Type.Integer({
      minimum: 0,
      maximum: 86_400,
      default: 300,
      description:
        'How far ahead of the portal clock a usage report may be dated (clock skew of billing or the PCRF); later ' +
        'ones refuse the call (MBPROV_USAGE_TIMESTAMP_OUT_OF_RANGE): a report from the future would make every real ' +
        'one stale.',
    }),
    maxAgeDays: Type.Integer({
      minimum: 1,
      maximum: 3650,
      default: 30,
      description:
        'How old a usage report may be (late delivery after an outage); older ones refuse the call ' +
        '(MBPROV_USAGE_TIMESTAMP_OUT_OF_RANGE).',
    }),
  }),
});

/** A validated configuration (loadConfig always fills in the public URL). */
export type Config = Static<typeof ConfigSchema> & { server: { publicUrl: string } };
/** A plan of the configured catalog. */
export type PlanConfig = Static<typeof Plan>;
/** A configured Wi-Fi network. */
export type WifiConfig = Static<typeof WifiNetwork>;
/** The SMTP settings of receipts by e-mail. */
export type SmtpSettings = Static<typeof SmtpSettingsSchema>;
/** A NAS that takes Disconnect and CoA requests. */
export type RadiusNasConfig = Static<typeof RadiusNas>;
/** A configured APN. */
export type ApnConfig = Static<typeof Apn>;
/** The eSIM settings (the SM-DP+). */
export type EsimSettings = Static<typeof Esim>;
