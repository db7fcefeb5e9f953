// Show the scheduled time in the consultation's zone and the viewer's own.
import { bothZones, dateTime } from "../core/format.js";

for (const el of document.querySelectorAll("time.when")) {
  el.textContent = bothZones(el.getAttribute("datetime"), el.dataset.tz, dateTime);
}

// The stakeholder group has no default: a form sent without one says so under the field,
// as the server would, without a round trip.
const form = document.querySelector("[data-join-form]");
if (form) {
  const group = form.elements.stakeholder_group;
  const error = form.querySelector("[data-field-error=stakeholder_group]");
  const show = (wrong) => {
    error.hidden = !wrong;
    if (wrong) group.setAttribute("aria-invalid", "true"); else group.removeAttribute("aria-invalid");
  };
  form.addEventListener("submit", (e) => {
    if (group.value) return;
    e.preventDefault();
    show(true);
    group.focus();
  });
  group.addEventListener("change", () => { if (group.value) show(false); });
}
