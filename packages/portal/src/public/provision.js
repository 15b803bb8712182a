/*
 * mbprov completion page: hands the signed provisioning document to Windows.
 *
 * Windows' legacy web host exposes window.external.msProvisionNetworks(xml), which applies a signed
 * CarrierProvisioning document and returns a CarrierProvisioningResult document (one errorCode per section and
 * item). This script feature-detects the method, calls it with the document embedded in
 * <script type="application/xml" id="provisioning-document">, and reports the outcome in #provision-status.
 * Without the method nothing happens: the page's fallback section (download, Wi-Fi settings link, instructions)
 * stays visible. It is hidden only when Windows reports that everything was applied.
 *
 * Plain ES5 for old hosts: no let/const, arrow functions, template literals, classes, Promise or fetch. All texts
 * shown come from data-* attributes of the status element, so this file holds no language strings.
 */
(function (window, document) {
  /** S_OK and S_FALSE (applied, with a warning): anything else is a failure. */
  var SUCCESS_CODES = { '00000000': true, '00000001': true };

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

  /** Every element of the result that carries an errorCode: its path below the root, name and code. */
  function resultEntries(doc) {
    var root = doc.documentElement;
    var elements = [root];
    var descendants = root.getElementsByTagName('*');
    var entries = [];
    var element;
    var code;
    var i;
    for (i = 0; i < descendants.length; i++) {
      elements.push(descendants[i]);
    }
    for (i = 0; i < elements.length; i++) {
      element = elements[i];
      code = element.getAttribute('errorCode');
      if (code === null || code === '') {
        continue;
      }
      code = String(code).toLowerCase().replace(/^0x/, '');
      entries.push({
        path: pathOf(element, root),
        name: element.getAttribute('name') || element.getAttribute('Name') || '',
        code: code,
        ok: SUCCESS_CODES[code] === true
      });
    }
    return entries;
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
    return entry.path + (entry.name ? ' "' + entry.name + '"' : '') + ': 0x' + entry.code;
  }

  /** The text of a thrown error, with its HRESULT when the host gives one (e.number). */
  function errorText(error) {
    var message;
    var hex;
    if (error === null || error === undefined) {
      return String(error);
    }
    message = error.message || error.description || String(error);
    if (typeof error.number === 'number' && error.number !== 0) {
      hex = (error.number >>> 0).toString(16);
      while (hex.length < 8) {
        hex = '0' + hex;
      }
      message += ' (0x' + hex + ')';
    }
    return message;
  }

  /** Shows the status message `kind` (from data-<kind>) and an optional list of details. */
  function showStatus(status, kind, details) {
    var paragraph = document.createElement('p');
    var list;
    var item;
    var i;
    while (status.firstChild) {
      status.removeChild(status.firstChild);
    }
    paragraph.appendChild(document.createTextNode(status.getAttribute('data-' + kind) || ''));
    status.appendChild(paragraph);
    if (details && details.length > 0) {
      list = document.createElement('ul');
      for (i = 0; i < details.length; i++) {
        item = document.createElement('li');
        item.appendChild(document.createTextNode(details[i]));
        list.appendChild(item);
      }
      status.appendChild(list);
    }
    status.className = 'provision-status provision-' + kind;
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

  /** Calls msProvisionNetworks and reports what Windows answered. */
  function provision(source, status, fallback) {
    var result;
    var doc;
    var entries;
    var failures = [];
    var anyApplied = false;
    var i;
    try {
      result = window.external.msProvisionNetworks(documentText(source));
    } catch (e) {
      // The user refused, or the host could not apply the document at all.
      showStatus(status, 'error', [errorText(e)]);
      setHidden(fallback, false);
      return;
    }
    doc = result === null || result === undefined || result === '' ? null : parseXml(String(result));
    if (!doc) {
      showStatus(status, 'unknown', []);
      setHidden(fallback, false);
      return;
    }
    entries = resultEntries(doc);
    for (i = 0; i < entries.length; i++) {
      if (entries[i].ok) {
        anyApplied = true;
      } else {
        failures.push(describe(entries[i]));
      }
    }
    if (failures.length === 0) {
      showStatus(status, 'success', []);
      setHidden(fallback, true);
    } else {
      showStatus(status, anyApplied ? 'partial' : 'failed', failures);
      setHidden(fallback, false);
    }
  }

  ready(function () {
    var source = document.getElementById('provisioning-document');
    var status = document.getElementById('provision-status');
    var fallback = document.getElementById('provision-fallback');
    if (!source || !status || !hasProvisionApi()) {
      return;
    }
    showStatus(status, 'working', []);
    // Let the "working" text paint before the host's (synchronous, possibly modal) call.
    window.setTimeout(function () {
      provision(source, status, fallback);
    }, 50);
  });
})(window, document);
