// The refund form: typing a quantity chooses "Chosen items", typing an amount chooses
// "An amount" (the server refuses any mismatch too; this only saves the merchant a round trip).
document.querySelectorAll("[data-refund]").forEach((input) => {
  input.addEventListener("input", () => {
    if (!input.value || input.value === "0") return;
    const choice = document.querySelector(`input[name=what][value=${input.dataset.refund}]`);
    if (choice) choice.checked = true;
  });
});
