import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { EID_PATTERN } from '../identifiers/eid.ts';

/**
 * The ES2+ messages of GSMA SGP.22 (section 5.3, JSON binding of section 6.5) between the operator and its SM-DP+:
 * what the portal sends, what it accepts back, and the notification the SM-DP+ sends the portal. Requests are closed
 * (a field the definition does not name is a bug of the sender); answers and notifications may carry fields of later
 * versions, which are ignored. Every string is bounded.
 */

/** The path of every ES2+ function, after the SM-DP+'s (or the operator's) base URL. */
export const ES2PLUS_PATH = '/gsma/rsp2/es2plus';
/** The functions and their endpoint names. */
export const ES2PLUS_FUNCTIONS = {
  downloadOrder: 'downloadOrder',
  confirmOrder: 'confirmOrder',
  cancelOrder: 'cancelOrder',
  releaseProfile: 'releaseProfile',
  handleDownloadProgressInfo: 'handleDownloadProgressInfo',
} as const;
/** An ES2+ function's name as it appears in its path. */
export type Es2plusFunction = keyof typeof ES2PLUS_FUNCTIONS;

/** The X-Admin-Protocol the portal sends (SGP.22 6.5.1: `gsma/rsp/v<major>.<minor>.<patch>`). */
export const ADMIN_PROTOCOL = 'gsma/rsp/v2.5.0';
/** What an answer's X-Admin-Protocol must look like: version 2 of the RSP protocol. */
export const ADMIN_PROTOCOL_PATTERN = /^gsma\/rsp\/v2\.\d{1,3}\.\d{1,3}$/;
/** The header name, as node gives it. */
export const ADMIN_PROTOCOL_HEADER = 'x-admin-protocol';

/** An ICCID: 19 or 20 digits (the portal sends no F padding; an SM-DP+ may answer a 19-digit one padded with F). */
export const ICCID_PATTERN = '^[0-9]{19}[0-9Ff]?$';
/** A matching ID: SGP.22 4.1's characters, at most 64 (an Activation Code is at most 255 in all). */
export const ES2_MATCHING_ID_PATTERN = '^[0-9A-Z-]{1,64}$';

const Eid = Type.String({ pattern: EID_PATTERN });
const Iccid = Type.String({ pattern: ICCID_PATTERN });
const MatchingId = Type.String({ pattern: ES2_MATCHING_ID_PATTERN });
/** A domain name in LDH labels (SGP.22's FQDN: SM-DP+ and SM-DS addresses). */
export const FQDN_PATTERN =
  '^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$';
const Fqdn = Type.String({ pattern: FQDN_PATTERN });
/** Printable ASCII: identifiers that end up in logs. */
const Identifier = Type.String({ pattern: '^[\\x21-\\x7e]{1,128}$' });
const ProfileType = Type.String({ minLength: 1, maxLength: 64 });
/** A status code: dotted numbers such as 8.2.1 (subject) or 3.9 (reason). */
const StatusCode = Type.String({ pattern: '^[0-9]{1,3}(\\.[0-9]{1,3}){0,4}$' });

/** SGP.22 6.5.1.3: who calls, and this call's identifier (unique per requester). */
export const RequestHeader = Type.Object(
  { functionRequesterIdentifier: Identifier, functionCallIdentifier: Identifier },
  { additionalProperties: false },
);
/** The header of every request. */
export type RequestHeader = Static<typeof RequestHeader>;

/** The outcome of a function (SGP.22 6.5.1.4) or of a notification point. */
export const EXECUTION_STATUSES = ['Executed-Success', 'Executed-WithWarning', 'Failed', 'Expired'] as const;
/** How an ES2+ function ended. */
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

/** Why a function failed or warned: the subject (what) and reason (why) codes of SGP.22 5.1.6. */
export const StatusCodeData = Type.Object({
  subjectCode: StatusCode,
  reasonCode: StatusCode,
  subjectIdentifier: Type.Optional(Type.String({ maxLength: 256 })),
  message: Type.Optional(Type.String({ maxLength: 1024 })),
});
/** The subject and reason of a failure. */
export type StatusCodeData = Static<typeof StatusCodeData>;

/** A function's or a notification point's status. */
export const ExecutionStatusBody = Type.Object({
  status: Type.Union(EXECUTION_STATUSES.map((s) => Type.Literal(s))),
  statusCodeData: Type.Optional(StatusCodeData),
});
/** A function's or a notification point's status. */
export type ExecutionStatusBody = Static<typeof ExecutionStatusBody>;

