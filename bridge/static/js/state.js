// What the modules share: the acting user, the people, the live connection, an event bus.
export const state = { me: null, users: new Map(), usersByContact: new Map(), live: null, current: null, toast: null,
  view: null };   // view: the AbortController of the shown view (its listeners end with it)
export const bus = new EventTarget();

export function userName(id) {
  const u = state.users.get(id);
  return u ? u.name : `user #${id}`;
}
