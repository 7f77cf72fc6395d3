// The wishlist hearts. Cached catalog pages show the same heart to every shopper: on the
// product page a form that saves the product, on a card a link to a page that saves it (both
// work without this file). Here the shopper's own list is read once (/wishlist/saved.json,
// never cached, with a CSRF token) and each heart becomes a toggle button whose aria-pressed
// says whether the product is saved; pressing it saves or removes in place.
(function () {
  "use strict";
  var hearts = document.querySelectorAll("[data-heart]");
  if (!hearts.length || !window.fetch) return;

  function buttonOf(heart) {
    return heart.tagName === "FORM" ? heart.querySelector("[data-heart-button]") : heart;
  }

  function show(id, saved) {
    document.querySelectorAll('[data-heart="' + id + '"]').forEach(function (heart) {
      buttonOf(heart).setAttribute("aria-pressed", saved ? "true" : "false");
      if (heart.tagName === "FORM") heart.querySelector("[data-heart-action]").value = saved ? "remove" : "add";
    });
  }

  function toggle(heart, token) {
    var id = heart.getAttribute("data-heart");
    var saved = buttonOf(heart).getAttribute("aria-pressed") === "true";
    var body = new FormData();
    body.append("product", id);
    body.append("action", saved ? "remove" : "add");
    return fetch("/wishlist/toggle/", {
      method: "POST", body: body, credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": token },
    }).then(function (response) {
      if (!response.ok) throw new Error("refused");
      return response.json();
    }).then(function (answer) { show(id, answer.saved); });
  }

  fetch("/wishlist/saved.json", { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (data) {
      if (!data) return;
      var saved = {};
      (data.ids || []).forEach(function (id) { saved[String(id)] = true; });
      hearts.forEach(function (heart) {
        var id = heart.getAttribute("data-heart");
        if (heart.tagName === "A") heart.setAttribute("role", "button");
        show(id, !!saved[id]);
        function press(event) {
          event.preventDefault();
          toggle(heart, data.csrf).catch(function () {
            // Say what went wrong the way the page does without JavaScript.
            if (heart.tagName === "FORM") heart.submit(); else window.location = heart.href;
          });
        }
        heart.addEventListener(heart.tagName === "FORM" ? "submit" : "click", press);
        if (heart.tagName === "A") {
          heart.addEventListener("keydown", function (event) {
            if (event.key === " ") press(event);
          });
        }
      });
    })
    .catch(function () { /* the forms and links still work */ });
})();
