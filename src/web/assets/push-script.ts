/**
 * Web Push on /me (served at /app/push.<hash>.js): registers the service worker (/sw.js, scope "/"), and on
 * "Turn on notifications on this device" asks the browser's permission, subscribes with the server's VAPID key
 * (`data-vapid-key` of #push) and posts the subscription to /v1/me/push-subscriptions with the page's CSRF token.
 * On every visit an existing subscription is posted again (an upsert), and one made with another key (the operator
 * rotated the VAPID keys) is dropped and made anew: a device resubscribes by itself the next time /me is opened.
 * "Turn off on this device" unsubscribes and deletes the device (its `data-id` in the device list).
 */
export const PUSH_SCRIPT = String.raw`(function () {
  "use strict";
  var section = document.getElementById("push");
  if (!section) return;
  var status = document.getElementById("push-status");
  var enable = document.getElementById("push-enable");
  var disable = document.getElementById("push-disable");
  var key = section.getAttribute("data-vapid-key");
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : "";

  function say(text) { if (status) status.textContent = text; }

  function fromBase64url(text) {
    var padded = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
    var binary = atob(padded), bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  function sameKey(buffer) {
    if (!buffer) return true;
    var a = new Uint8Array(buffer), b = fromBase64url(key);
    if (a.length !== b.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  function api(method, path, body) {
    return fetch(path, {
      method: method,
      credentials: "same-origin",
      headers: { "content-type": "application/json", "x-csrf-token": csrf },
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (response) {
      if (!response.ok && response.status !== 404) throw new Error("the server answered " + response.status);
      return response;
    });
  }

  function show(subscription) {
    section.setAttribute("data-subscribed", subscription ? "true" : "false");
    enable.hidden = !!subscription;
    disable.hidden = !subscription;
  }

  if (!key || !("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    say(key ? "This browser cannot receive push notifications." : "Push notifications are not set up on this server.");
    return;
  }
  var hide = document.querySelectorAll("[data-needs-push]");
  for (var i = 0; i < hide.length; i++) hide[i].hidden = true;

  navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
    return navigator.serviceWorker.ready;
  }).then(function (registration) {
    section.setAttribute("data-worker", "registered");
    return registration.pushManager.getSubscription().then(function (subscription) {
      if (subscription && !sameKey(subscription.options && subscription.options.applicationServerKey)) {
        return subscription.unsubscribe().then(function () {
          return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: fromBase64url(key) });
        });
      }
      return subscription;
    }).then(function (subscription) {
      show(subscription);
      if (subscription) return api("POST", "/v1/me/push-subscriptions", subscription.toJSON());
    }).then(function () {
      enable.addEventListener("click", function () {
        say("Asking for permission…");
        Notification.requestPermission().then(function (permission) {
          if (permission !== "granted") throw new Error("notifications are blocked for this site in the browser's settings");
          say("Subscribing this device…");
          return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: fromBase64url(key) });
        }).then(function (subscription) {
          return api("POST", "/v1/me/push-subscriptions", subscription.toJSON());
        }).then(function () {
          location.assign("/me#notifications");
          location.reload();
        }).catch(function (error) { say("Could not turn notifications on: " + error.message); });
      });
      disable.addEventListener("click", function () {
        registration.pushManager.getSubscription().then(function (subscription) {
          if (!subscription) return;
          var row = document.querySelector('[data-endpoint="' + subscription.endpoint.replace(/"/g, "") + '"]');
          return subscription.unsubscribe().then(function () {
            if (row) return api("DELETE", "/v1/me/push-subscriptions/" + row.getAttribute("data-id"));
          });
        }).then(function () { location.reload(); }).catch(function (error) { say("Could not turn notifications off: " + error.message); });
      });
    });
  }).catch(function (error) { say("Push notifications are unavailable here: " + error.message); });
})();
`;

/**
 * The service worker, served at /sw.js (a worker controls only pages under its own path: at the root, every page).
 * It shows each push message (title, body, a tag so that a correction replaces the first message) and opens the
 * message's page on click, focusing a tab of the app that is already open. It caches nothing.
 */
export const SERVICE_WORKER = String.raw`"use strict";
self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("push", function (event) {
  var message = {};
  try { message = event.data ? event.data.json() : {}; } catch (error) { message = { body: event.data ? event.data.text() : "" }; }
  var url = typeof message.url === "string" && message.url.charAt(0) === "/" && message.url.charAt(1) !== "/" ? message.url : "/";
  event.waitUntil(self.registration.showNotification(message.title || "First TD", {
    body: message.body || "",
    tag: message.tag || undefined,
    renotify: !!message.tag,
    data: { url: url }
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin).href;
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
    for (var i = 0; i < windows.length; i++) {
      if (windows[i].url === target && "focus" in windows[i]) return windows[i].focus();
    }
    return self.clients.openWindow(target);
  }));
});
`;
