// The wishlist hearts. Cached catalog pages show the same heart to every shopper: a form that
// saves the product (it works without this file). Here the shopper's own list is read once
// (/wishlist/saved.json, never cached) and each heart becomes a toggle button whose
// aria-pressed says whether the product is saved; pressing it saves or removes in place.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-heart]");
  if (!forms.length || !window.fetch) return;

  function show(form, saved) {
    var button = form.querySelector("[data-heart-button]");
    button.setAttribute("aria-pressed", saved ? "true" : "false");
    form.querySelector("[data-heart-action]").value = saved ? "remove" : "add";
  }

  fetch("/wishlist/saved.json", { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) { return response.ok ? response.json() : { ids: [] }; })
    .then(function (data) {
      var saved = {};
      (data.ids || []).forEach(function (id) { saved[String(id)] = true; });
      forms.forEach(function (form) {
        show(form, !!saved[form.getAttribute("data-heart")]);
        form.addEventListener("submit", function (event) {
          event.preventDefault();
          var body = new FormData(form);
          fetch(form.action, {
            method: "POST", body: body, credentials: "same-origin",
            headers: { Accept: "application/json", "X-CSRFToken": body.get("csrfmiddlewaretoken") },
          }).then(function (response) {
            if (!response.ok) { form.submit(); return null; }  // the page says what went wrong
            return response.json();
          }).then(function (answer) {
            if (!answer) return;
            document.querySelectorAll('form[data-heart="' + form.getAttribute("data-heart") + '"]')
              .forEach(function (same) { show(same, answer.saved); });
          }).catch(function () { form.submit(); });
        });
      });
    })
    .catch(function () { /* the forms still work */ });
})();
