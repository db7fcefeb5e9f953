// Questions on the attendee page.
export function mount(live) {}
