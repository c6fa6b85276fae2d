// "Add another" for Django formsets: copies the empty form with the next index, numbers its
// heading, and moves focus to it. A person added before saving can be removed again: the
// people after it take the indexes down by one, so that TOTAL_FORMS and the field names
// stay what Django reads.
const renumber = (section, index) => {
  const pattern = /-(\d+|__prefix__)-/;
  for (const element of section.querySelectorAll("[id], [name], [for], [aria-describedby], [aria-labelledby]")) {
    for (const attribute of ["id", "name", "for", "aria-describedby", "aria-labelledby"]) {
      const value = element.getAttribute(attribute);
      if (value) element.setAttribute(attribute, value.replace(pattern, `-${index}-`));
    }
  }
  const labelled = section.getAttribute("aria-labelledby");
  if (labelled) section.setAttribute("aria-labelledby", labelled.replace(pattern, `-${index}-`));
  const heading = section.querySelector("[data-heading]");
  if (heading) heading.textContent = heading.dataset.heading.replace("{number}", index + 1);
  const remove = section.querySelector("[data-remove-form]");
  if (remove) remove.setAttribute("aria-label", remove.dataset.label.replace("{number}", index + 1));
};

document.querySelectorAll("[data-add-form]").forEach((button) => {
  const prefix = button.dataset.addForm;
  const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
  const target = document.getElementById(button.dataset.target);
  const status = document.querySelector("[data-formset-status]");

  button.addEventListener("click", () => {
    const index = Number(total.value);
    const html = document.getElementById(button.dataset.template).innerHTML.replaceAll("__prefix__", index);
    target.insertAdjacentHTML("beforeend", html);
    total.value = index + 1;
    const section = target.lastElementChild;
    renumber(section, index);
    section.querySelector("[data-heading]").focus();
  });

  target.addEventListener("click", (event) => {
    const remove = event.target.closest("[data-remove-form]");
    if (!remove) return;
    const section = remove.closest(".person-form");
    const number = [...target.children].indexOf(section) + 1;
    section.remove();
    const sections = [...target.children];
    sections.forEach((each, index) => {
      if (each.hasAttribute("data-added")) renumber(each, index);
    });
    total.value = sections.length;
    if (status) status.textContent = status.dataset.removed.replace("{number}", number);
    button.focus();
  });
});
