// The rapporteur's notes and downloads.
export function mount(live) {}
