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
  var salesNode = document.getElementById("variant-sales");
  var sales = salesNode ? JSON.parse(salesNode.textContent || "{}") : {};
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

  function format(text, choice) { return text.replace("%(choice)s", choice); }

  // A variant to buy that differs from the chosen values in one option; those keeping the
  // option just changed come first, then the later options varied before the earlier ones.
  function alternatives(wanted, changedType) {
    var found = [];
    data.variants.forEach(function (v) {
      if (v.available <= 0 || Object.keys(v.values).length !== data.options.length) return;
      var differing = data.options.filter(function (t) { return v.values[t] !== wanted[t]; });
      if (differing.length !== 1) return;
      var index = data.options.indexOf(differing[0]);
      found.push({ variant: v, rank: [differing[0] === changedType ? 1 : 0, -index] });
    });
    found.sort(function (a, b) { return (a.rank[0] - b.rank[0]) || (a.rank[1] - b.rank[1]); });
    return found.slice(0, 4).map(function (f) { return f.variant; });
  }

  function showCombination(variant, wanted, changedType) {
    var box = page.querySelector("[data-combination]");
    if (!box) return;
    var text = box.querySelector("[data-combination-text]");
    var others = box.querySelector("[data-alternatives]");
    var links = box.querySelector("[data-alternative-links]");
    if (variant && variant.available > 0) {
      text.hidden = others.hidden = true;
      text.textContent = "";
      return;
    }
    var label = fieldsets.map(function (fs) {
      var input = fs.querySelector("input:checked");
      return input ? input.getAttribute("data-label") : "";
    }).join(" / ");
    text.textContent = format(variant ? data.text.soldOutIn : data.text.notMadeIn, label);
    text.hidden = false;
    var found = alternatives(wanted, changedType);
    links.textContent = "";
    found.forEach(function (v, i) {
      if (i) links.appendChild(document.createTextNode(", "));
      var a = document.createElement("a");
      a.href = location.pathname + "?variant=" + encodeURIComponent(v.sku);
      a.textContent = v.label;
      links.appendChild(a);
    });
    others.hidden = !found.length;
  }

  // A choice is the shopper's: nothing here changes one (picker.py has the rule). Each value
  // is marked for what it makes with the other values chosen; disabled only when no variant
  // with it can be bought at all. changedIndex: the option just changed; past the last
  // option on load, when the server's page is only marked.
  function refresh(changedIndex) {
    var wanted = chosen();
    fieldsets.forEach(function (fs) {
      var type = fs.getAttribute("data-option");
      fs.querySelectorAll("input[type=radio]").forEach(function (input) {
        var own = {};
        own[type] = Number(input.value);
        var trial = Object.assign({}, wanted, own);
        var ok = buyable(trial);
        input.disabled = !buyable(own);
        input.closest(".pick").classList.toggle("unavailable", !ok);
        input.closest(".pick").querySelector("[data-unavailable]").textContent =
          ok ? "" : (matching(trial).length ? data.text.soldOut : data.text.notMade);
      });
      var current = fs.querySelector("input:checked");
      if (current) fs.querySelector("[data-chosen]").textContent = current.getAttribute("data-label");
    });
    if (changedIndex >= fieldsets.length) return;
    var variant = Object.keys(wanted).length === data.options.length ? matching(wanted)[0] : null;
    var changedType = fieldsets[changedIndex].getAttribute("data-option");
    showCombination(variant, wanted, changedType);
    var canBuy = Boolean(variant) && variant.available > 0;
    form.querySelector("[data-add]").hidden = !canBuy;
    form.querySelector("[data-add]").disabled = !canBuy;
    form.querySelector("[data-sold-out]").hidden = canBuy;
    var stockAlert = page.querySelector("[data-stock-alert]");
    if (stockAlert) {
      // "Email me when it is back" is for a sold-out variant, not for a choice that makes none.
      stockAlert.hidden = !variant || canBuy;
      stockAlert.querySelector("[data-alert-variant]").value = variant ? variant.id : "";
    }
    page.querySelector("[data-price-line]").hidden = !variant;
    page.querySelector("[data-sku-line]").hidden = !variant;
    var url = location.pathname + "?" + (variant
      ? "variant=" + encodeURIComponent(variant.sku)
      : fieldsets.map(function (fs) {
          var input = fs.querySelector("input:checked") || fs.querySelector("input[type=radio]");
          return encodeURIComponent(input.name) + "=" + (input.checked ? input.value : "");
        }).join("&"));
    form.querySelector("[data-next]").value = url;
    history.replaceState(null, "", url);
    filterGallery(Object.keys(wanted).map(function (t) { return String(wanted[t]); }));
    if (!variant) { form.querySelector("[data-variant]").value = ""; return; }
    form.querySelector("[data-variant]").value = variant.id;
    // A sale (promotions/templatetags): the price now, the price before, and why.
    var sale = sales[variant.id];
    page.querySelector("[data-price]").textContent = sale ? sale.now : variant.price;
    var was = page.querySelector("[data-was]");
    var reason = page.querySelector("[data-sale-reason]");
    if (was && reason) {
      was.hidden = reason.hidden = !sale;
      was.querySelector("[data-was-amount]").textContent = sale ? sale.was : "";
      reason.textContent = sale ? sale.reason : "";
    }
    var stock = page.querySelector("[data-stock]");
    stock.textContent = variant.stock;
    stock.className = "stock " + variant.stockClass;
    page.querySelector("[data-sku]").textContent = variant.sku;
  }

  fieldsets.forEach(function (fs, index) {
    fs.addEventListener("change", function () { refresh(index); });
  });
  refresh(fieldsets.length);
  form.querySelector("[data-next]").value = location.pathname + location.search;
})();
