/**
 * The passkey ceremonies and the one-time sign-in link, in the browser (served at /app/passkey.<hash>.js). The server
 * side is the API's (@simplewebauthn/server behind /v1): this script only carries JSON between it and the browser's
 * WebAuthn. Options are read with PublicKeyCredential.parseCreationOptionsFromJSON / parseRequestOptionsFromJSON and
 * the answer written with credential.toJSON() where the browser has them (Chromium, recent Firefox and Safari), else
 * with the small base64url fallback below. A session cookie authenticates /v1/me/passkeys*, so those calls carry the
 * page's CSRF token (`<meta name="csrf-token">`) in x-csrf-token; the sign-in calls need none.
 *
 * - `#passkey-sign-in` (button, hidden until this runs): signs in, then goes to its `data-next` (a local path).
 * - `#passkey-add` (button, hidden until this runs): registers a passkey named by `#passkey-name`, then reloads /me.
 * - `#sign-in-link` (the /sign-in/link page): a `#token=...` fragment (or the path form's /sign-in/link/<token>) is
 *   posted to /v1/sign-in/link at once and cleared from the address; without this script the page's form takes it.
 * Elements marked `data-needs-script` (a "needs JavaScript" note) are hidden once this runs with WebAuthn available.
 */
export const PASSKEY_SCRIPT = String.raw`(function () {
  "use strict";
  var PKC = window.PublicKeyCredential;

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer), text = "";
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function fromBase64url(text) {
    var padded = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
    var binary = atob(padded), bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function descriptors(list) {
    return (list || []).map(function (d) { return { type: d.type, id: fromBase64url(d.id), transports: d.transports }; });
  }

  function creationOptions(json) {
    if (typeof PKC.parseCreationOptionsFromJSON === "function") return PKC.parseCreationOptionsFromJSON(json);
    var options = Object.assign({}, json);
    options.challenge = fromBase64url(json.challenge);
    options.user = Object.assign({}, json.user, { id: fromBase64url(json.user.id) });
    options.excludeCredentials = descriptors(json.excludeCredentials);
    return options;
  }

  function requestOptions(json) {
    if (typeof PKC.parseRequestOptionsFromJSON === "function") return PKC.parseRequestOptionsFromJSON(json);
    var options = Object.assign({}, json);
    options.challenge = fromBase64url(json.challenge);
    options.allowCredentials = descriptors(json.allowCredentials);
    return options;
  }

  function credentialJSON(credential) {
    var json;
    if (typeof credential.toJSON === "function") {
      json = credential.toJSON();
    } else {
      var r = credential.response;
      json = {
        id: credential.id,
        rawId: toBase64url(credential.rawId),
        type: credential.type,
        authenticatorAttachment: credential.authenticatorAttachment,
        clientExtensionResults: credential.getClientExtensionResults(),
        response: { clientDataJSON: toBase64url(r.clientDataJSON) }
      };
      if (r.attestationObject) {
        json.response.attestationObject = toBase64url(r.attestationObject);
        if (typeof r.getTransports === "function") json.response.transports = r.getTransports();
      } else {
        json.response.authenticatorData = toBase64url(r.authenticatorData);
        json.response.signature = toBase64url(r.signature);
        if (r.userHandle) json.response.userHandle = toBase64url(r.userHandle);
      }
    }
    // What a browser leaves null, the API wants absent.
    for (var key in json) if (json[key] === null || json[key] === undefined) delete json[key];
    for (var field in json.response) if (json.response[field] === null || json.response[field] === undefined) delete json.response[field];
    return json;
  }

  function post(path, body) {
    var headers = { accept: "application/json" };
    var csrf = document.querySelector('meta[name="csrf-token"]');
    if (csrf) headers["x-csrf-token"] = csrf.getAttribute("content");
    if (body !== undefined) headers["content-type"] = "application/json";
    return fetch(path, { method: "POST", headers: headers, credentials: "same-origin", body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (response) {
        return response.json().catch(function () { return null; }).then(function (data) {
          if (response.ok) return data;
          throw new Error(data && data.error && data.error.message ? data.error.message : "The server answered " + response.status + ".");
        });
      });
  }

  function say(id, text, isError) {
    var status = document.getElementById(id);
    if (!status) return;
    status.textContent = text;
    status.className = isError ? "error" : "muted";
  }

  function why(error) {
    if (error && error.name === "NotAllowedError") return "The passkey prompt was closed or timed out. Try again.";
    if (error && error.name === "InvalidStateError") return "This device already holds a passkey for your account.";
    return (error && error.message) || "Something went wrong.";
  }

  function localPath(value, fallback) {
    return value && value.charAt(0) === "/" && value.charAt(1) !== "/" && value.charAt(1) !== "\\" ? value : fallback;
  }

  function signInButton() {
    var button = document.getElementById("passkey-sign-in");
    if (!button) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      say("passkey-status", "Waiting for your passkey...", false);
      post("/v1/sign-in/passkey/options")
        .then(function (options) { return navigator.credentials.get({ publicKey: requestOptions(options) }); })
        .then(function (credential) { return post("/v1/sign-in/passkey", { response: credentialJSON(credential) }); })
        .then(function () { location.assign(localPath(button.getAttribute("data-next"), "/")); })
        .catch(function (error) { button.disabled = false; say("passkey-status", why(error), true); });
    });
  }

  function addButton() {
    var button = document.getElementById("passkey-add");
    if (!button) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var nameField = document.getElementById("passkey-name");
      var name = nameField && nameField.value.trim() ? nameField.value.trim() : undefined;
      button.disabled = true;
      say("passkey-add-status", "Follow your device's prompt...", false);
      post("/v1/me/passkeys/options")
        .then(function (options) { return navigator.credentials.create({ publicKey: creationOptions(options) }); })
        .then(function (credential) { return post("/v1/me/passkeys", { name: name, response: credentialJSON(credential) }); })
        .then(function () { location.assign("/me?flash=passkey-added#passkeys"); })
        .catch(function (error) { button.disabled = false; say("passkey-add-status", why(error), true); });
    });
  }

  function signInLink() {
    var page = document.getElementById("sign-in-link");
    if (!page) return;
    var match = /(?:^#|&)token=([^&]+)/.exec(location.hash) || /^\/sign-in\/link\/([^\/?#]+)$/.exec(location.pathname);
    if (!match) return;
    var token = decodeURIComponent(match[1]);
    // The token leaves the address bar at once: it is good once, and history need not keep it.
    history.replaceState(history.state, "", "/sign-in/link");
    say("sign-in-link-status", "Signing you in...", false);
    post("/v1/sign-in/link", { token: token })
      .then(function () { location.assign("/?flash=signed-in"); })
      .catch(function (error) { say("sign-in-link-status", why(error), true); });
  }

  function start() {
    signInLink();
    if (!PKC || !navigator.credentials) return;
    var notes = document.querySelectorAll("[data-needs-script]");
    for (var i = 0; i < notes.length; i++) notes[i].hidden = true;
    signInButton();
    addButton();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
`;
