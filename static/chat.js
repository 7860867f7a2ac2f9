/* Record Check chat client: renders the check from the JSON API into a container.
 * Used by the county page (progressive enhancement of the plain HTML forms) and by widget.js.
 * Everything the server says is put in the page with textContent, never as HTML. */
(function () {
  "use strict";

  var WORDS = {
    en: {
      start: "Start the check", other: "Empezar en español", otherLanguage: "es", switchTo: "Español",
      intro: "Answer a few questions about your case. You can go back or start over at any time.",
      typed: "Or type your answer", message: "Type a message", send: "Send", back: "Go back",
      restart: "Start over", you: "You", bot: "Record Check", answers: "Your answers",
      result: "Your likely result", call: "Call the", give: "Give them your reference:",
      copy: "Copy reference", copied: "Reference copied.",
      advice: "This is information, not legal advice.", conversation: "Conversation",
      error: "Sorry, something went wrong. Please try again, or call the Public Defender at {phone}.",
      errorNoPhone: "Sorry, something went wrong. Please try again, or call the Public Defender.",
      busy: "Too many tries at once. Please wait a minute and try again."
    },
    es: {
      start: "Empezar la revisión", other: "Start in English", otherLanguage: "en", switchTo: "English",
      intro: "Conteste unas preguntas sobre su caso. Puede regresar o empezar de nuevo cuando quiera.",
      typed: "O escriba su respuesta", message: "Escriba un mensaje", send: "Enviar",
      back: "Regresar", restart: "Empezar de nuevo", you: "Usted", bot: "Record Check",
      answers: "Sus respuestas", result: "Su resultado probable", call: "Llame al",
      give: "Deles su referencia:", copy: "Copiar referencia", copied: "Referencia copiada.",
      advice: "Es informacion, no consejo legal.", conversation: "Conversacion",
      error: "Perdon, algo fallo. Intente de nuevo, o llame al Defensor Publico al {phone}.",
      errorNoPhone: "Perdon, algo fallo. Intente de nuevo, o llame al Defensor Publico.",
      busy: "Demasiados intentos. Espere un minuto e intente de nuevo."
    }
  };
  var STORE_KEY = "record-check-chat";
  // What the service keeps of a message on every channel (MAX_INPUT in bot/service/turns.py).
  var MAX_INPUT = "1600";

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs[name];
      else if (name === "on") Object.keys(attrs.on).forEach(function (e) { node.addEventListener(e, attrs.on[e]); });
      else if (attrs[name] !== false && attrs[name] !== null) node.setAttribute(name, attrs[name] === true ? "" : attrs[name]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function telHref(phone) { return "tel:+1" + phone.replace(/-/g, ""); }

  function mount(root, options) {
    var api = (options.origin || "") + "/api/chat";
    var prefix = options.idPrefix || "rc";
    var chat = null;
    var sending = false;
    var words = WORDS[options.language] || WORDS.en;
    var log, status, body;

    // The number comes from the page the server rendered (the policy data), so it is written
    // once; the widget has no such page and names the office without a number.
    function errorText() {
      return options.helpPhone ? words.error.replace("{phone}", options.helpPhone) : words.errorNoPhone;
    }

    function request(method, url, payload) {
      var init = { method: method, headers: { "Accept": "application/json" } };
      if (payload !== undefined) {
        init.headers["Content-Type"] = "application/json";
        init.body = JSON.stringify(payload);
      }
      return fetch(url, init).then(function (response) {
        if (response.status === 429) throw new Error(words.busy);
        if (!response.ok) throw new Error(errorText());
        return response.json();
      });
    }

    function say(text) {
      status.textContent = text;
    }

    function addMessages(messages) {
      messages.forEach(function (m) {
        var who = m.from === "resident" ? words.you : words.bot;
        log.appendChild(el("p", { "class": "rc-msg rc-" + m.from }, [
          el("span", { "class": "rc-who", text: who + ": " }), document.createTextNode(m.text)
        ]));
      });
    }

    function resultBlock() {
      var r = chat.result, d = chat.display;
      var refId = prefix + "-reference";
      var copy = el("button", { type: "button", "class": "rc-button rc-copy", text: words.copy, on: { click: function () {
        if (navigator.clipboard) navigator.clipboard.writeText(r.reference).then(function () { say(words.copied); }, function () {});
      } } });
      return el("div", { "class": "rc-result", lang: chat.language }, [
        el("h3", { id: prefix + "-result-title", tabindex: "-1", text: words.result }),
        el("p", { "class": "rc-outcome", text: d.outcome }),
        el("p", { text: words.call + " " + d.office + ": " }, [
          el("a", { "class": "rc-tel", href: telHref(r.office.phone), text: r.office.phone })
        ]),
        el("p", { text: words.give }),
        el("p", { "class": "rc-reference", id: refId, text: r.reference }),
        copy,
        el("p", { "class": "rc-small", text: words.advice })
      ]);
    }

    function answersBlock() {
      var rows = chat.display.answered;
      if (!rows.length) return null;
      var list = el("dl");
      rows.forEach(function (a) {
        list.appendChild(el("dt", { text: a.question }));
        list.appendChild(el("dd", { text: a.answer }));
      });
      return el("details", { "class": "rc-answers" }, [
        el("summary", { text: words.answers + " (" + rows.length + ")" }), list
      ]);
    }

    function choicesBlock() {
      var q = chat.question;
      if (!q) return null;
      var set = el("fieldset", { lang: chat.language }, [
        el("legend", { id: prefix + "-question", tabindex: "-1", text: q.text })
      ]);
      q.choices.forEach(function (c) {
        set.appendChild(el("button", { type: "button", "class": "rc-button rc-choice", text: c.label,
          on: { click: function () { send(c.value, c.label); } } }));
      });
      return el("div", { "class": "rc-choices" }, [set]);
    }

    function freeBlock() {
      var inputId = prefix + "-text";
      var input = el("input", { id: inputId, name: "text", type: "text", autocomplete: "off", maxlength: MAX_INPUT });
      var form = el("form", { "class": "rc-free", on: { submit: function (event) {
        event.preventDefault();
        send(input.value, input.value);
      } } }, [
        el("label", { "for": inputId, text: chat.question ? words.typed : words.message }),
        el("div", { "class": "rc-row" }, [input, el("button", { type: "submit", "class": "rc-button rc-primary", text: words.send })])
      ]);
      return form;
    }

    function navBlock() {
      var switchWord = words.otherLanguage.toUpperCase();
      return el("div", { "class": "rc-nav" }, [
        el("button", { type: "button", "class": "rc-button rc-link", text: words.back, on: { click: function () { send("BACK", words.back); } } }),
        el("button", { type: "button", "class": "rc-button rc-link", text: words.restart, on: { click: function () { send("RESTART", words.restart); } } }),
        el("button", { type: "button", "class": "rc-button rc-link", lang: words.otherLanguage, text: words.switchTo, on: { click: function () { send(switchWord, words.switchTo); } } })
      ]);
    }

    function render(focus) {
      words = WORDS[chat.language] || WORDS.en;
      log.setAttribute("lang", chat.language);
      log.setAttribute("aria-label", words.conversation);
      body.textContent = "";
      [chat.result ? resultBlock() : null, answersBlock(), choicesBlock(), freeBlock(), navBlock()]
        .forEach(function (block) { if (block) body.appendChild(block); });
      if (focus) {
        var target = root.querySelector(chat.result ? "#" + prefix + "-result-title" : "#" + prefix + "-question");
        if (target) target.focus();
      }
    }

    function accept(data, focus) {
      chat = data;
      try { sessionStorage.setItem(STORE_KEY, data.id); } catch (e) { /* private mode */ }
      addMessages(data.messages);
      render(focus);
    }

    function send(text, shown) {
      if (sending || !chat) return;
      sending = true;
      say("");
      addMessages([{ from: "resident", text: shown || text }]);
      request("POST", api + "/" + encodeURIComponent(chat.id) + "/messages", { text: text })
        .then(function (data) { accept(data, true); }, function (error) { say(error.message); })
        .then(function () { sending = false; });
    }

    function begin(language) {
      request("POST", api, { language: language })
        .then(function (data) { log.textContent = ""; accept(data, true); }, function (error) { say(error.message); });
    }

    function startScreen() {
      var language = WORDS[options.language] ? options.language : "en";
      words = WORDS[language];
      body.textContent = "";
      body.appendChild(el("div", { "class": "rc-start" }, [
        el("p", { text: words.intro }),
        el("button", { type: "button", "class": "rc-button rc-primary", text: words.start, on: { click: function () { begin(language); } } }),
        el("button", { type: "button", "class": "rc-button", lang: words.otherLanguage, text: words.other, on: { click: function () { begin(words.otherLanguage); } } })
      ]));
    }

    root.textContent = "";
    log = el("div", { "class": "rc-log", role: "log", "aria-live": "polite", "aria-label": words.conversation });
    status = el("p", { "class": "rc-status", role: "status", "aria-live": "polite" });
    body = el("div", { "class": "rc-body" });
    [log, status, body].forEach(function (node) { root.appendChild(node); });

    var saved = options.chatId;
    try { saved = saved || sessionStorage.getItem(STORE_KEY); } catch (e) { /* private mode */ }
    if (saved) {
      request("GET", api + "/" + encodeURIComponent(saved)).then(function (data) { accept(data, false); }, startScreen);
    } else {
      startScreen();
    }
  }

  window.RecordCheck = { mount: mount };

  var page = document.querySelector("[data-record-check-page]");
  if (page) {
    mount(page.querySelector(".rc-mount"), {
      chatId: page.getAttribute("data-chat-id"),
      language: page.getAttribute("data-language"),
      helpPhone: page.getAttribute("data-help-phone")
    });
  }
})();
