// Controls a person may not use now, held: disabled, and described by the sentence that
// says why (aria-describedby), until let go. Parts re-render their controls, and enable
// them again as they go: a watcher holds the new ones and the re-enabled ones too.
//
// Several reasons may hold one control (the consultation's end, a walk-in's watching):
// `data-held` lists them, and the control is let go only when none is left. A control
// its part disabled for its own reason (a poll already answered for good) is not taken:
// letting go never enables what the part meant to keep disabled.
//
// holdControls(root, selector, { reason, describedBy }) → { hold(on) }: `hold(true)`
// holds every control under `root` matching `selector`, now and as they appear (and
// lets go of those held for `reason` that no longer match); `hold(false)` lets them go.
// One `reason` per call: two holds sharing one would take each other's controls back.
export function holdControls(root, selector, { reason, describedBy = null }) {
  let on = false;

  function take(control) {
    const reasons = reasonsOf(control);
    if (reasons.has(reason)) {
      if (!control.disabled) control.disabled = true; // its part enabled it again
      return;
    }
    if (!reasons.size && control.disabled) return; // disabled by its part: not ours
    reasons.add(reason);
    control.dataset.held = [...reasons].join(" ");
    control.disabled = true;
    if (describedBy) setTokens(control, "aria-describedby", (ids) => ids.add(describedBy));
  }

  function letGo(control) {
    const reasons = reasonsOf(control);
    if (!reasons.delete(reason)) return;
    if (describedBy) setTokens(control, "aria-describedby", (ids) => ids.delete(describedBy));
    if (reasons.size) { control.dataset.held = [...reasons].join(" "); return; }
    delete control.dataset.held;
    control.disabled = false;
  }

  function apply() {
    root.querySelectorAll("[data-held]").forEach((control) => {
      if (!on || !control.matches(selector)) letGo(control);
    });
    if (on) root.querySelectorAll(selector).forEach(take);
  }

  if (root) {
    new MutationObserver(() => { if (on) apply(); })
      .observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: ["disabled", "aria-pressed"] });
  }
  return {
    hold(wanted) {
      if (!root || (wanted === on && !wanted)) return;
      on = Boolean(wanted);
      apply();
    },
  };
}

function reasonsOf(control) {
  return new Set((control.dataset.held || "").split(" ").filter(Boolean));
}

function setTokens(node, name, change) {
  const tokens = new Set((node.getAttribute(name) || "").split(" ").filter(Boolean));
  change(tokens);
  if (tokens.size) node.setAttribute(name, [...tokens].join(" "));
  else node.removeAttribute(name);
}
