// Filters a long list as one types. The box `[data-filter-box]` holds an input whose
// `data-filter-list` names the list; each `[data-filter-item]` of the list stays shown when
// its `data-filter-text` has every word typed (case and accents ignored). The box is hidden
// in the page, so that without JavaScript nothing promises a search that does not work.
const fold = (text) => text.normalize("NFD").replace(/\p{Diacritic}/gu, "").toLowerCase();

document.querySelectorAll("[data-filter-box]").forEach((box) => {
  const input = box.querySelector("[data-filter-list]");
  const list = document.querySelector(input.dataset.filterList);
  const items = [...list.querySelectorAll("[data-filter-item]")].map((item) => ({
    item,
    text: fold(item.dataset.filterText),
  }));
  const empty = list.querySelector("[data-filter-empty]");
  box.hidden = false;
  input.addEventListener("input", () => {
    const words = fold(input.value).split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const { item, text } of items) {
      item.hidden = !words.every((word) => text.includes(word));
      shown += item.hidden ? 0 : 1;
    }
    if (empty) empty.hidden = shown > 0 || items.length === 0;
  });
  // Enter in the search box would send the whole form.
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") event.preventDefault();
  });
});
