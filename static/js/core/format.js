// Times, durations and numbers as people read them: their own zone and the consultation's,
// in the page's language.
import { t } from "./messages.js";

// The page's language for Intl. Arabic keeps Latin digits, as the clocks and counts
// the scripts write do, so one page never mixes two kinds of digits; Portuguese is
// the European norm, as the catalogue is (18/01/2024, not Brazil's "18 de jan.").
const INTL_LOCALES = { ar: "ar-u-nu-latn", pt: "pt-PT" };

export function locale() {
  const lang = document.documentElement.lang || "en";
  return INTL_LOCALES[lang] || lang;
}

export function duration(seconds) {
  const sign = seconds < 0 ? "−" : "";
  const s = Math.abs(Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, "0");
  return h ? `${sign}${h}:${String(m).padStart(2, "0")}:${rest}` : `${sign}${m}:${rest}`;
}

// 3.5 → "3,5" in French and Portuguese.
export function number(value) {
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: 2 }).format(value);
}

// 33.3 (already a percentage) → "33,3 %" in French.
export function percent(value) {
  return new Intl.NumberFormat(locale(), { style: "percent", maximumFractionDigits: 1 }).format(value / 100);
}

export function clockTime(iso, timeZone) {
  const options = { hour: "2-digit", minute: "2-digit", timeZoneName: "short" };
  if (timeZone) options.timeZone = timeZone;
  return new Intl.DateTimeFormat(locale(), options).format(new Date(iso));
}

export function dateTime(iso, timeZone) {
  // dateStyle cannot be combined with timeZoneName, so the parts are named one by one.
  const options = { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" };
  if (timeZone) options.timeZone = timeZone;
  return new Intl.DateTimeFormat(locale(), options).format(new Date(iso));
}

// "09:30 WAT (yours: 08:30 GMT)" — both zones when they differ.
export function bothZones(iso, consultationZone, format = clockTime) {
  const theirs = format(iso, consultationZone);
  const mine = format(iso);
  return theirs === mine ? theirs : `${theirs} (${t("yours", { time: mine })})`;
}
