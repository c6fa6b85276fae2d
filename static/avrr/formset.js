// "Add another" for Django formsets: copies the empty form with the next index.
document.querySelectorAll("[data-add-form]").forEach((button) => {
  button.addEventListener("click", () => {
    const prefix = button.dataset.addForm;
    const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
    const index = Number(total.value);
    const html = document.getElementById(button.dataset.template).innerHTML.replaceAll("__prefix__", index);
    document.getElementById(button.dataset.target).insertAdjacentHTML("beforeend", html);
    total.value = index + 1;
  });
});