/** The header of every answer. */
export const ResponseHeader = Type.Object({ functionExecutionStatus: ExecutionStatusBody });
/** The header of every answer. */
export type ResponseHeader = Static<typeof ResponseHeader>;

const request = <T extends Parameters<typeof Type.Object>[0]>(fields: T) =>
  Type.Object({ header: RequestHeader, ...fields }, { additionalProperties: false });

/** ES2+.DownloadOrder (5.3.1): reserve a profile, by ICCID or by profile type, for an EID or any. */
export const DownloadOrderRequest = request({
  eid: Type.Optional(Eid),
  iccid: Type.Optional(Iccid),
  profileType: Type.Optional(ProfileType),
});
/** ES2+.ConfirmOrder (5.3.2): link the order to an EID and matching ID; with releaseFlag, release it for download. */
export const ConfirmOrderRequest = request({
  iccid: Iccid,
  eid: Type.Optional(Eid),
  matchingId: Type.Optional(MatchingId),
  confirmationCode: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  smdsAddress: Type.Optional(Fqdn),
  releaseFlag: Type.Boolean(),
});
/** ES2+.CancelOrder (5.3.3): end an order; the profile goes back to Available or becomes Unavailable. */
export const CancelOrderRequest = request({
  iccid: Iccid,
  eid: Type.Optional(Eid),
  matchingId: Type.Optional(MatchingId),
  finalProfileStatusIndicator: Type.Union([Type.Literal('Available'), Type.Literal('Unavailable')]),
});
/** ES2+.ReleaseProfile (5.3.4): release a confirmed order for download. */
export const ReleaseProfileRequest = request({ iccid: Iccid });

/**
 * The notification points of HandleDownloadProgressInfo (SGP.22 5.3.5): 1 eligibility and retry limit check,
 * 2 confirmation failure, 3 BPP download, 4 BPP installation (the eUICC's Profile Installation Result).
 */
export const NOTIFICATION_POINTS = {
  eligibility: 1,
  confirmationFailure: 2,
  download: 3,
  installation: 4,
} as const;

/** ES2+.HandleDownloadProgressInfo (5.3.5): the SM-DP+ tells the operator how a download went. */
export const HandleDownloadProgressInfoRequest = Type.Object({
  header: RequestHeader,
  eid: Type.Optional(Eid),
  iccid: Iccid,
  profileType: ProfileType,
  /** W3C date-time (YYYY-MM-DDThh:mm:ssTZD). */
  timestamp: Type.String({
    pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$',
  }),
  notificationPointId: Type.Integer({ minimum: 1, maximum: 9999 }),
  notificationPointStatus: ExecutionStatusBody,
  /** Base64 of the eUICC's signed result (the Profile Installation Result at point 4); kept as it came. */
  resultData: Type.Optional(Type.String({ maxLength: 16 * 1024, pattern: '^[A-Za-z0-9+/=\\s]*$' })),
});
/** A download progress notification. */
export type HandleDownloadProgressInfoRequest = Static<typeof HandleDownloadProgressInfoRequest>;

/** The requests by function: what the test SM-DP+ checks every request against. */
export const REQUESTS: Record<Es2plusFunction, TSchema> = {
  downloadOrder: DownloadOrderRequest,
  confirmOrder: ConfirmOrderRequest,
  cancelOrder: CancelOrderRequest,
  releaseProfile: ReleaseProfileRequest,
  handleDownloadProgressInfo: HandleDownloadProgressInfoRequest,
};

/** The answer of every function: its header and, by function, its output (checked only after a success). */
export const Es2plusAnswer = Type.Object({ header: ResponseHeader });
/** DownloadOrder's output: the ICCID of the reserved profile. */
export const DownloadOrderOutput = Type.Object({ iccid: Iccid });
/** ConfirmOrder's output: the matching ID (given or generated), and the SM-DP+'s address when it gives it. */
export const ConfirmOrderOutput = Type.Object({
  eid: Type.Optional(Eid),
  matchingId: MatchingId,
  smdpAddress: Type.Optional(Fqdn),
});

/** The ICCID without the F that pads a 19-digit one to 20. */
export function unpaddedIccid(iccid: string): string {
  return iccid.replace(/[Ff]$/, '');
}
