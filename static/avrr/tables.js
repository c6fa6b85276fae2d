// A table wider than its box scrolls inside it (tablets, phones): say so above it, and let
// the keyboard scroll it (the box takes focus). Checked again when the window is resized
// and when htmx brings new rows.
(function () {
  "use strict";
  var hintText = document.body.getAttribute("data-scroll-hint") || "";

  function check(box) {
    var scrolls = box.scrollWidth > box.clientWidth + 1;
    var hint = box.previousElementSibling;
    var hasHint = hint && hint.classList.contains("scroll-hint");
    if (scrolls && !hasHint) {
      hint = document.createElement("p");
      hint.className = "scroll-hint small text-body-secondary mb-1";
      hint.setAttribute("data-testid", "scroll-hint");
      hint.textContent = hintText;
      box.parentNode.insertBefore(hint, box);
    } else if (!scrolls && hasHint) {
      hint.remove();
    }
    if (scrolls) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", hintText);
    } else {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
    }
  }

  function checkAll() {
    document.querySelectorAll(".table-responsive").forEach(check);
  }

  document.addEventListener("DOMContentLoaded", checkAll);
  window.addEventListener("resize", checkAll);
  document.addEventListener("htmx:afterSettle", checkAll);
})();
