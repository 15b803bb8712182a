// A fake Mobile Plans app for the browser tests: the objects the app's WebView gives the portal's pages
// (mobile-plans-callback-notifications.md) — MobilePlans, MobilePlansInlineOperations and the enumerations —
// injected with playwright's addInitScript, as browser.test.ts injects window.external.msProvisionNetworks. Every
// call is recorded with the problems found in its arguments against the documented shapes (types, enumeration values,
// required metadata, the plan name empty unless complete, the activation code's form, ICCIDs, the script names
// naming global functions, operation contexts, the launch's transactionId echoed); window.open is recorded as a
// problem (the design policies forbid new windows). Calls reach the test through an exposed binding, so they survive
// navigations. The init script is ES5, as the app's WebView may be.
import type { BrowserContext, Page } from 'playwright-core';

/** A call the page made to the app, with what was wrong with it. */
export interface HostCall {
  fn: string;
  args: unknown[];
  problems: string[];
  /** The page's path when it called. */
  path: string;
}

/** The recorder of a browser context's calls. */
export interface FakeMobilePlansHost {
  calls: HostCall[];
  /** The calls to `fn`. */
  callsTo(fn: string): HostCall[];
  /** Every problem of every call. */
  problems(): string[];
}

/** The documented values of each enumeration, by property name. */
export const HOST_ENUMS = {
  MobilePlansUserAccount: { new: 'New', existing: 'Existing', bailed: 'Bailed', none: 'None' },
  MobilePlansPurchaseInstrument: { new: 'New', existing: 'Existing', bailed: 'Bailed', none: 'None' },
  MobilePlansLineType: { new: 'New', existing: 'Existing', bailed: 'Bailed', none: 'None' },
  MobilePlansMoDirectStatus: {
    complete: 'Complete',
    serviceError: 'ServiceError',
    invalidSim: 'InvalidSIM',
    logOnFailed: 'LogOnFailed',
    purchaseFailed: 'PurchaseFailed',
    clientError: 'ClientError',
    billingError: 'BillingError',
    cancelled: 'Cancelled',
  },
} as const;

