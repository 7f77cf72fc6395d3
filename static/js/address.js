// Address forms: the state/province list shows only the chosen country's regions, and is
// hidden for countries whose addresses need none. Without JavaScript the grouped list works.
// A country's group is labelled with its name as the country list shows it, in the page's
// language ("Vereinigte Staaten" on a German page): the two are matched by that name.
(function () {
  "use strict";
  document.querySelectorAll("form").forEach(function (form) {
    var country = form.querySelector("select[data-country]");
    var region = form.querySelector("select[data-region]");
    if (!country || !region) return;
    var field = region.closest(".field");
    var groups = Array.prototype.slice.call(region.querySelectorAll("optgroup"));
    function update() {
      var option = country.options[country.selectedIndex];
      var wanted = option && option.value ? option.text : null;
      var any = false;
      groups.forEach(function (group) {
        var show = group.label === wanted;
        group.hidden = !show;
        group.disabled = !show;
        any = any || show;
      });
      var chosen = region.selectedOptions[0];
      if (chosen && chosen.parentElement.tagName === "OPTGROUP" && chosen.parentElement.hidden) {
        region.value = "";
      }
      if (field) field.hidden = !any;
      region.required = any;
    }
    country.addEventListener("change", update);
    update();
  });
})();
