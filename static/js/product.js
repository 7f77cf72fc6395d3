// The product page: one picker per option, the gallery. Without this file the page still
// works: the server renders the variant in the URL and the form posts the chosen options.
// The choosing rule is shop/catalog/picker.py's.
(function () {
  "use strict";
  var page = document.querySelector("[data-product]");
  if (!page) return;

  var gallery = page.querySelector("[data-gallery]");
  var main = gallery && gallery.querySelector(".gallery-main");

  function visibleThumbs() {
    return Array.prototype.filter.call(gallery.querySelectorAll("[data-thumb]"), function (li) { return !li.hidden; });
  }

  function showPhoto(id, focusThumb) {
    var slide = main.querySelector('[data-photo="' + id + '"]');
    if (!slide) return;
    main.scrollTo({ left: slide.offsetLeft - main.offsetLeft, behavior: "smooth" });
    gallery.querySelectorAll(".thumb").forEach(function (a) {
      var current = a.parentNode.getAttribute("data-thumb") === String(id);
      if (current) { a.setAttribute("aria-current", "true"); if (focusThumb) a.focus(); }
      else a.removeAttribute("aria-current");
    });
  }

  if (main) {
    gallery.addEventListener("click", function (event) {
      var link = event.target.closest(".thumb");
      if (!link) return;
      event.preventDefault();
      showPhoto(link.parentNode.getAttribute("data-thumb"), false);
    });
    gallery.addEventListener("keydown", function (event) {
      var link = event.target.closest(".thumb");
      if (!link || (event.key !== "ArrowRight" && event.key !== "ArrowLeft")) return;
      var thumbs = visibleThumbs();
      var index = thumbs.indexOf(link.parentNode) + (event.key === "ArrowRight" ? 1 : -1);
      if (index < 0 || index >= thumbs.length) return;
      event.preventDefault();
      showPhoto(thumbs[index].getAttribute("data-thumb"), true);
    });
    var settle;
    main.addEventListener("scroll", function () {
      clearTimeout(settle);
      settle = setTimeout(function () {
        var slides = Array.prototype.filter.call(main.children, function (s) { return !s.hidden; });
        var index = Math.round(main.scrollLeft / Math.max(main.clientWidth, 1));
        var slide = slides[Math.min(index, slides.length - 1)];
        if (!slide) return;
        gallery.querySelectorAll(".thumb").forEach(function (a) {
          if (a.parentNode.getAttribute("data-thumb") === slide.getAttribute("data-photo")) a.setAttribute("aria-current", "true");
          else a.removeAttribute("aria-current");
        });
      }, 80);
    });
  }

  // Photos for the chosen values: a colour's own first, then those for every choice.
  function filterGallery(chosenValues) {
    if (!main) return;
    [main, gallery.querySelector(".thumbs")].forEach(function (list) {
      if (!list) return;
      var items = Array.prototype.slice.call(list.children);
      var own = items.filter(function (i) { return chosenValues.indexOf(i.getAttribute("data-value")) >= 0; });
      var general = items.filter(function (i) { return i.getAttribute("data-value") === ""; });
      var shown = own.concat(general);
      items.forEach(function (i) { i.hidden = shown.indexOf(i) < 0; });
      shown.forEach(function (i) { list.appendChild(i); });
      items.forEach(function (i) { if (i.hidden) list.appendChild(i); });
    });
    var first = main.querySelector(".gallery-slide:not([hidden])");
    if (first) {
      first.querySelectorAll("img").forEach(function (img) { img.loading = "eager"; });
      main.scrollLeft = 0;
      showPhoto(first.getAttribute("data-photo"), false);
    }
  }

  var form = page.querySelector("[data-add-form]");
  var dataNode = document.getElementById("variant-data");
  if (!form || !dataNode) return;
  page.querySelectorAll(".no-js").forEach(function (node) { node.hidden = true; });
  var data = JSON.parse(dataNode.textContent);
  var fieldsets = Array.prototype.slice.call(form.querySelectorAll("[data-option]"));
  if (!fieldsets.length) return;

  function matching(wanted) {
    return data.variants.filter(function (v) {
      return Object.keys(wanted).every(function (t) { return v.values[t] === wanted[t]; })
        && Object.keys(v.values).length === data.options.length;
    });
  }
  function buyable(wanted) {
    return matching(wanted).some(function (v) { return v.available > 0; });
  }
  function chosen() {
    var wanted = {};
    fieldsets.forEach(function (fs) {
      var input = fs.querySelector("input:checked");
      if (input) wanted[fs.getAttribute("data-option")] = Number(input.value);
    });
    return wanted;
  }

  // changedIndex: the option the shopper just changed (later ones may move to stay buyable);
  // past the last option on load, when only what can be chosen is worked out.
  function refresh(changedIndex) {
    var wanted = chosen();
    var before = {};
    fieldsets.forEach(function (fs, index) {
      var type = fs.getAttribute("data-option");
      var inputs = Array.prototype.slice.call(fs.querySelectorAll("input[type=radio]"));
      inputs.forEach(function (input) {
        var trial = Object.assign({}, before);
        trial[type] = Number(input.value);
        var ok = buyable(trial);
        input.disabled = !ok;
        input.closest(".pick").classList.toggle("unavailable", !ok);
        input.closest(".pick").querySelector("[data-unavailable]").textContent =
          ok ? "" : (matching(trial).length ? data.text.soldOut : data.text.notMade);
      });
      var current = fs.querySelector("input:checked");
      if (index > changedIndex && (!current || current.disabled)) {
        var first = inputs.filter(function (i) { return !i.disabled; })[0];
        if (first) { first.checked = true; current = first; }
      }
      if (current) {
        before[type] = Number(current.value);
        fs.querySelector("[data-chosen]").textContent = current.getAttribute("data-label");
      }
    });
    if (changedIndex >= fieldsets.length) return;
    wanted = chosen();
    var variant = matching(wanted)[0];
    if (!variant) return;
    form.querySelector("[data-variant]").value = variant.id;
    page.querySelector("[data-price]").textContent = variant.price;
    var stock = page.querySelector("[data-stock]");
    stock.textContent = variant.stock;
    stock.className = "stock " + variant.stockClass;
    page.querySelector("[data-sku]").textContent = variant.sku;
    form.querySelector("[data-add]").hidden = variant.available <= 0;
    form.querySelector("[data-add]").disabled = variant.available <= 0;
    form.querySelector("[data-sold-out]").hidden = variant.available > 0;
    var url = location.pathname + "?variant=" + encodeURIComponent(variant.sku);
    form.querySelector("[data-next]").value = url;
    history.replaceState(null, "", url);
    filterGallery(Object.keys(wanted).map(function (t) { return String(wanted[t]); }));
  }

  fieldsets.forEach(function (fs, index) {
    fs.addEventListener("change", function () { refresh(index); });
  });
  refresh(fieldsets.length);
  form.querySelector("[data-next]").value = location.pathname + location.search;
})();
