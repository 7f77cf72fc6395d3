// A stand-in for Stripe.js, served only while the shop talks to the local Stripe emulator
// (the demo and the tests). It offers the calls our payment page makes:
//   Stripe(key), elements({clientSecret}), create('payment'), mount(selector),
//   confirmPayment({elements, confirmParams: {return_url}})
// The typed test card goes to the shop's emulator bridge, which does what Stripe.js would do
// against the emulator; then, like Stripe.js, we leave for return_url.
(function () {
  "use strict";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) { node.textContent = text; }
    return node;
  }

  function field(label, attrs) {
    var wrap = el("label", { "class": "stripe-field" });
    wrap.appendChild(el("span", {}, label));
    var input = el("input", attrs);
    wrap.appendChild(input);
    return { wrap: wrap, input: input };
  }

  function PaymentElement(clientSecret) {
    this.clientSecret = clientSecret;
    this.inputs = {};
  }

  PaymentElement.prototype.mount = function (selector) {
    var host = typeof selector === "string" ? document.querySelector(selector) : selector;
    var box = el("div", { "class": "stripe-payment-element", "data-testid": "payment-element" });
    box.appendChild(el("div", { "class": "stripe-tab" }, "Card"));
    var number = field("Card number", { name: "cardnumber", autocomplete: "cc-number", inputmode: "numeric", placeholder: "1234 1234 1234 1234", "aria-label": "Card number" });
    var row = el("div", { "class": "stripe-row" });
    var expiry = field("Expiration", { name: "exp-date", autocomplete: "cc-exp", placeholder: "MM / YY", "aria-label": "Expiration date" });
    var cvc = field("Security code", { name: "cvc", autocomplete: "cc-csc", inputmode: "numeric", placeholder: "CVC", "aria-label": "Security code" });
    row.appendChild(expiry.wrap);
    row.appendChild(cvc.wrap);
    box.appendChild(number.wrap);
    box.appendChild(row);
    host.appendChild(box);
    this.inputs = { number: number.input, expiry: expiry.input, cvc: cvc.input };
    asYouType(number.input, 19, groupsOfFour);
    asYouType(expiry.input, 4, monthSlashYear);
    asYouType(cvc.input, 4, function (digits) { return digits; });
  };

  // As Stripe's own fields do: the number in groups of four, the expiry as "MM / YY" whether
  // it is typed 1234, 12/34 or 12 / 34 (" / " comes by itself after the month), and the caret
  // stays after the digit the shopper just typed or deleted.
  function groupsOfFour(digits) { return digits.replace(/(\d{4})(?=\d)/g, "$1 "); }

  function monthSlashYear(digits, deleting) {
    if (/^[2-9]$/.test(digits)) { digits = "0" + digits; }  // "4" can only be April
    if (digits.length > 2 || (digits.length === 2 && !deleting)) {
      return digits.slice(0, 2) + " / " + digits.slice(2);
    }
    return digits;
  }

  function asYouType(input, maxDigits, format) {
    input.addEventListener("input", function (event) {
      var deleting = /^delete/.test(event.inputType || "");
      var caret = input.selectionStart === null ? input.value.length : input.selectionStart;
      var digitsBefore = input.value.slice(0, caret).replace(/\D/g, "").length;
      var digits = input.value.replace(/\D/g, "").slice(0, maxDigits);
      var formatted = format(digits, deleting);
      var padded = formatted.replace(/\D/g, "").length - digits.length;  // the "0" of "04"
      input.value = formatted;
      var position = 0, seen = 0, wanted = Math.min(digitsBefore + padded, digits.length + padded);
      while (position < formatted.length && seen < wanted) {
        if (/\d/.test(formatted.charAt(position))) { seen += 1; }
        position += 1;
      }
      if (!deleting) { while (position < formatted.length && /\D/.test(formatted.charAt(position))) { position += 1; } }
      if (document.activeElement === input) { input.setSelectionRange(position, position); }
    });
  }

  PaymentElement.prototype.values = function () {
    var number = this.inputs.number.value.replace(/\s+/g, "");
    var expiry = this.inputs.expiry.value.replace(/\s+/g, "").split("/");
    if (expiry.length === 1 && /^\d{4}$|^\d{6}$/.test(expiry[0])) {  // 1234 or 122034
      expiry = [expiry[0].slice(0, 2), expiry[0].slice(2)];
    }
    var cvc = this.inputs.cvc.value.trim();
    if (!/^\d{12,19}$/.test(number)) { return { error: "Your card number is incomplete." }; }
    if (expiry.length !== 2 || !/^\d{1,2}$/.test(expiry[0]) || !/^\d{2,4}$/.test(expiry[1])) {
      return { error: "Your card's expiration date is incomplete." };
    }
    var month = parseInt(expiry[0], 10);
    var year = parseInt(expiry[1], 10);
    if (year < 100) { year += 2000; }
    if (month < 1 || month > 12) { return { error: "Your card's expiration date is invalid." }; }
    if (!/^\d{3,4}$/.test(cvc)) { return { error: "Your card's security code is incomplete." }; }
    return { number: number, exp_month: month, exp_year: year, cvc: cvc };
  };

  function bridge(payload) {
    var form = document.querySelector("[data-emulator-url]");
    return fetch(form.dataset.emulatorUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": form.dataset.csrfToken },
      body: JSON.stringify(payload)
    }).then(function (response) { return response.json(); });
  }

  function threeDSecure() {
    // What a bank's authentication page does, in a modal dialog over the page: focus moves
    // into it and stays there, Escape cancels (the authentication fails), and focus returns
    // to where it was when the dialog closes.
    return new Promise(function (resolve) {
      var before = document.activeElement;
      var dialog = el("dialog", { "class": "stripe-3ds-panel", "aria-labelledby": "stripe-3ds-title" });
      dialog.appendChild(el("h2", { id: "stripe-3ds-title" }, "3D Secure test payment"));
      dialog.appendChild(el("p", {}, "Your bank asks you to confirm this payment."));
      var ok = el("button", { type: "button", "class": "primary" }, "Complete authentication");
      var fail = el("button", { type: "button" }, "Fail authentication");
      var passed = false;
      ok.addEventListener("click", function () { passed = true; dialog.close(); });
      fail.addEventListener("click", function () { dialog.close(); });
      dialog.addEventListener("close", function () {
        dialog.remove();
        if (before && before.focus) { before.focus(); }
        resolve(passed);
      });
      dialog.appendChild(ok);
      dialog.appendChild(fail);
      document.body.appendChild(dialog);
      dialog.showModal();
      ok.focus();
    });
  }

  function leaveFor(returnUrl, clientSecret, status) {
    var url = new URL(returnUrl, window.location.href);
    url.searchParams.set("payment_intent", clientSecret.split("_secret_")[0]);
    url.searchParams.set("payment_intent_client_secret", clientSecret);
    url.searchParams.set("redirect_status", status);
    window.location.assign(url.toString());
  }

  function Elements(clientSecret) {
    this.clientSecret = clientSecret;
    this.element = null;
  }
  Elements.prototype.create = function (type) {
    if (type !== "payment") { throw new Error("The Stripe stand-in offers only the Payment Element."); }
    this.element = new PaymentElement(this.clientSecret);
    return this.element;
  };

  function StripeStandIn(key) {
    if (!(this instanceof StripeStandIn)) { return new StripeStandIn(key); }
    this.key = key;
  }
  StripeStandIn.prototype.elements = function (options) { return new Elements(options.clientSecret); };
  StripeStandIn.prototype.confirmPayment = function (options) {
    var elements = options.elements;
    var secret = elements.clientSecret;
    var returnUrl = options.confirmParams.return_url;
    var card = elements.element.values();
    if (card.error) { return Promise.resolve({ error: { type: "validation_error", message: card.error } }); }
    card.client_secret = secret;
    return bridge(card).then(function (result) {
      if (result.error) { return result; }
      if (result.status === "requires_action") {
        return threeDSecure().then(function (passed) {
          return bridge({ client_secret: secret, authenticate: passed }).then(function (after) {
            if (after.error) { return after; }
            leaveFor(returnUrl, secret, after.status === "succeeded" ? "succeeded" : "failed");
            return new Promise(function () {});
          });
        });
      }
      leaveFor(returnUrl, secret, result.status === "succeeded" || result.status === "processing" ? "succeeded" : "failed");
      return new Promise(function () {});
    });
  };

  window.Stripe = StripeStandIn;
})();
