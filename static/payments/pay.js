// The payment page. The same code runs with Stripe's own Stripe.js and with our stand-in.
(function () {
  "use strict";
  var form = document.getElementById("payment-form");
  if (!form || typeof Stripe === "undefined") { return; }
  var button = document.getElementById("pay-button");
  var message = document.getElementById("payment-message");
  var stripe = Stripe(form.dataset.publishableKey);
  var elements = stripe.elements({ clientSecret: form.dataset.clientSecret });
  var paymentElement = elements.create("payment");
  paymentElement.mount("#payment-element");
  button.disabled = false;

  function showError(text) {
    // Announced (role="alert"), and the shopper is back where they pressed Pay.
    message.textContent = text;
    message.hidden = false;
    button.disabled = false;
    button.classList.remove("busy");
    button.focus();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (button.disabled) { return; }
    button.disabled = true;
    button.classList.add("busy");
    message.hidden = true;
    stripe.confirmPayment({ elements: elements, confirmParams: { return_url: form.dataset.returnUrl } })
      .then(function (result) {
        // On success Stripe.js leaves the page for return_url; we only get here on an error.
        if (result && result.error) {
          showError(result.error.message || "Your payment could not be completed.");
        }
      })
      .catch(function () { showError("Something went wrong. Please try again."); });
  });
})();
