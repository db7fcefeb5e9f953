// Show the scheduled time in the consultation's zone and the viewer's own.
import { bothZones, dateTime } from "../core/format.js";

for (const el of document.querySelectorAll("time.when")) {
  el.textContent = bothZones(el.getAttribute("datetime"), el.dataset.tz, dateTime);
}
