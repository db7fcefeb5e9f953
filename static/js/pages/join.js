// Show the scheduled time in the consultation's zone and the viewer's own.
import { bothZones, dateTime } from "../core/format.js";

for (const el of document.querySelectorAll("time.when")) {
  el.textContent = bothZones(el.getAttribute("datetime"), el.dataset.tz, dateTime);
}

// The stakeholder group has no default and the privacy notice must be accepted: a form
// sent without either says so under the field, as the server would, without a round trip.
const form = document.querySelector("[data-join-form]");
if (form) {
  const fields = [
    [form.elements.stakeholder_group, (el) => Boolean(el.value), "change"],
    [form.elements.consent, (el) => el.checked, "change"],
  ].filter(([el]) => el);
  const show = (el, wrong) => {
    form.querySelector(`[data-field-error=${el.name}]`).hidden = !wrong;
    if (wrong) el.setAttribute("aria-invalid", "true"); else el.removeAttribute("aria-invalid");
  };
  form.addEventListener("submit", (e) => {
    const wrong = fields.filter(([el, ok]) => !ok(el)).map(([el]) => el);
    for (const [el, ok] of fields) show(el, !ok(el));
    if (!wrong.length) return;
    e.preventDefault();
    wrong[0].focus();
  });
  for (const [el, ok, event] of fields) el.addEventListener(event, () => { if (ok(el)) show(el, false); });
}
