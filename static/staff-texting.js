// The inquiry page's texting form: the segment count as staff type (GSM-7 160 / 153 a segment,
// UCS-2 70 / 67), and the send button off beyond the inquiry's budget. The server counts again.
(function () {
  "use strict";
  var form = document.querySelector("form.text-form");
  if (!form) { return; }
  var basic = form.dataset.gsmBasic + "\n\r";
  var extension = form.dataset.gsmExtension;
  var budget = parseInt(form.dataset.budget, 10);
  var body = form.querySelector("textarea");
  var count = form.querySelector(".segment-count");
  var button = form.querySelector("button[type=submit]");

  function segments(text) {
    var gsm = true, units = 0;
    for (var i = 0; i < text.length; i++) {
      var ch = text[i];
      if (basic.indexOf(ch) >= 0) { units += 1; }
      else if (extension.indexOf(ch) >= 0) { units += 2; }
      else { gsm = false; break; }
    }
    var single = 160, multi = 153;
    if (!gsm) { units = text.length; single = 70; multi = 67; }
    return units <= single ? 1 : Math.ceil(units / multi);
  }

  function ownWords() {
    var checked = form.querySelector("input[name=choice]:checked");
    return !checked || checked.value === "own";
  }

  function update() {
    if (!ownWords()) { count.textContent = "A ready text fits."; button.disabled = false; return; }
    var text = body.value;
    var used = text.length ? segments(text) : 0;
    count.textContent = text.length + " characters, " + used + " segment" + (used === 1 ? "" : "s") +
      (used > budget ? ": too long to send." : ".");
    button.disabled = used > budget || text.trim().length === 0;
  }

  body.addEventListener("input", function () {
    var own = form.querySelector("input[name=choice][value=own]");
    if (own && body.value.length) { own.checked = true; }
    update();
  });
  form.addEventListener("change", update);
  update();
}());
