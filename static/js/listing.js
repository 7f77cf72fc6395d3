// Listing pages: a filter or the sort applies as soon as it changes (the Apply button stays
// for keyboards and for pages without JavaScript). The search boxes suggest products.
(function () {
  "use strict";
  // A click with the mouse applies a filter at once; keyboard users move through the choices
  // and press Apply (arrow keys on a radio group must not reload the page at every step).
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.addEventListener("click", function (event) {
      if (event.detail > 0 && event.target.matches("input[type=radio], input[type=checkbox]")) {
        form.submit();
      }
    });
    form.querySelectorAll("select").forEach(function (select) {
      select.addEventListener("change", function () { form.submit(); });
    });
    form.querySelectorAll(".js-hidden").forEach(function (el) { el.hidden = true; });
  });

  // The filter panel folds away on phones; on wider screens it starts open.
  if (window.matchMedia("(min-width: 761px)").matches) {
    document.querySelectorAll("details[data-open-wide]").forEach(function (d) { d.open = true; });
  }

  // The search boxes suggest products as the shopper types: an ARIA 1.2 combobox (the input)
  // controlling a listbox of products with their photo and price. Arrow keys move through
  // them (the input keeps the focus; aria-activedescendant names the one shown active),
  // Enter or a click opens that product, Escape closes the list, and Enter with none chosen
  // searches as the plain form does without JavaScript.
  document.querySelectorAll("input[data-suggest]").forEach(function (input) {
    if (!window.fetch) { return; }
    var form = input.form;
    var list = document.createElement("ul");
    list.id = input.id + "-suggestions";
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.dataset.suggestLabel || "Suggestions");
    list.hidden = true;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    form.appendChild(list);
    form.appendChild(status);
    form.classList.add("has-suggestions");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    var timer = null, asked = "", active = -1, items = [];

    function setActive(next) {
      items.forEach(function (item, i) { item.setAttribute("aria-selected", i === next ? "true" : "false"); });
      active = next;
      if (next >= 0) {
        input.setAttribute("aria-activedescendant", items[next].id);
        items[next].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    }

    function show(suggestions) {
      list.textContent = "";
      items = suggestions.map(function (s, i) {
        var item = document.createElement("li");
        item.id = list.id + "-" + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.dataset.url = s.url;
        var picture = document.createElement(s.image ? "img" : "span");
        picture.className = "suggestion-image";
        if (s.image) { picture.src = s.image; picture.alt = ""; picture.width = 48; picture.height = 48; }
        var name = document.createElement("span");
        name.className = "suggestion-name";
        name.textContent = s.name;
        var price = document.createElement("span");
        price.className = "suggestion-price";
        price.textContent = s.price;
        item.appendChild(picture);
        item.appendChild(name);
        item.appendChild(price);
        list.appendChild(item);
        return item;
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      list.hidden = items.length === 0;
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
      var said = items.length === 1 ? input.dataset.suggestOne : input.dataset.suggestMany;
      status.textContent = items.length ? (said || "{count}").replace("{count}", items.length) : "";
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) { asked = ""; close(); return; }
      timer = setTimeout(function () {
        if (q === asked) { return; }
        asked = q;
        fetch(input.dataset.suggest + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
          .then(function (data) { if (q === input.value.trim()) { show(data.suggestions); } })
          .catch(function () {});
      }, 150);
    });

    input.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!items.length) { return; }
        event.preventDefault();
        if (!open) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
        if (event.key === "ArrowDown") {
          setActive(active + 1 >= items.length ? 0 : active + 1);
        } else {
          setActive(active - 1 < 0 ? items.length - 1 : active - 1);
        }
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault();
        window.location.assign(items[active].dataset.url);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      }
    });

    // A press on a suggestion must not blur the input first (the list would close under it).
    list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    list.addEventListener("click", function (event) {
      var item = event.target.closest("[role=option]");
      if (item) { window.location.assign(item.dataset.url); }
    });
    input.addEventListener("blur", close);
  });
})();
