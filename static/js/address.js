// Address forms: the state/province list shows only the chosen country's regions, and is
// hidden for countries whose addresses need none. Without JavaScript the grouped list works.
(function () {
  "use strict";
  var names = { US: "United States", CA: "Canada", AU: "Australia", MX: "Mexico", JP: "Japan" };
  document.querySelectorAll("form").forEach(function (form) {
    var country = form.querySelector("select[data-country]");
    var region = form.querySelector("select[data-region]");
    if (!country || !region) return;
    var field = region.closest(".field");
    var groups = Array.prototype.slice.call(region.querySelectorAll("optgroup"));
    function update() {
      var wanted = names[country.value];
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
