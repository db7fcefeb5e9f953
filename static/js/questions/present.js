// Questions on the present page.
export function mount(live) {}