/** The init script: the app's objects, checking and reporting every call. */
function initScript(expectedTransactionId: string | undefined): string {
  return `(function () {
  var ENUMS = ${JSON.stringify(HOST_ENUMS)};
  var expectedTransactionId = ${JSON.stringify(expectedTransactionId ?? null)};
  var ACTIVATION = ['success','notAuthorized','notFound','policyViolation','insufficientSpaceOnCard','serverFailure',
    'serverNotReachable','timeoutWaitingForUserConsent','incorrectConfirmationCode','confirmationCodeMaxRetriesExceeded',
    'cardRemoved','cardBusy','other','cardGeneralFailure','confirmationCodeMissing','invalidMatchingId',
    'noEligibleProfileForThisDevice','operationAborted','eidMismatch','profileNotAvailableForNewBinding',
    'profileNotReleasedByOperator','operationProhibitedByProfileClass','profileNotPresent','noCorrespondingRequest',
    'unknownError','lpaInitializationError','modemNotFound','localSettingsAccessFailed','invalidJson',
    'invalidActivationCode','invalidIccid'];
  var REGISTRATION = ['none','deregistered','searching','home','roaming','partner','denied'];
  function values(e) { var out = []; for (var k in e) out.push(e[k]); return out; }
  function has(list, v) { for (var i = 0; i < list.length; i++) if (list[i] === v) return true; return false; }
  function named(list) { var e = {}; for (var i = 0; i < list.length; i++) e[list[i]] = list[i]; return e; }
  for (var name in ENUMS) window[name] = ENUMS[name];
  window.MobilePlansActivationError = named(ACTIVATION);
  window.MobilePlansNetworkRegistrationState = named(REGISTRATION);

  function report(fn, args, problems) {
    var record = { fn: fn, args: args, problems: problems, path: location.pathname };
    if (window.__mbprovHostCall) window.__mbprovHostCall(JSON.stringify(record));
  }
  var created = [];
  function checkMetadata(m, problems) {
    if (!m || typeof m !== 'object' || !has(created, m)) { problems.push('metadata not made by createPurchaseMetaData'); return; }
    var status = m.moDirectStatus !== undefined ? m.moDirectStatus : m.modirectStatus;
    if (m.moDirectStatus !== undefined && m.modirectStatus !== undefined && m.moDirectStatus !== m.modirectStatus)
      problems.push('moDirectStatus and modirectStatus differ');
    if (!has(values(ENUMS.MobilePlansMoDirectStatus), status)) problems.push('moDirectStatus (required) is ' + status);
    if (m.userAccount !== undefined && !has(values(ENUMS.MobilePlansUserAccount), m.userAccount))
      problems.push('userAccount is ' + m.userAccount);
    if (m.purchaseInstrument !== undefined && !has(values(ENUMS.MobilePlansPurchaseInstrument), m.purchaseInstrument))
      problems.push('purchaseInstrument is ' + m.purchaseInstrument);
    var line = m.line !== undefined ? m.line : m.lineType;
    if (line !== undefined && !has(values(ENUMS.MobilePlansLineType), line)) problems.push('line is ' + line);
    if (typeof m.planName !== 'string') problems.push('planName is not a string');
    else if (status === 'Complete' && m.planName === '') problems.push('planName empty for a complete purchase');
    else if (status !== 'Complete' && m.planName !== '') problems.push('planName not empty for ' + status);
    if (expectedTransactionId !== null && m.transactionId !== expectedTransactionId)
      problems.push('transactionId ' + m.transactionId + ' is not the launch\\'s ' + expectedTransactionId);
  }
  function plain(m) {
    var out = {};
    for (var k in m) if (typeof m[k] !== 'function') out[k] = m[k];
    return out;
  }
  function checkCode(code, problems) {
    if (typeof code !== 'string' || !/^1\\$[A-Za-z0-9.-]+\\$[0-9A-Z-]+(\\$[^$]*){0,2}$/.test(code))
      problems.push('activation code ' + code + ' is not 1$<SM-DP+ address>$<matching ID>');
  }
  function checkUint(v, what, problems) {
    if (typeof v !== 'number' || v < 0 || Math.floor(v) !== v) problems.push(what + ' ' + v + ' is not a uint');
  }
  function checkIccid(v, problems) {
    if (typeof v !== 'string' || !/^\\d{19,20}$/.test(v)) problems.push('iccid ' + v + ' is not an ICCID');
  }
  var operations = [];
  var next = 0;
  function operation() { var op = { Id: 'op-' + (++next) }; operations.push(op); return op; }
  var inline = {
    registrationChangedScript: '',
    profileActivationCompleteScript: '',
    notifyProfileDownload: function (metadata, activationCode, downloadDelay) {
      var problems = [];
      checkMetadata(metadata, problems);
      checkCode(activationCode, problems);
      if (arguments.length > 2) checkUint(downloadDelay, 'downloadDelay', problems);
      if (arguments.length < 2 || arguments.length > 3) problems.push(arguments.length + ' arguments');
      var scripts = [inline.registrationChangedScript, inline.profileActivationCompleteScript];
      for (var i = 0; i < scripts.length; i++)
        if (scripts[i] && typeof window[scripts[i]] !== 'function') problems.push('no global function ' + scripts[i]);
      var args = [plain(metadata), activationCode];
      if (arguments.length > 2) args.push(downloadDelay);
      report('notifyProfileDownload', args, problems);
      return operation();
    },
    notifyBalanceAddition: function (metadata, iccid) {
      var problems = [];
      checkMetadata(metadata, problems);
      if (arguments.length > 1) checkIccid(iccid, problems);
      if (arguments.length < 1 || arguments.length > 2) problems.push(arguments.length + ' arguments');
      report('notifyBalanceAddition', arguments.length > 1 ? [plain(metadata), iccid] : [plain(metadata)], problems);
      return operation();
    },
    notifyOperationCancel: function (context) {
      var problems = [];
      if (!has(operations, context)) problems.push('not an operation context the app returned');
      report('notifyOperationCancel', [context], problems);
    }
  };
  window.MobilePlansInlineOperations = inline;
  window.MobilePlans = {
    createPurchaseMetaData: function () {
      var m = {};
      created.push(m);
      report('createPurchaseMetaData', [], []);
      return m;
    },
    notifyPurchaseWithProfileDownload: function (metadata, activationCode, networkRegistrationInterval) {
      var problems = [];
      checkMetadata(metadata, problems);
      checkCode(activationCode, problems);
      checkUint(networkRegistrationInterval, 'networkRegistrationInterval', problems);
      report('notifyPurchaseWithProfileDownload', [plain(metadata), activationCode, networkRegistrationInterval], problems);
    },
    notifyCancelledPurchase: function (metadata) {
      var problems = [];
      checkMetadata(metadata, problems);
      report('notifyCancelledPurchase', [plain(metadata)], problems);
    }
  };
  window.open = function (url) { report('window.open', [String(url)], ['the portal opened a new window']); return null; };
  // What the app does after a download: calls the scripts the page named, with JSON strings.
  window.__mobilePlansApp = {
    registrationChanged: function (state, iccid) {
      window[inline.registrationChangedScript](JSON.stringify({ networkRegistrationState: state, iccid: iccid }));
    },
    activationComplete: function (result, iccid) {
      window[inline.profileActivationCompleteScript](JSON.stringify({ activationResult: result, iccid: iccid }));
    },
    activationResults: ACTIVATION,
    registrationStates: REGISTRATION
  };
})();`;
}

/** Installs the fake app in every page of `context`; `transactionId` is the launch's, checked in every metadata. */
export async function fakeMobilePlansHost(
  context: BrowserContext,
  transactionId: string | undefined,
): Promise<FakeMobilePlansHost> {
  const calls: HostCall[] = [];
  await context.exposeBinding('__mbprovHostCall', (_source, json: string) => {
    calls.push(JSON.parse(json) as HostCall);
  });
  await context.addInitScript({ content: initScript(transactionId) });
  return {
    calls,
    callsTo: (fn) => calls.filter((c) => c.fn === fn),
    problems: () => calls.flatMap((c) => c.problems.map((p) => `${c.fn}: ${p}`)),
  };
}

/** The app reports a network registration state or an activation result to the page, as after a download. */
export async function appReports(
  page: Page,
  kind: 'registrationChanged' | 'activationComplete',
  value: string,
  iccid: string,
): Promise<void> {
  await page.evaluate(
    ([k, v, i]) =>
      (
        window as unknown as { __mobilePlansApp: Record<string, (v: string, i: string) => void> }
      ).__mobilePlansApp[k as string]?.(v as string, i as string),
    [kind, value, iccid],
  );
}
