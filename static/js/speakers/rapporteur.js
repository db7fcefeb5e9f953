// Speakers on the rapporteur page.
export function mount(live) {}
