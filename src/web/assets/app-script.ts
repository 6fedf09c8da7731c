/**
 * The enhancements every page may use (served at /app/app.<hash>.js, `defer`, under CSP script-src 'self'). Each one
 * upgrades something the server already rendered, so every page works without it:
 * - `<time data-local datetime="...Z">` (UTC text from the server) is rewritten in the viewer's own time zone;
 *   `[data-countdown]` counts down to an instant ("in 2 d 3 h"), then shows its `data-done` text;
 * - `[data-live-refresh]` (a live game's region) is fetched again every N seconds from its `data-live-src` (the page's
 *   own address when absent) and swapped in, until the server renders it without the attribute (the game is over),
 *   with a button to pause and resume;
 * - `button[data-copy]` copies the field it names (shown only when this script runs);
 * - `#player-filter` (a GET form: position and name) filters `#players li` as one types, with the same rules the
 *   server applies on submit (rows the server hid are only hidden, so the list can widen again);
 * - a `flash` query parameter is dropped from the address once shown, so a reload does not repeat it.
 * Hand-written and small on purpose: no framework, no build step (docs/decisions/0011-web-app.md).
 */
export const APP_SCRIPT = String.raw`(function () {
  "use strict";
  var dateTime = new Intl.DateTimeFormat(undefined, { weekday: "short", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZoneName: "short" });

  function localTimes(root) {
    var times = root.querySelectorAll("time[data-local]");
    for (var i = 0; i < times.length; i++) {
      var at = new Date(times[i].getAttribute("datetime"));
      if (!isNaN(at.getTime())) times[i].textContent = dateTime.format(at);
    }
  }

  function left(ms) {
    var minutes = Math.floor(ms / 60000);
    var days = Math.floor(minutes / 1440), hours = Math.floor((minutes % 1440) / 60), mins = minutes % 60;
    if (days > 0) return days + " d " + hours + " h";
    if (hours > 0) return hours + " h " + mins + " min";
    return mins > 0 ? mins + " min" : "less than a minute";
  }

  function countdowns() {
    var now = Date.now(), items = document.querySelectorAll("[data-countdown]");
    for (var i = 0; i < items.length; i++) {
      var ms = Date.parse(items[i].getAttribute("data-countdown")) - now;
      var text = ms > 0 ? "in " + left(ms) : items[i].getAttribute("data-done") || "kicked off";
      if (items[i].textContent !== text) items[i].textContent = text;
    }
  }

  function liveRefresh() {
    var region = document.querySelector("[data-live-refresh]");
    if (!region || !region.id || !window.fetch || !window.DOMParser) return;
    var seconds = Math.max(10, Number(region.getAttribute("data-live-refresh")) || 30);
    var path = region.getAttribute("data-live-src") || location.pathname + location.search;
    var toggle = document.getElementById("live-toggle");
    var timer = null;
    function stop() { if (timer) clearInterval(timer); timer = null; }
    function start() { stop(); timer = setInterval(refresh, seconds * 1000); }
    function refresh() {
      fetch(path, { headers: { accept: "text/html" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (text) {
          if (text === null) return;
          var next = new DOMParser().parseFromString(text, "text/html").getElementById(region.id);
          if (!next) return;
          region.innerHTML = next.innerHTML;
          localTimes(region);
          if (!next.hasAttribute("data-live-refresh")) {
            stop();
            region.removeAttribute("data-live-refresh");
            if (toggle) toggle.hidden = true;
          }
        })
        .catch(function () {});
    }
    if (toggle) {
      toggle.hidden = false;
      toggle.addEventListener("click", function () {
        var paused = toggle.getAttribute("aria-pressed") === "true";
        toggle.setAttribute("aria-pressed", paused ? "false" : "true");
        toggle.textContent = paused ? "Pause live updates" : "Resume live updates";
        if (paused) { refresh(); start(); } else stop();
      });
    }
    start();
  }

  function copyButtons() {
    var buttons = document.querySelectorAll("button[data-copy]");
    for (var i = 0; i < buttons.length; i++) {
      (function (button) {
        var field = document.getElementById(button.getAttribute("data-copy"));
        var status = document.getElementById(button.getAttribute("data-status") || "");
        if (!field) return;
        button.hidden = false;
        button.addEventListener("click", function () {
          function done(ok) { if (status) status.textContent = ok ? "Link copied." : "Select the link and copy it."; }
          if (navigator.clipboard && navigator.clipboard.writeText) {
            navigator.clipboard.writeText(field.value).then(function () { done(true); }, function () { field.select(); done(false); });
          } else {
            field.select();
            var ok = false;
            try { ok = document.execCommand("copy"); } catch (e) {}
            done(ok);
          }
        });
      })(buttons[i]);
    }
  }

  function nameKey(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[.',\u2019\x60]/g, "").replace(/[-\/]/g, " ").trim().split(/\s+/).join(" ");
  }

  function playerFilter() {
    var form = document.getElementById("player-filter");
    var list = document.getElementById("players");
    if (!form || !list) return;
    var query = form.querySelector("[name=q]"), position = form.querySelector("[name=position]");
    var count = document.getElementById("player-count");
    var rows = list.querySelectorAll("li[data-name]");
    function apply() {
      var text = nameKey(query.value), wanted = position.value, shown = 0;
      for (var i = 0; i < rows.length; i++) {
        var row = rows[i];
        var match = (!wanted || row.getAttribute("data-position") === wanted) && (!text || row.getAttribute("data-name").indexOf(text) >= 0);
        row.hidden = !match && !row.querySelector("input:checked");
        if (!row.hidden) shown++;
      }
      if (count) count.textContent = shown === 1 ? "1 player shown" : shown + " players shown";
    }
    query.addEventListener("input", apply);
    position.addEventListener("change", apply);
  }

  function dropFlash() {
    if (!window.history || !history.replaceState || location.search.indexOf("flash=") < 0) return;
    var url = new URL(location.href);
    url.searchParams.delete("flash");
    history.replaceState(history.state, "", url.pathname + url.search + url.hash);
  }

  function start() {
    localTimes(document);
    countdowns();
    setInterval(countdowns, 15000);
    liveRefresh();
    copyButtons();
    playerFilter();
    dropFlash();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
`;
