// Speakers on the moderator page.
export function mount(live) {}
