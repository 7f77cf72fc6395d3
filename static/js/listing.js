// Listing pages: a filter or the sort applies as soon as it changes (the Apply button stays
// for keyboards and for pages without JavaScript). The search box suggests product names.
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

  var input = document.getElementById("search-q");
  if (!input || !window.fetch) return;
  var list = document.createElement("datalist");
  list.id = "search-suggestions";
  document.body.appendChild(list);
  input.setAttribute("list", list.id);
  var timer = null, last = "";
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var q = input.value.trim();
    if (q.length < 2 || q === last) return;
    timer = setTimeout(function () {
      last = q;
      fetch(input.form.action + "suggest/?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (data) {
          list.textContent = "";
          data.suggestions.forEach(function (s) {
            var option = document.createElement("option");
            option.value = s.name;
            list.appendChild(option);
          });
        })
        .catch(function () {});
    }, 150);
  });
})();
