/**
 * The text of a self-contained FreeRADIUS 3 configuration directory (Debian's freeradius 3.0/3.2 with
 * freeradius-rest) that authenticates and accounts against the portal's RADIUS API (routes/api/radius.ts): the rest
 * module for authorize, post-auth and accounting; PAP, CHAP and MS-CHAP on the outer server; EAP-TTLS with inner PAP,
 * MS-CHAP-V2 and EAP-MSCHAPv2 through the inner-tunnel server. Secrets stay out of the files: the API key and the
 * clients' shared secret are read from the environment when FreeRADIUS starts (`$ENV{...}`).
 */

/** Where FreeRADIUS listens and who may send it requests. */
export interface FreeRadiusListen {
  /** The address to listen on (`*`: all). */
  address: string;
  /** The authentication port (1812 by default). */
  authPort: number;
  /** The accounting port (1813 by default). */
  acctPort: number;
}

/** A RADIUS client (NAS, access point, controller) allowed to send requests. */
export interface FreeRadiusClient {
  /** A short name (letters, digits, `-`, `_`). */
  name: string;
  /** Its address or network (CIDR). */
  address: string;
}

/** What the configuration is made from. */
export interface FreeRadiusConfigOptions {
  /** The absolute directory the files go to (FreeRADIUS needs absolute paths for its own variables). */
  dir: string;
  /** The portal's public https URL: the rest module calls its /api/v1/radius/ endpoints. */
  portalUrl: string;
  /** Environment variable holding the API key with the radius scope. */
  apiKeyEnv: string;
  /** Environment variable holding the RADIUS shared secret of the clients. */
  clientSecretEnv: string;
  /** Environment variable holding the passphrase of the EAP server key, when it has one. */
  serverKeyPassphraseEnv?: string;
  listen: FreeRadiusListen;
  clients: FreeRadiusClient[];
  /** Where FreeRADIUS logs: standard output (a service manager keeps it) or files under the directory's log/. */
  log: 'stdout' | 'files';
}

/** The files relative to the directory (PEM files aside: the writer copies or generates them under certs/). */
export type FreeRadiusFiles = Record<string, string>;

/** The certificate files the configuration names, relative to the directory. */
export const CERT_FILES = {
  /** The CA that signed the portal's TLS certificate: the rest module verifies the portal with it. */
  portalCa: 'certs/portal-ca.pem',
  /** The EAP server certificate (with its chain) and key, and the CA that issued it (what clients validate). */
  serverCert: 'certs/server.pem',
  serverKey: 'certs/server.key',
  serverCa: 'certs/server-ca.pem',
} as const;

