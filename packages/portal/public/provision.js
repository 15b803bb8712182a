/*
 * mbprov completion page: hands the signed provisioning document to Windows.
 *
 * Windows' legacy web host exposes window.external.msProvisionNetworks(xml), which applies a signed
 * CarrierProvisioning document. What it answers (docs/operator-guide.md, "What the completion page shows"):
 * - a number, the documented Result code: 0 success, 1 general failure, 2 schema not valid, 3 not signed,
 *   4 signature not valid, 5 cancelled, 6 no Wi-Fi device, 7 no mobile broadband device, 8 several "not present";
 * - a CarrierProvisioningResult document (ResultsSchema v1 or v2): an errorCode per section and item, spelt
 *   errorCode in the schemas and ErrorCode in the account provisioning page's examples;
 * - or both, in an object or array (any property holding a number, any holding XML);
 * - or it throws (e.number is the HRESULT; ERROR_CANCELLED reads as code 5).
 * This script feature-detects the method, calls it with the document embedded in
 * <script type="application/xml" id="provisioning-document">, and reports the outcome in #provision-status.
 * Without the method nothing happens: the page's fallback section (download, Wi-Fi settings link, instructions)
 * stays visible. It is hidden only when Windows reports that everything was applied.
 *
 * Plain ES5 for old hosts: no let/const, arrow functions, template literals, classes, Promise or fetch. All texts
 * shown come from data-* attributes of the status element, so this file holds no language strings.
 */
