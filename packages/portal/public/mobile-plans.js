/*
 * mbprov Mobile Plans pages: hands the end of the flow to the Mobile Plans app (docs/mobile-plans.md, "Callbacks").
 *
 * The app hosts the portal in a WebView and exposes MobilePlans, MobilePlansInlineOperations and the enumerations
 * MobilePlansUserAccount, MobilePlansPurchaseInstrument, MobilePlansLineType and MobilePlansMoDirectStatus. The
 * element #mobile-plans says, in data-* attributes, which call ends the flow (data-operation):
 * - profile-download: MobilePlansInlineOperations.notifyProfileDownload(metadata, activationCode[, downloadDelay]),
 *   after naming the registration-changed and profile-activation-complete scripts (global functions below);
 * - purchase-with-profile-download: MobilePlans.notifyPurchaseWithProfileDownload(metadata, code, minutes);
 * - balance-addition: MobilePlansInlineOperations.notifyBalanceAddition(metadata[, iccid]);
 * - cancelled-purchase: MobilePlans.notifyCancelledPurchase(metadata).
 * The metadata carries user account, purchase instrument, line, status and plan name (both spellings the
 * documentation uses: line and lineType, moDirectStatus and modirectStatus) and the launch's transactionId.
 * A delayed download can be cancelled (#mp-cancel-download): notifyOperationCancel(operation), then the form posts.
 * Outside the app nothing is called and the element keeps its text (open Mobile Plans).
 *
 * Plain ES5: no let/const, arrow functions, template literals or classes (test: acorn, ecmaVersion 5). Every text
 * shown comes from data-* attributes, so this file holds no language strings and the page needs no inline script.
 */
(function (window, document) {
  /** The documented string of each enumeration value, used when the host's enumeration lacks the property. */
  var DOCUMENTED = {
    MobilePlansUserAccount: { new: 'New', existing: 'Existing', bailed: 'Bailed', none: 'None' },
    MobilePlansPurchaseInstrument: { new: 'New', existing: 'Existing', bailed: 'Bailed', none: 'None' },
    MobilePlansLineType: { new: 'New', existing: 'Existing', bailed: 'Bailed', none: 'None' },
    MobilePlansMoDirectStatus: {
      complete: 'Complete',
      cancelled: 'Cancelled',
      serviceError: 'ServiceError',
      invalidSim: 'InvalidSIM',
      clientError: 'ClientError'
    }
  };

  var root = document.getElementById('mobile-plans');
  if (!root) return;

  function attr(name) {
    return root.getAttribute('data-' + name);
  }

  /** Shows a state of the hand-over in the status element (data-state for styles and tests). */
  function show(state, text) {
    root.setAttribute('data-state', state);
    root.textContent = text;
  }

  /** The host's value of an enumeration member, else its documented string. */
  function member(enumeration, name) {
    var host = window[enumeration];
    if (host && host[name] !== undefined && host[name] !== null) return host[name];
    return DOCUMENTED[enumeration][name];
  }

  /** A JSON object of the page (message tables); an empty one if the attribute is missing or broken. */
  function table(name) {
    try {
      return JSON.parse(attr(name) || '{}');
    } catch (_e) {
      return {};
    }
  }

  /** Maps each host value of an enumeration to the page's message of the documented member of the same name. */
  function byHostValue(enumeration, messages) {
    var host = window[enumeration];
    var out = {};
    var name;
    // messages comes from JSON.parse: a plain object without inherited enumerable properties.
    for (name in messages) {
      out[String(host && host[name] !== undefined ? host[name] : name)] = messages[name];
    }
    return out;
  }

  var plans = window.MobilePlans;
  var inline = window.MobilePlansInlineOperations;
  if (!plans || typeof plans.createPurchaseMetaData !== 'function') return;

  function metadata() {
    var m = plans.createPurchaseMetaData();
    m.userAccount = member('MobilePlansUserAccount', attr('user-account'));
    m.purchaseInstrument = member('MobilePlansPurchaseInstrument', attr('purchase-instrument'));
    m.line = member('MobilePlansLineType', attr('line'));
    m.lineType = m.line;
    m.moDirectStatus = member('MobilePlansMoDirectStatus', attr('status'));
    m.modirectStatus = m.moDirectStatus;
    m.planName = attr('plan-name') || '';
    if (attr('transaction-id')) m.transactionId = attr('transaction-id');
    return m;
  }

  var activation = byHostValue('MobilePlansActivationError', table('activation-results'));
  var registration = byHostValue('MobilePlansNetworkRegistrationState', table('registration-states'));
  var network = document.getElementById('mobile-plans-network');

  /** The registration-changed script: the app calls it by name with a JSON string. */
  window.mbprovRegistrationChanged = function (registrationArgs) {
    var args;
    try {
      args = JSON.parse(registrationArgs);
    } catch (_e) {
      return;
    }
    var text = registration[String(args && args.networkRegistrationState)];
    if (network && text) {
      network.setAttribute('data-state', String(args.networkRegistrationState));
      network.textContent = text;
    }
  };

  /** The profile-activation-complete script: the result of the download, as the app reports it. */
  window.mbprovActivationComplete = function (activationArgs) {
    var args;
    try {
      args = JSON.parse(activationArgs);
    } catch (_e) {
      return;
    }
    var result = String(args && args.activationResult);
    var text = activation[result] || activation[String(member('MobilePlansActivationError', 'unknownError'))];
    if (text) show('activation-' + result, text);
  };

  var operation = attr('operation');
  var minutes = function (name) {
    return parseInt(attr(name), 10);
  };
  var context = null;
  show('working', attr('msg-working'));
  try {
    if (operation === 'profile-download') {
      inline.registrationChangedScript = 'mbprovRegistrationChanged';
      inline.profileActivationCompleteScript = 'mbprovActivationComplete';
      context =
        attr('delay') === null
          ? inline.notifyProfileDownload(metadata(), attr('activation-code'))
          : inline.notifyProfileDownload(metadata(), attr('activation-code'), minutes('delay'));
    } else if (operation === 'purchase-with-profile-download') {
      plans.notifyPurchaseWithProfileDownload(
        metadata(),
        attr('activation-code'),
        minutes('registration-minutes')
      );
    } else if (operation === 'balance-addition') {
      context =
        attr('iccid') === null
          ? inline.notifyBalanceAddition(metadata())
          : inline.notifyBalanceAddition(metadata(), attr('iccid'));
    } else if (operation === 'cancelled-purchase') {
      plans.notifyCancelledPurchase(metadata());
    } else {
      return;
    }
    show('done', attr('msg-done'));
  } catch (_e) {
    show('error', attr('msg-error'));
    return;
  }

  var cancel = document.getElementById('mp-cancel-download');
  if (cancel && context) {
    cancel.addEventListener('click', function () {
      // Before the app offers the download; the form then posts and the portal cancels the order.
      try {
        inline.notifyOperationCancel(context);
        show('download-cancelled', attr('msg-download-cancelled'));
      } catch (_e) {
        show('error', attr('msg-error'));
      }
    });
  }
})(window, document);