/** A quoted FreeRADIUS string: backslashes and double quotes escaped. */
function quoted(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function radiusdConf(o: FreeRadiusConfigOptions): string {
  return `# radiusd.conf written by \`mbprov radius config\` for ${o.portalUrl}.
prefix = /usr
exec_prefix = /usr
sysconfdir = /etc
localstatedir = /var
sbindir = \${exec_prefix}/sbin
raddbdir = ${quoted(o.dir)}
confdir = \${raddbdir}
modconfdir = \${confdir}/mods-config
certdir = \${confdir}/certs
cadir = \${confdir}/certs
logdir = \${confdir}/log
radacctdir = \${logdir}/radacct
run_dir = \${confdir}/run
db_dir = \${confdir}
libdir = /usr/lib/freeradius
name = freeradius
pidfile = \${run_dir}/\${name}.pid
max_request_time = 30
cleanup_delay = 5
max_requests = 16384
hostname_lookups = no
proxy_requests = no

log {
	destination = ${o.log}
	file = \${logdir}/radius.log
	colourise = no
	stripped_names = no
	# Never log passwords (auth_badpass, auth_goodpass): the portal records the outcomes.
	auth = no
	auth_badpass = no
	auth_goodpass = no
}

security {
	allow_core_dumps = no
	max_attributes = 200
	reject_delay = 1
	status_server = yes
}

$INCLUDE clients.conf

thread pool {
	start_servers = 5
	max_servers = 32
	min_spare_servers = 3
	max_spare_servers = 10
	max_requests_per_server = 0
	auto_limit_acct = no
}

modules {
	$INCLUDE mods-enabled/
}

instantiate {
}

$INCLUDE sites-enabled/
`;
}

function clientsConf(o: FreeRadiusConfigOptions): string {
  const clients = o.clients.map(
    (c) => `client ${c.name} {
	ipaddr = ${c.address}
	secret = "$ENV{${o.clientSecretEnv}}"
	require_message_authenticator = no
	limit {
		max_connections = 16
		lifetime = 0
		idle_timeout = 30
	}
}
`,
  );
  return `# The NAS (access points, controllers) allowed to send requests: add one client block per NAS or network.
# The shared secret comes from the environment variable ${o.clientSecretEnv} when FreeRADIUS starts; give a client
# its own secret by replacing the line with  secret = "$ENV{ANOTHER_VARIABLE}".
${clients.join('\n')}`;
}

/** The rest module: one call per section, JSON bodies, HTTP Basic with the API key, the portal verified by its CA. */
function restModule(o: FreeRadiusConfigOptions): string {
  const api = `${o.portalUrl.replace(/\/+$/, '')}/api/v1/radius`;
  const section = (name: string, uri: string) => `	${name} {
		uri = ${quoted(uri)}
		method = 'post'
		body = 'json'
		auth = 'basic'
		require_auth = yes
		username = "freeradius"
		password = "$ENV{${o.apiKeyEnv}}"
		tls = \${..tls}
		timeout = 4
	}
`;
  return `# The portal's RADIUS API (docs/hotspot.md): authorize answers control:Cleartext-Password and
# reply:Session-Timeout, or 401 (Access-Reject) with reply:Reply-Message; post-auth records the outcome; accounting
# applies the octets of Start, Interim-Update and Stop records to the subscriber's plan.
rest {
	tls {
		ca_info_file = \${certdir}/portal-ca.pem
		check_cert = yes
		check_cert_cn = yes
	}
	connect_uri = ${quoted(`${o.portalUrl.replace(/\/+$/, '')}/`)}
	connect_timeout = 4.0
${section('authorize', `${api}/authorize`)}${section(
  'post-auth',
  // Post-Auth-Type REJECT sets control:Post-Auth-Type; an accept leaves it unset.
  `${api}/post-auth?result=%{%{control:Post-Auth-Type}:-Accept}`,
)}${section('accounting', `${api}/accounting`)}
	pool {
		start = 0
		min = 0
		max = \${thread[pool].max_servers}
		spare = 10
		uses = 0
		retry_delay = 5
		lifetime = 0
		idle_timeout = 60
	}
}
`;
}

/** A module that only answers ok: after a post-auth call whose failure must not turn an accept into a reject. */
const ALWAYS_OK = `always ok {
	rcode = ok
}
`;
const PAP = `pap {
	normalise = yes
}
`;
const CHAP = `chap {
}
`;
const MSCHAP = `mschap {
	use_mppe = yes
	require_encryption = no
	require_strong = no
	with_ntdomain_hack = yes
}
`;

function eapModule(o: FreeRadiusConfigOptions): string {
  const passphrase = o.serverKeyPassphraseEnv
    ? `\t\tprivate_key_password = "$ENV{${o.serverKeyPassphraseEnv}}"\n`
    : '';
  return `# EAP-TTLS (Passpoint username/password credentials): the tunnel ends here, the inner PAP, MS-CHAP-V2 or
# EAP-MSCHAPv2 runs in the inner-tunnel server against the portal. The clients validate certs/server.pem against
# certs/server-ca.pem and the server name the documents carry.
eap {
	default_eap_type = ttls
	timer_expire = 60
	ignore_unknown_eap_types = no
	cisco_accounting_username_bug = no
	max_sessions = \${max_requests}

	tls-config tls-common {
${passphrase}		private_key_file = \${certdir}/server.key
		certificate_file = \${certdir}/server.pem
		ca_file = \${certdir}/server-ca.pem
		cipher_list = "DEFAULT"
		cipher_server_preference = no
		tls_min_version = "1.2"
		tls_max_version = "1.2"
		ecdh_curve = ""
		cache {
			enable = no
		}
		ocsp {
			enable = no
		}
	}

	ttls {
		tls = tls-common
		default_eap_type = mschapv2
		copy_request_to_tunnel = yes
		use_tunneled_reply = yes
		virtual_server = "inner-tunnel"
	}

	mschapv2 {
		send_error = no
	}
}
`;
}

/**
 * The post-auth call of the rest module: it only records the outcome, so its failure (the portal unreachable, a rate
 * limit) is given the lowest priority and `ok` follows: an accepted user stays accepted.
 */
const RECORD = `		rest {
			fail = 1
			invalid = 1
			reject = 1
			notfound = 1
			userlock = 1
		}
		ok`;

/** The authenticate section of both servers: the method authorize recognised checks the password, or EAP runs. */
const AUTHENTICATE = `authenticate {
	Auth-Type PAP {
		pap
	}
	Auth-Type CHAP {
		chap
	}
	Auth-Type MS-CHAP {
		mschap
	}
	eap
}`;

function defaultSite(o: FreeRadiusConfigOptions): string {
  return `# The outer server: PAP, CHAP and MS-CHAP against the portal, EAP handed to the eap module (its inner
# requests go to the inner-tunnel server, which asks the portal with the inner identity).
server default {
listen {
	type = auth
	ipaddr = ${o.listen.address}
	port = ${o.listen.authPort}
}
listen {
	type = acct
	ipaddr = ${o.listen.address}
	port = ${o.listen.acctPort}
}

authorize {
	if (&EAP-Message) {
		# The outer identity of EAP-TTLS is anonymous: the portal is asked in the inner tunnel.
		eap
	}
	else {
		rest
		chap
		mschap
		pap
	}
}

${AUTHENTICATE}

preacct {
}

accounting {
	rest
}

post-auth {
	if (!&EAP-Message) {
${RECORD}
	}
	Post-Auth-Type REJECT {
		if (!&EAP-Message) {
${RECORD}
		}
		eap
	}
}
}
`;
}

function innerTunnel(): string {
  return `# The inner requests of EAP-TTLS: the portal answers the inner identity's password (PAP, MS-CHAP-V2,
# EAP-MSCHAPv2) and records the outcome.
server inner-tunnel {
authorize {
	rest
	eap {
		ok = return
	}
	chap
	mschap
	pap
}

${AUTHENTICATE}

post-auth {
${RECORD}
	Post-Auth-Type REJECT {
${RECORD}
	}
}
}
`;
}

/** The configuration files, by path relative to the directory. */
export function freeRadiusConfigFiles(options: FreeRadiusConfigOptions): FreeRadiusFiles {
  return {
    'radiusd.conf': radiusdConf(options),
    'clients.conf': clientsConf(options),
    'mods-enabled/rest': restModule(options),
    'mods-enabled/always': ALWAYS_OK,
    'mods-enabled/pap': PAP,
    'mods-enabled/chap': CHAP,
    'mods-enabled/mschap': MSCHAP,
    'mods-enabled/eap': eapModule(options),
    'sites-enabled/default': defaultSite(options),
    'sites-enabled/inner-tunnel': innerTunnel(),
  };
}