(function (window, document) {
  /** HRESULT_FROM_WIN32(ERROR_CANCELLED): the user declined in Windows' prompt, the same as Result code 5. */
  var ERROR_CANCELLED = 0x800704c7;

  /** The documented Result codes of msProvisionNetworks that have their own message (data-code<n>). */
  var RESULT_CODES = { 1: true, 2: true, 3: true, 4: true, 5: true, 6: true, 7: true, 8: true };

  /** Result codes after which trying again cannot help (the same document would be refused again). */
  var NO_RETRY = { code2: true, code3: true, code4: true };

  /**
   * The eight lower-case hexadecimal digits of an errorCode value ("80070426", "0x80070426", "0", "S_OK"), or null
   * when it is not an HRESULT. The result pages describe errorCode as "S_OK if schema processed successfully.
   * Otherwise, the HRESULT ... formatted as eight hexadecimal characters", so S_OK (any case) is 00000000.
   */
  function hresult(value) {
    var code = String(value)
      .replace(/^\s+|\s+$/g, '')
      .toLowerCase()
      .replace(/^0x/, '');
    if (code === 's_ok') {
      return '00000000';
    }
    if (!/^[0-9a-f]{1,8}$/.test(code)) {
      return null;
    }
    while (code.length < 8) {
      code = '0' + code;
    }
    return code;
  }

  /**
   * True for a success HRESULT: severity bit clear. S_OK, and S_FALSE and the other success codes, which Windows
   * uses for warnings (a plan no profile names): applied. A code that is not an HRESULT is a failure.
   */
  function succeeded(code) {
    return code !== null && parseInt(code.charAt(0), 16) < 8;
  }

  /** Runs fn once the document is parsed, with addEventListener or, in old hosts, attachEvent. */
  function ready(fn) {
    var done = false;
    function run() {
      if (!done) {
        done = true;
        fn();
      }
    }
    if (document.readyState === 'complete' || document.readyState === 'interactive') {
      run();
    } else if (document.addEventListener) {
      document.addEventListener('DOMContentLoaded', run, false);
      window.addEventListener('load', run, false);
    } else if (document.attachEvent) {
      document.attachEvent('onreadystatechange', function () {
        if (document.readyState === 'complete') {
          run();
        }
      });
      window.attachEvent('onload', run);
    }
  }

  /** True when the host offers msProvisionNetworks ('function', or 'unknown' for a COM method in old hosts). */
  function hasProvisionApi() {
    try {
      return !!window.external && typeof window.external.msProvisionNetworks !== 'undefined';
    } catch (_e) {
      // Some hosts throw on any access to window.external.
      return false;
    }
  }

  /** The document text, undoing the page's escaping: "<\/" was "</", "<\!" was "<!", "<\\" was "<\". */
  function documentText(element) {
    var text = element.text;
    if (typeof text !== 'string' || text === '') {
      text = element.textContent || element.innerHTML || '';
    }
    return text.replace(/<\\([\/!\\])/g, '<$1');
  }

  /** Parses XML with DOMParser or, in old hosts, MSXML; null when it is not well-formed. */
  function parseXml(text) {
    var doc = null;
    if (typeof window.DOMParser !== 'undefined') {
      try {
        doc = new window.DOMParser().parseFromString(text, 'text/xml');
      } catch (_e) {
        return null;
      }
      if (!doc || !doc.documentElement || doc.getElementsByTagName('parsererror').length > 0) {
        return null;
      }
      return doc;
    }
    if (typeof window.ActiveXObject !== 'undefined') {
      try {
        doc = new window.ActiveXObject('Microsoft.XMLDOM');
        doc.async = false;
        if (!doc.loadXML(text) || !doc.documentElement) {
          return null;
        }
        return doc;
      } catch (_e) {
        return null;
      }
    }
    return null;
  }

  /** An element's name without its prefix (DOM localName, MSXML baseName). */
  function localName(node) {
    var name = node.localName || node.baseName || node.nodeName || '';
    var colon = name.indexOf(':');
    return colon >= 0 ? name.substring(colon + 1) : name;
  }

  /** The value of the attribute whose name, in any case, is `lower` (errorCode, ErrorCode; name, Name); or null. */
  function attribute(element, lower) {
    var attributes = element.attributes;
    var i;
    if (!attributes) {
      return null;
    }
    for (i = 0; i < attributes.length; i++) {
      if (localName(attributes[i]).toLowerCase() === lower) {
        return attributes[i].value;
      }
    }
    return null;
  }

  /**
   * Every element of the result that carries an error code (the root, a section such as WLANProfiles, an item such
   * as WLANProfile or Plan): its path below the root, item name, code as written, and whether it succeeded.
   */
  function resultEntries(doc) {
    var root = doc.documentElement;
    var elements = [root];
    var descendants = root.getElementsByTagName('*');
    var entries = [];
    var element;
    var raw;
    var code;
    var i;
    for (i = 0; i < descendants.length; i++) {
      elements.push(descendants[i]);
    }
    for (i = 0; i < elements.length; i++) {
      element = elements[i];
      raw = attribute(element, 'errorcode');
      if (raw === null || raw === '') {
        continue;
      }
      code = hresult(raw);
      entries.push({
        path: pathOf(element, root),
        name: attribute(element, 'name') || '',
        code: code === null ? String(raw) : code,
        hex: code !== null,
        ok: succeeded(code),
        whole: element === root || isSignature(element, root)
      });
    }
    return entries;
  }

  /**
   * True for the result's Signature element (ResultsSchema v1 requires it, with errorCode) or anything inside it:
   * it reports on the document's signature, not on a setting, so its success applies no setting.
   */
  function isSignature(element, root) {
    var node = element;
    while (node && node !== root && node.nodeType === 1) {
      if (localName(node) === 'Signature') {
        return true;
      }
      node = node.parentNode;
    }
    return false;
  }

  /** "WLANProfiles / WLANProfile": the element names from below the root down to element (the root alone for it). */
  function pathOf(element, root) {
    var names = [];
    var node = element;
    while (node && node !== root && node.nodeType === 1) {
      names.unshift(localName(node));
      node = node.parentNode;
    }
    return names.length > 0 ? names.join(' / ') : localName(root);
  }

  /** One line of the failure list: section path, item name in quotes, HRESULT. */
  function describe(entry) {
    return (
      entry.path + (entry.name ? ' "' + entry.name + '"' : '') + ': ' + (entry.hex ? '0x' : '') + entry.code
    );
  }

  /** An HRESULT number as "0x80070426". */
  function hex(number) {
    var text = (number >>> 0).toString(16);
    while (text.length < 8) {
      text = '0' + text;
    }
    return '0x' + text;
  }

  /** The text of a thrown error, with its HRESULT when the host gives one (e.number). */
  function errorText(error) {
    var message;
    if (error === null || error === undefined) {
      return String(error);
    }
    message = error.message || error.description || String(error);
    if (typeof error.number === 'number' && error.number !== 0) {
      message += ' (' + hex(error.number) + ')';
    }
    return message;
  }

  /** A Result code: a number, or a string of decimal digits; otherwise null. */
  function resultCode(value) {
    if (typeof value === 'number') {
      return value - value === 0 ? value : null;
    }
    if (typeof value === 'string' && /^\s*-?[0-9]+\s*$/.test(value)) {
      return parseInt(value, 10);
    }
    return null;
  }

  /** True when a string looks like an XML document (its first character that is not a space is "<"). */
  function looksLikeXml(value) {
    return typeof value === 'string' && /^\s*</.test(value);
  }

  /**
   * What msProvisionNetworks answered, as { code, xml, doc }: a Result code (a number), the result document as a
   * string, or already parsed (an XML DOM document), each null when absent. The answer is a number, an XML string,
   * an XML DOM document, or an object or array holding a number and XML.
   */
  function readAnswer(answer) {
    var found = { code: resultCode(answer), xml: null, doc: null };
    var key;
    var value;
    if (found.code !== null) {
      return found;
    }
    if (typeof answer === 'string') {
      found.xml = answer;
      return found;
    }
    if (answer !== null && typeof answer === 'object') {
      try {
        if (answer.documentElement) {
          found.doc = answer;
          return found;
        }
        // A Number object.
        value = typeof answer.valueOf === 'function' ? answer.valueOf() : answer;
        if (typeof value === 'number') {
          found.code = resultCode(value);
          return found;
        }
        for (key in answer) {
          value = answer[key];
          if (found.code === null && resultCode(value) !== null) {
            found.code = resultCode(value);
          } else if (found.xml === null && looksLikeXml(value)) {
            found.xml = value;
          }
        }
      } catch (_e) {
        // A host object that cannot be enumerated: nothing more to read.
      }
    }
    return found;
  }

  /**
   * The result document, or null. The account provisioning page prints its examples with typographic quotes
   * (ErrorCode=”80070426”): a text that is not well-formed is read again with them made straight.
   */
  function parseResult(text) {
    var doc;
    if (text === null || text === undefined || text === '') {
      return null;
    }
    doc = parseXml(String(text));
    if (!doc && /[\u201c\u201d]/.test(text)) {
      doc = parseXml(String(text).replace(/[\u201c\u201d]/g, '"'));
    }
    return doc;
  }

  /** The message data-<name> of the status element, with {code} replaced. */
  function message(status, name, code) {
    var text = status.getAttribute('data-' + name) || '';
    return code === undefined ? text : text.replace('{code}', code);
  }

  /**
   * Shows the status message `kind` (data-<kind>): for anything but success and working, the support sentence
   * and, when trying again can help, a Try again button; then the details (raw codes). `tone` styles the box.
   */
  function showStatus(status, kind, tone, details, retry) {
    var paragraph = document.createElement('p');
    var support;
    var button;
    var list;
    var item;
    var i;
    while (status.firstChild) {
      status.removeChild(status.firstChild);
    }
    paragraph.appendChild(document.createTextNode(message(status, kind)));
    status.appendChild(paragraph);
    if (tone !== 'success' && tone !== 'working') {
      support = document.createElement('p');
      support.className = 'provision-support';
      support.appendChild(document.createTextNode(message(status, 'support')));
      status.appendChild(support);
    }
    if (details && details.length > 0) {
      list = document.createElement('ul');
      list.className = 'provision-details';
      for (i = 0; i < details.length; i++) {
        item = document.createElement('li');
        item.appendChild(document.createTextNode(details[i]));
        list.appendChild(item);
      }
      status.appendChild(list);
    }
    if (retry) {
      button = document.createElement('button');
      button.setAttribute('type', 'button');
      button.className = 'button secondary provision-retry';
      button.appendChild(document.createTextNode(message(status, 'retry')));
      button.onclick = retry;
      status.appendChild(button);
    }
    status.className = 'provision-status provision-' + tone + (kind !== tone ? ' provision-' + kind : '');
    status.setAttribute('data-state', kind);
  }

  function setHidden(element, hidden) {
    if (!element) {
      return;
    }
    if (hidden) {
      element.setAttribute('hidden', 'hidden');
      element.style.display = 'none';
    } else {
      element.removeAttribute('hidden');
      element.style.display = '';
    }
  }

  /** The failure lines of a result document (empty when it has no failing code), and what it says overall. */
  function judge(doc) {
    var entries = resultEntries(doc);
    var failures = [];
    var anyApplied = false;
    var wholeFailed = false;
    var i;
    for (i = 0; i < entries.length; i++) {
      // Only a section or item (WLANProfile, Plan, ...) that succeeded applied something; the root and the
      // Signature speak for the whole document, so their failure fails it and their success applies nothing.
      if (entries[i].ok) {
        anyApplied = anyApplied || !entries[i].whole;
      } else {
        failures.push(describe(entries[i]));
        wholeFailed = wholeFailed || entries[i].whole;
      }
    }
    return {
      failures: failures,
      // No code at all: nothing says that anything was applied.
      verdict:
        entries.length === 0
          ? 'unknown'
          : failures.length === 0
            ? 'success'
            : anyApplied && !wholeFailed
              ? 'partial'
              : 'failed'
    };
  }

  /** Calls msProvisionNetworks and reports what Windows answered. */
  function provision(source, status, fallback) {
    var answer;
    var doc;
    var verdict;
    var kind;
    var details;
    function again() {
      start(source, status, fallback);
    }
    function report(shown, tone, lines, retry) {
      showStatus(status, shown, tone, lines, retry && NO_RETRY[shown] !== true ? again : null);
      setHidden(fallback, shown === 'success');
    }
    try {
      answer = readAnswer(window.external.msProvisionNetworks(documentText(source)));
    } catch (e) {
      // The user refused, or the host could not apply the document at all.
      kind = e && typeof e.number === 'number' && e.number >>> 0 === ERROR_CANCELLED ? 'code5' : 'error';
      report(kind, 'failed', [errorText(e)], true);
      return;
    }
    doc = answer.doc || parseResult(answer.xml);
    verdict = doc ? judge(doc) : { failures: [], verdict: 'unknown' };
    if (answer.code !== null && answer.code !== 0) {
      // A documented failure code, or another number (an HRESULT the host passed through): the result document,
      // when there is one, only adds its details.
      kind = RESULT_CODES[answer.code] === true ? 'code' + answer.code : 'code-other';
      details = [
        message(
          status,
          'detail',
          answer.code < 0 || answer.code >= 0x80000000 ? hex(answer.code) : String(answer.code)
        )
      ];
      report(kind, 'failed', details.concat(verdict.failures), true);
      return;
    }
    if (verdict.verdict === 'unknown' && answer.code === 0) {
      // Result 0 is the documented success; a result document without codes does not contradict it.
      verdict.verdict = 'success';
    }
    if (verdict.verdict === 'success') {
      report('success', 'success', [], false);
    } else if (verdict.verdict === 'unknown') {
      report('unknown', 'unknown', [], true);
    } else {
      report(verdict.verdict, 'failed', verdict.failures, true);
    }
  }

  /** Shows "working", then hands the document over once that text could paint. */
  function start(source, status, fallback) {
    showStatus(status, 'working', 'working', [], null);
    // Let the "working" text paint before the host's (synchronous, possibly modal) call.
    window.setTimeout(function () {
      provision(source, status, fallback);
    }, 50);
  }

  ready(function () {
    var source = document.getElementById('provisioning-document');
    var status = document.getElementById('provision-status');
    var fallback = document.getElementById('provision-fallback');
    if (!source || !status || !hasProvisionApi()) {
      return;
    }
    start(source, status, fallback);
  });
})(window, document);
