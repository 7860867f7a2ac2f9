/* Record Check widget: <script src="https://<service>/widget.js" defer></script> on any page.
 * Adds a launcher button and a chat panel inside a Shadow DOM, so it styles nothing outside
 * itself, and talks to the service's own origin (which must list the page in EMBED_ORIGINS). */
(function () {
  "use strict";
  if (document.querySelector("record-check-widget, .record-check-widget")) return;
  var script = document.currentScript;
  var origin = new URL(script ? script.src : "/widget.js", window.location.href).origin;
  var pageLanguage = (document.documentElement.lang || navigator.language || "en").slice(0, 2).toLowerCase();
  var language = pageLanguage === "es" ? "es" : "en";
  var HELP_PHONE = "{{ help_phone }}"; // filled in by the service from its policy data
  var WORDS = {
    en: { open: "Check an old marijuana conviction", close: "Close",
          note: "A free Prop 64 check from Sacramento County. Information, not legal advice." },
    es: { open: "Revise una condena vieja de marihuana", close: "Cerrar",
          note: "Una revision gratis de Prop 64 del Condado de Sacramento. Informacion, no consejo legal." }
  }[language];

  function make(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) node.textContent = text;
    return node;
  }

  var host = make("div", { "class": "record-check-widget" });
  var shadow = host.attachShadow({ mode: "open" });
  shadow.appendChild(make("link", { rel: "stylesheet", href: origin + "/static/chat.css" }));
  shadow.appendChild(make("link", { rel: "stylesheet", href: origin + "/static/widget.css" }));

  var launcher = make("button", { type: "button", "class": "rcw-launcher", "aria-expanded": "false", "aria-controls": "rcw-panel" },
    WORDS.open);
  var panel = make("section", { id: "rcw-panel", "class": "rcw-panel", role: "dialog", "aria-labelledby": "rcw-title", hidden: "" });
  var head = make("div", { "class": "rcw-head" });
  var title = make("h2", { id: "rcw-title", tabindex: "-1" }, "Record Check");
  var close = make("button", { type: "button", "class": "rcw-close" }, WORDS.close);
  head.appendChild(title);
  head.appendChild(close);
  var note = make("p", { "class": "rcw-note", lang: language }, WORDS.note);
  var mountPoint = make("div", { "class": "rcw-chat" });
  panel.appendChild(head);
  panel.appendChild(note);
  panel.appendChild(mountPoint);
  shadow.appendChild(launcher);
  shadow.appendChild(panel);

  var mounted = false;
  function open() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    title.focus();
    if (!mounted && window.RecordCheck) {
      window.RecordCheck.mount(mountPoint, {
        origin: origin, idPrefix: "rcw", language: language, helpPhone: HELP_PHONE
      });
      mounted = true;
    }
  }
  function shut() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }
  launcher.addEventListener("click", function () { if (panel.hidden) open(); else shut(); });
  close.addEventListener("click", shut);
  panel.addEventListener("keydown", function (event) { if (event.key === "Escape") shut(); });

  var client = document.createElement("script");
  client.src = origin + "/static/chat.js";
  client.async = true;
  client.onload = function () { if (!panel.hidden && !mounted) open(); };
  document.head.appendChild(client);

  if (document.body) document.body.appendChild(host);
  else document.addEventListener("DOMContentLoaded", function () { document.body.appendChild(host); });
})();
